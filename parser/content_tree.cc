#include "parser/content_tree.h"

#include <string_view>
#include <unordered_map>

#include "parser/cjk.h"
#include "parser/dom.h"
#include "parser/inline_links.h"

namespace newscrawl::content {
namespace {

// A block shorter than this (weighted chars) is not a paragraph of running text.
constexpr uint32_t kMinParagraphChars = 40;
// Non-link text outside paragraph blocks counts this many quarters of its length as bad chars.
constexpr uint32_t kShortTextWeight = 2;
// Running text (weighted chars) outside comment threads that makes a page an article with
// comments rather than a thread.
constexpr uint32_t kMinArticleBesideComments = 200;
// A descendant of the best container with this many tenths of its running text and its score
// is the tighter container (see SelectContainer).
constexpr uint32_t kTightShare = 9;
// Running text (weighted chars) below which a container is too small to be the article alone.
constexpr uint32_t kMinStandaloneArticle = 400;

bool IsSkippedTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_SELECT:
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_BUTTON:
    case GUMBO_TAG_INPUT:
    case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_SVG:
    case GUMBO_TAG_MATH:
    case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_LABEL:
      return true;
    default:
      return false;
  }
}

bool IsParagraphBlock(const ElementInfo& e) {
  return e.own_chars >= kMinParagraphChars && e.own_link_chars * 3 <= e.own_chars;
}

// Recomputes the subtree sums bottom-up (pre-order reversed visits children before parents).
// With `use_suppression`, paragraphs inside suppressed subtrees count as bad text.
void Accumulate(ContentTree* tree, bool use_suppression) {
  std::vector<ElementInfo>& el = tree->elements;
  for (ElementInfo& e : el) {
    e.text_chars = e.link_chars = e.good_chars = e.bad_chars = 0;
    e.anchors = 0;
  }
  for (size_t i = el.size(); i-- > 0;) {
    ElementInfo& e = el[i];
    if (dom::IsElement(e.node, GUMBO_TAG_A) && dom::HasAttribute(e.node, "href")) ++e.anchors;
    if (e.own_chars > 0) {
      e.text_chars += e.own_chars;
      e.link_chars += e.own_link_chars;
      if (IsParagraphBlock(e) && !(use_suppression && e.suppressed)) {
        e.good_chars += e.own_chars - e.own_link_chars;
        e.bad_chars += e.own_link_chars;
      } else {
        // Short text outside links (subheadings, list items, table cells) is weak evidence
        // against a container; link text (menus, teasers) is strong evidence.
        e.bad_chars += e.own_link_chars + (e.own_chars - e.own_link_chars) * kShortTextWeight / 4;
      }
    }
    if (e.parent >= 0) {
      ElementInfo& p = el[e.parent];
      p.text_chars += e.text_chars;
      p.link_chars += e.link_chars;
      p.good_chars += e.good_chars;
      p.bad_chars += e.bad_chars;
      p.anchors += e.anchors;
    }
  }
}

// ClassifyHints, memoised for the most common case: an element whose only hint is its class
// (no id, style, role, itemprop or hidden flags; ids are unique, so not worth a cache). Pages
// repeat the same few class strings thousands of times. The keys point into the Gumbo tree.
Hint CachedHints(const GumboNode* node, std::unordered_map<std::string_view, Hint>* cache,
                 HintCache* tokens) {
  const GumboVector& attrs = node->v.element.attributes;
  if (attrs.length == 0) return Hint::kNeutral;
  std::string_view cls;
  for (unsigned int i = 0; i < attrs.length; ++i) {
    std::string_view name = static_cast<const GumboAttribute*>(attrs.data[i])->name;
    if (name == "class") {
      cls = static_cast<const GumboAttribute*>(attrs.data[i])->value;
    } else if (name == "id" || name == "style" || name == "role" || name == "itemprop" ||
               name == "hidden" || name == "aria-hidden") {
      return ClassifyHints(node, tokens);
    }
  }
  if (cls.empty()) return Hint::kNeutral;  // what ClassifyHints says without class and id
  auto it = cache->find(cls);
  if (it != cache->end()) return it->second;
  Hint hint = ClassifyHints(node, tokens);
  cache->emplace(cls, hint);
  return hint;
}

