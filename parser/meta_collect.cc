// CollectPageFacts: see meta_collect.h.
#include "parser/meta_collect.h"

#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/text.h"
#include "parser/dom.h"
#include "parser/meta_hints.h"

namespace newscrawl {
namespace {

constexpr size_t kMaxCandidates = 40;
constexpr size_t kMaxCandidateText = 300;

// The attributes the walk looks at, read in one pass over the element's attribute list.
struct Attrs {
  std::string_view cls, id, itemprop, itemtype;
};

Attrs ReadAttrs(const GumboNode* node) {
  Attrs a;
  const GumboVector& attrs = node->v.element.attributes;
  for (unsigned int i = 0; i < attrs.length; ++i) {
    auto* attr = static_cast<const GumboAttribute*>(attrs.data[i]);
    const char* n = attr->name;
    if (n[0] == 'c' && std::strcmp(n, "class") == 0)
      a.cls = attr->value;
    else if (n[0] == 'i' && n[1] == 'd' && n[2] == '\0')
      a.id = attr->value;
    else if (n[0] == 'i' && std::strcmp(n, "itemprop") == 0)
      a.itemprop = attr->value;
    else if (n[0] == 'i' && std::strcmp(n, "itemtype") == 0)
      a.itemtype = attr->value;
  }
  return a;
}

std::string ScriptText(const GumboNode* script) {
  std::string text;
  const GumboVector& children = script->v.element.children;
  for (unsigned int i = 0; i < children.length; ++i) {
    auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA ||
        child->type == GUMBO_NODE_WHITESPACE) {
      text += child->v.text.text;
    }
  }
  return text;
}

bool HasToken(std::string_view list, std::string_view token) {
  std::string lower = text::AsciiLower(list);
  size_t start = 0;
  while (start < lower.size()) {
    size_t end = lower.find_first_of(" \t\n", start);
    if (end == std::string::npos) end = lower.size();
    if (std::string_view(lower).substr(start, end - start) == token) return true;
    start = end + 1;
  }
  return false;
}

// Collapsed text of `node`, giving up (returning "") once it exceeds `limit` bytes: candidates
// are short, and a long container must not cost a full subtree copy each time.
std::string BoundedText(const GumboNode* node, size_t limit) {
  std::string text;
  bool too_long = false;
  dom::WalkPreOrder(node, [&](const GumboNode* n, int) {
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_CDATA ||
        n->type == GUMBO_NODE_WHITESPACE) {
      text += n->v.text.text;
      if (text.size() > 4 * limit) {
        too_long = true;
        return dom::WalkAction::kStop;
      }
      return dom::WalkAction::kDescend;
    }
    GumboTag tag = dom::TagOf(n);
    if (tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_NOSCRIPT ||
        tag == GUMBO_TAG_TEMPLATE) {
      return dom::WalkAction::kSkipChildren;
    }
    if (dom::IsBlockTag(tag) || tag == GUMBO_TAG_BR) text.push_back(' ');
    return dom::WalkAction::kDescend;
  });
  if (too_long) return "";
  std::string collapsed = text::CollapseWhitespace(text);
  return collapsed.size() > limit ? "" : collapsed;
}

struct Scope {
  bool chrome = false;
  bool article = false;
  bool breadcrumb = false;
};

}  // namespace

// The first <meta> value among `keys` (earlier keys win over later ones).
std::string Meta(const PageFacts& f, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    for (const auto& [k, v] : f.metas) {
      if (k == key && !v.empty()) return v;
    }
  }
  return "";
}

std::string Itemprop(const PageFacts& f, const char* key) {
  for (const auto& [k, v] : f.itemprops) {
    if (k == key && !v.empty()) return v;
  }
  return "";
}