bool NeverSuppressed(GumboTag tag) {
  return tag == GUMBO_TAG_BODY || tag == GUMBO_TAG_HTML || tag == GUMBO_TAG_MAIN;
}

// Footers are never the article, however much text they hold (legal notes, addresses).
bool IsFooterLike(const ElementInfo& e) {
  return dom::TagOf(e.node) == GUMBO_TAG_FOOTER || dom::ClassOrIdContains(e.node, "footer");
}

// Cookie and consent notices are never the article, however much text they hold.
bool IsConsentNotice(const ElementInfo& e) {
  std::string hints = dom::ClassAndIdLower(e.node);
  for (std::string_view word : {"cookie", "consent", "gdpr"}) {
    if (hints.find(word) != std::string::npos) return true;
  }
  return false;
}

// Class/id naming a comment thread or one comment ("comments", "comment-list", "MtnComment").
bool IsCommentLike(const ElementInfo& e) {
  std::string hints = dom::ClassAndIdLower(e.node);
  size_t at = hints.find("comment");
  return at != std::string::npos && hints.compare(at, 10, "commentary") != 0;
}

}  // namespace

uint32_t WeightedChars(std::string_view text) {
  uint32_t count = 0;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c > ' ') ++count;
      ++i;
    } else if (c < 0xE0) {
      // Two-byte sequences: Latin, Greek, Cyrillic, Arabic, Hebrew... (U+00A0 is a space).
      if (!(c == 0xC2 && i + 1 < n && s[i + 1] == 0xA0)) ++count;
      i += 2;
    } else if (c < 0xF0) {
      uint32_t cp =
          i + 2 < n ? ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu) : 0;
      bool cjk = IsCjkLetter(cp);
      bool space = cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200B);
      if (!space) count += cjk ? 3 : 1;
      i += 3;
    } else {
      ++count;
      i += 4;
    }
  }
  return count;
}

ContentTree BuildTree(const GumboNode* root) {
  ContentTree tree;
  std::vector<ElementInfo>& el = tree.elements;
  el.reserve(1024);
  struct Frame {
    const GumboNode* node;
    int parent;
    bool in_link;
    bool skipped;
  };
  std::vector<Frame> stack;
  stack.push_back({root, -1, false, false});
  std::unordered_map<std::string_view, Hint> hint_cache;
  HintCache token_hints;
  while (!stack.empty()) {
    Frame f = stack.back();
    stack.pop_back();
    const GumboNode* node = f.node;
    if (dom::IsElementNode(node)) {
      int index = static_cast<int>(el.size());
      el.emplace_back();
      ElementInfo& info = el.back();
      GumboTag tag = node->v.element.tag;
      info.node = node;
      info.parent = f.parent;
      info.hint = CachedHints(node, &hint_cache, &token_hints);
      info.skipped = f.skipped || IsSkippedTag(tag) || info.hint == Hint::kHidden;
      info.block = (f.parent < 0 || dom::IsBlockTag(tag)) ? index : el[f.parent].block;
      // A keyword link glued into CJK running text counts as the paragraph's text.
      bool in_link = f.in_link || (tag == GUMBO_TAG_A && !IsLinkInCjkRunningText(node));
      const GumboVector& children = node->v.element.children;
      for (unsigned int k = children.length; k > 0; --k) {
        stack.push_back(
            {static_cast<const GumboNode*>(children.data[k - 1]), index, in_link, info.skipped});
      }
    } else if ((node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) && !f.skipped &&
               f.parent >= 0) {
      uint32_t n = WeightedChars(node->v.text.text);
      ElementInfo& block = el[el[f.parent].block];
      block.own_chars += n;
      if (f.in_link) block.own_link_chars += n;
    }
  }
  for (size_t i = el.size(); i-- > 1;) el[el[i].parent].subtree_size += el[i].subtree_size;
  // Pre-order: the previous sibling of i is the last element seen with the same parent.
  std::vector<int> last_child(el.size(), -1);
  for (size_t i = 1; i < el.size(); ++i) {
    el[i].prev_sibling = last_child[el[i].parent];
    last_child[el[i].parent] = static_cast<int>(i);
  }
  return tree;
}

// True when element k holds a headline of its own (an <h1>).
bool HoldsHeadline(const std::vector<ElementInfo>& el, int k) {
  for (int m = k; m < k + el[k].subtree_size; ++m) {
    if (dom::TagOf(el[m].node) == GUMBO_TAG_H1) return true;
  }
  return false;
}

// The first of several full stories inside `best` (a page that appends the next stories in full,
// for endless scrolling): <article> elements below `best`, none inside another, each holding the
// running text of an article by itself, the later ones under a headline (<h1>) of their own.
// (Forum posts and FAQ entries in <article>s have none.) Returns `best` when there is no such run.
int FirstOfStoryRun(const ContentTree& tree, int best) {
  const std::vector<ElementInfo>& el = tree.elements;
  if (dom::TagOf(el[best].node) == GUMBO_TAG_ARTICLE) return best;
  const int end = best + el[best].subtree_size;
  int first = -1;
  for (int i = best + 1; i < end;) {
    if (dom::TagOf(el[i].node) != GUMBO_TAG_ARTICLE) {
      ++i;
      continue;
    }
    if (!el[i].suppressed && el[i].good_chars >= kMinStandaloneArticle) {
      if (first >= 0 && HoldsHeadline(el, i)) return first;
      if (first < 0) first = i;
    }
    i += el[i].subtree_size;  // an <article> inside it is part of it
  }
  return best;
}