PageFacts CollectPageFacts(const GumboNode* document) {
  PageFacts facts;
  std::vector<Scope> scopes(1);
  int order = 0;
  bool breadcrumb_done = false;
  int breadcrumb_depth = -1;
  auto add = [](std::vector<TextCandidate>& list, const GumboNode* node, int order, const Scope& s,
                bool after_h1) {
    if (list.size() >= kMaxCandidates) return;
    std::string text = BoundedText(node, kMaxCandidateText);
    if (!text.empty()) list.push_back(TextCandidate{std::move(text), order, s.article, after_h1});
  };
  std::unordered_map<std::string_view, ClassIdFacts> class_facts;  // keys: class values
  dom::WalkPreOrder(document, [&](const GumboNode* node, int depth) {
    if (node->type == GUMBO_NODE_DOCUMENT) return dom::WalkAction::kDescend;
    if (!dom::IsElementNode(node)) return dom::WalkAction::kSkipChildren;
    ++order;
    if (static_cast<size_t>(depth) + 1 >= scopes.size()) scopes.resize(depth + 2);
    Scope parent = depth > 0 ? scopes[depth - 1] : Scope{};
    if (breadcrumb_depth >= 0 && depth <= breadcrumb_depth) {
      breadcrumb_depth = -1;
      if (!facts.breadcrumb.empty()) breadcrumb_done = true;
    }
    Scope& scope = scopes[depth];
    scope = parent;
    GumboTag tag = dom::TagOf(node);
    Attrs attrs = ReadAttrs(node);
    ClassIdFacts class_id;
    if (attrs.id.empty() && !attrs.cls.empty()) {
      auto it = class_facts.find(attrs.cls);
      if (it == class_facts.end())
        it = class_facts.emplace(attrs.cls, JudgeClassId(attrs.cls, attrs.id)).first;
      class_id = it->second;
    } else {
      class_id = JudgeClassId(attrs.cls, attrs.id);
    }
    std::string_view itemprop = attrs.itemprop;
    std::string_view itemtype = attrs.itemtype;
    if (tag == GUMBO_TAG_ARTICLE || tag == GUMBO_TAG_MAIN || itemprop == "articleBody" ||
        itemtype.find("Article") != std::string_view::npos ||
        itemtype.find("BlogPosting") != std::string_view::npos) {
      scope.article = true;
    }
    // <header>/<aside>/<footer> belong to the article when inside it or named after it
    // ("c-article-head", "entry-header", "post-meta" asides); otherwise they are page chrome.
    if (!scope.article && (tag == GUMBO_TAG_NAV || tag == GUMBO_TAG_FOOTER ||
                           tag == GUMBO_TAG_ASIDE || tag == GUMBO_TAG_HEADER)) {
      bool named_for_article = tag != GUMBO_TAG_NAV && class_id.named_for_article;
      if (!named_for_article) scope.chrome = true;
    }
    if (class_id.chrome && tag != GUMBO_TAG_BODY && tag != GUMBO_TAG_HTML) {
      scope.chrome = true;
    }
    bool after_h1 = facts.h1_order >= 0;

    switch (tag) {
      case GUMBO_TAG_HTML:
        if (facts.html_lang.empty()) facts.html_lang = std::string(dom::GetAttribute(node, "lang"));
        if (facts.html_lang.empty()) {
          facts.html_lang = std::string(dom::GetAttribute(node, "xml:lang"));
        }
        break;
      case GUMBO_TAG_TITLE:
        if (facts.title.empty()) facts.title = BoundedText(node, 2000);
        return dom::WalkAction::kSkipChildren;
      case GUMBO_TAG_META: {
        std::string_view key = dom::GetAttribute(node, "property");
        if (key.empty()) key = dom::GetAttribute(node, "name");
        if (key.empty()) key = itemprop;
        if (key.empty()) key = dom::GetAttribute(node, "http-equiv");
        std::string_view content = dom::GetAttribute(node, "content");
        if (!key.empty() && !content.empty() && facts.metas.size() < 500) {
          facts.metas.emplace_back(text::AsciiLower(key), text::CollapseWhitespace(content));
        }
        return dom::WalkAction::kSkipChildren;
      }
      case GUMBO_TAG_LINK: {
        std::string_view rel = dom::GetAttribute(node, "rel");
        if (HasToken(rel, "canonical") && facts.canonical_href.empty()) {
          facts.canonical_href = text::CollapseWhitespace(dom::GetAttribute(node, "href"));
        }
        return dom::WalkAction::kSkipChildren;
      }
      case GUMBO_TAG_SCRIPT:
        if (text::AsciiLower(dom::GetAttribute(node, "type")).find("ld+json") !=
            std::string::npos) {
          facts.ld_scripts.push_back(ScriptText(node));
        }
        return dom::WalkAction::kSkipChildren;
      case GUMBO_TAG_STYLE:
      case GUMBO_TAG_NOSCRIPT:
      case GUMBO_TAG_TEMPLATE:
        return dom::WalkAction::kSkipChildren;
      case GUMBO_TAG_H1:
      case GUMBO_TAG_H2:
        // Breadcrumb "headlines" are the SEO title in a trail, not the headline printed over the
        // article.
        if (!scope.chrome && !class_id.logo && !class_id.breadcrumb &&
            facts.headings.size() < kMaxCandidates) {
          std::string text = BoundedText(node, kMaxCandidateText);
          if (!text.empty()) facts.headings.push_back(std::move(text));
        }
        if (tag == GUMBO_TAG_H1 && facts.h1_order < 0 && !scope.chrome && !class_id.logo) {
          std::string text = BoundedText(node, 2000);
          if (!text.empty()) {
            facts.h1 = std::move(text);
            facts.h1_order = order;
          }
        }
        break;
      case GUMBO_TAG_STRONG:
      case GUMBO_TAG_B:
        // "<li><strong>Author</strong> Jane Doe</li>", "<li><strong>Datum</strong> 28.04.2023
        // </li>": a labelled byline or date without a class.
        if (!scope.chrome && node->parent != nullptr) {
          const FieldLabel kind = LabelOf(node);
          std::vector<TextCandidate>* list = kind == FieldLabel::kAuthor ? &facts.bylines
                                             : kind == FieldLabel::kDate ? &facts.labelled_dates
                                                                         : nullptr;
          if (list != nullptr && list->size() < kMaxCandidates) {
            std::string text = BoundedText(node->parent, kMaxCandidateText);
            std::string label = BoundedText(node, kMaxCandidateText);
            if (text.size() > label.size() + 1 && text.compare(0, label.size(), label) == 0) {
              list->push_back(
                  TextCandidate{text.substr(label.size()), order, scope.article, after_h1});
            }
          }
        }
        break;
      case GUMBO_TAG_TIME:
        if (!scope.chrome && dom::HasAttribute(node, "datetime") &&
            facts.time_datetimes.size() < kMaxCandidates) {
          facts.time_datetimes.push_back(TextCandidate{
              std::string(dom::GetAttribute(node, "datetime")), order, scope.article, after_h1});
        }
        if (!scope.chrome) add(facts.date_texts, node, order, scope, after_h1);
        break;
      case GUMBO_TAG_A:
        if (HasToken(dom::GetAttribute(node, "rel"), "author") && facts.rel_author.size() < 10) {
          std::string text = BoundedText(node, kMaxCandidateText);
          if (!text.empty()) {
            if (!scope.chrome) facts.rel_author_outside_chrome.push_back(text);
            facts.rel_author.push_back(std::move(text));
          }
        }
        if (!scope.chrome && facts.author_page_links.size() < 10 && IsAuthorPageHref(node)) {
          std::string text = BoundedText(node, kMaxCandidateText);
          if (!text.empty()) facts.author_page_links.push_back(std::move(text));
        }
        if (scope.breadcrumb && !breadcrumb_done && facts.breadcrumb.size() < 20) {
          std::string text = BoundedText(node, kMaxCandidateText);
          if (!text.empty()) facts.breadcrumb.push_back(std::move(text));
        }
        break;
      default:
        break;
    }
    if (!itemprop.empty() && facts.itemprops.size() < 100) {
      std::string_view value = dom::GetAttribute(node, "content");
      if (value.empty()) value = dom::GetAttribute(node, "datetime");
      std::string text = value.empty() ? BoundedText(node, kMaxCandidateText) : std::string(value);
      if (itemprop == "author" || itemprop == "creator") {
        // <span itemprop=author><span itemprop=name>X</span></span>: the text is the name.
        if (!scope.chrome) facts.itemprops.emplace_back(std::string(itemprop), text);
      } else if (text.size() <= kMaxCandidateText) {
        facts.itemprops.emplace_back(std::string(itemprop), text);
      }
    }
    if (!breadcrumb_done && breadcrumb_depth < 0 && class_id.breadcrumb) {
      scope.breadcrumb = true;
      breadcrumb_depth = depth;
    }
    if (scope.chrome || tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_HTML) {
      return dom::WalkAction::kDescend;
    }
    if (class_id.present) {
      if (class_id.date) add(facts.date_texts, node, order, scope, after_h1);
      if (class_id.byline) add(facts.bylines, node, order, scope, after_h1);
      if (class_id.sapo && facts.sapos.size() < 5) {
        std::string text = BoundedText(node, 1500);
        if (text.size() >= 40) {
          facts.sapos.push_back(TextCandidate{std::move(text), order, scope.article, after_h1});
        }
      }
    }
    return dom::WalkAction::kDescend;
  });
  return facts;
}

}  // namespace newscrawl