int SelectContainer(ContentTree* tree) {
  std::vector<ElementInfo>& el = tree->elements;
  if (el.empty()) return 0;
  Accumulate(tree, /*use_suppression=*/false);
  const uint32_t page_good = el[0].good_chars;
  std::vector<uint32_t> good(el.size());  // before suppression
  for (size_t i = 0; i < el.size(); ++i) good[i] = el[i].good_chars;
  // Running text inside elements whose hints say "article body", per subtree.
  std::vector<uint32_t> positive_good(el.size(), 0);
  for (size_t i = el.size(); i-- > 0;) {
    if (el[i].hint == Hint::kPositive) positive_good[i] = el[i].good_chars;
    if (el[i].parent >= 0 && el[el[i].parent].hint != Hint::kPositive) {
      positive_good[el[i].parent] += positive_good[i];
    }
  }
  // Comment threads are boilerplate next to an article, but a page that is little but its
  // comments (a forum thread, a live blog whose entries are classed as comments) is its comments.
  std::vector<char> comment(el.size(), 0);
  uint32_t comment_good = 0;
  for (size_t i = 0; i < el.size(); ++i) {
    ElementInfo& e = el[i];
    bool inside = e.parent >= 0 && comment[e.parent];
    comment[i] = inside || (e.hint == Hint::kNegative && IsCommentLike(e));
    if (comment[i] && !inside) comment_good += good[i];
  }
  auto mark = [&](bool comments_are_boilerplate) {
    for (size_t i = 0; i < el.size(); ++i) {
      ElementInfo& e = el[i];
      GumboTag tag = dom::TagOf(e.node);
      bool boilerplate = e.hint == Hint::kNegative || IsFurnitureTag(tag);
      if (comment[i] && !comments_are_boilerplate && !IsFurnitureTag(tag)) boilerplate = false;
      // A "boilerplate" element holding most of the page's running text is mislabelled
      // ("ad-margins" or "content-with-sidebar" wrappers, an "author-x" post class, a <form>
      // around the page), unless it is a footer that merely outweighs a short article, a
      // comment thread (decided above) or a cookie/consent notice.
      if (boilerplate && good[i] * 2 > page_good && !(comment[i] && e.hint == Hint::kNegative) &&
          (positive_good[i] * 2 > good[i] || good[i] * 3 > page_good * 2 || !IsFooterLike(e)) &&
          !IsConsentNotice(e)) {
        boilerplate = false;
      }
      if (NeverSuppressed(tag)) boilerplate = false;
      // A link inside a paragraph of running text is part of that text, whatever its class
      // says (keyword links: <a class="tag-link">), when it is a small part of it. (Inline
      // spans keep their verdict: "timestamp", "credit" and "caption" spans are boilerplate.)
      if (boilerplate && tag == GUMBO_TAG_A && IsParagraphBlock(el[e.block]) &&
          e.text_chars * 2 < el[e.block].own_chars) {
        boilerplate = false;
      }
      e.suppressed = boilerplate || (e.parent >= 0 && el[e.parent].suppressed);
    }
    Accumulate(tree, /*use_suppression=*/true);
  };
  mark(/*comments_are_boilerplate=*/true);
  if (comment_good > 0 && el[0].good_chars < kMinArticleBesideComments &&
      comment_good > el[0].good_chars) {
    mark(/*comments_are_boilerplate=*/false);
  }

  // Boilerplate inside a candidate counts against it (the tightest container wins). When that
  // leaves no candidate with a positive score (the article's own wrapper holds a big menu or
  // comment block), the cleaner's view decides: what it removes anyway costs nothing.
  std::vector<uint32_t> removed_bad(el.size(), 0);
  for (size_t i = el.size(); i-- > 1;) {
    const ElementInfo& e = el[i];
    removed_bad[e.parent] += e.suppressed ? e.bad_chars : removed_bad[i];
  }
  // Score of candidate i ("running text minus everything else"), or a negative value when i
  // cannot hold the article.
  auto score_of = [&](size_t i, bool lenient) {
    const ElementInfo& e = el[i];
    if (e.suppressed || e.skipped || e.good_chars == 0) return -1.0;
    GumboTag tag = dom::TagOf(e.node);
    // A link, a paragraph or one list item is never the article alone (a digest whose items
    // are "<strong><a>Headline</a></strong> text" is its list).
    if (tag == GUMBO_TAG_A || tag == GUMBO_TAG_P || tag == GUMBO_TAG_LI) return -1.0;
    double good = e.good_chars;
    if (e.hint == Hint::kPositive) good *= 1.25;
    if (tag == GUMBO_TAG_ARTICLE) good *= 1.1;
    double bad = static_cast<double>(e.bad_chars - (lenient ? removed_bad[i] : 0));
    return good - bad;
  };
  int best = 0;
  bool lenient_pick = false;
  for (bool lenient : {false, true}) {
    double best_score = 0;
    for (size_t i = 0; i < el.size(); ++i) {
      double score = score_of(i, lenient);
      if (score > best_score) {
        best_score = score;
        best = static_cast<int>(i);
      }
    }
    lenient_pick = lenient;
    if (best != 0) break;
  }
  // The tightest container wins near ties: a descendant holding almost all of the winner's
  // running text with almost its score is the article, when what the winner adds comes after
  // it: a stray short line (a copyright line under an old page's layout table). Running text
  // before it (a lead, a standfirst) keeps the winner.
  if (el[best].good_chars > 0) {
    const double best_score = score_of(best, lenient_pick);
    const int end = best + el[best].subtree_size;
    uint64_t good_seen = 0;  // running text of the winner's blocks before i in document order
    int tight = best;
    for (int i = best + 1; i < end; ++i) {
      const uint32_t own_good =
          IsParagraphBlock(el[i]) && !el[i].suppressed ? el[i].own_chars - el[i].own_link_chars : 0;
      // Strictly less text than the one it replaces: of a chain of wrappers around the same
      // text the outermost stays (ArticleBlocks looks for continuations beside it).
      const uint32_t current_good = el[tight].good_chars;
      if (el[i].good_chars < current_good && good_seen == 0 &&
          el[i].good_chars * 10 >= el[best].good_chars * kTightShare &&
          score_of(i, lenient_pick) * 10 >= best_score * kTightShare) {
        tight = i;
      }
      good_seen += own_good;
    }
    best = tight;
  }
  best = FirstOfStoryRun(*tree, best);
  // A container too small to be an article by itself, inside an element the page marks as its
  // article body ("entry-content", itemprop=articleBody), grows to that element when what it
  // adds is not links (tables, lists, short lines of a results page or a recipe).
  for (int a = el[best].parent; a > 0 && el[best].good_chars < kMinStandaloneArticle;
       a = el[a].parent) {
    const ElementInfo& e = el[a];
    if (e.suppressed) break;
    if (e.hint != Hint::kPositive) continue;
    if (e.link_chars * 4 < e.text_chars) best = a;
    break;
  }
  return best;
}

}  // namespace newscrawl::content
