#include "parser/content_extractor.h"

#include <algorithm>
#include <string_view>

#include "common/text.h"
#include "parser/content_cleaner.h"
#include "parser/content_render.h"
#include "parser/content_tree.h"
#include "parser/dom.h"

namespace newscrawl::content {
namespace {

// A short line naming two or more social networks or a newsletter ("Follow us on Twitter and
// Facebook", "Theo dõi chúng tôi trên Zalo, Facebook"): a promotion, not the article.
bool IsSocialPromo(const std::string& paragraph) {
  if (paragraph.size() > 250) return false;
  std::string lower = text::AsciiLower(paragraph);
  int hits = 0;
  for (std::string_view word : {"twitter", "facebook", "instagram", "telegram", "whatsapp",
                                "youtube", "tiktok", "zalo", "linkedin", "newsletter"}) {
    if (lower.find(word) != std::string::npos) ++hits;
  }
  return hits >= 2;
}

// A line that is only an ad label or a notice between parts of the body ("Advertisement",
// "Anzeige", "Article continues below"), or that shows nothing (zero-width characters only).
bool IsInterstitialLine(const std::string& paragraph) {
  if (paragraph.size() > 48) return false;
  std::string label;
  bool visible = false;
  for (size_t i = 0; i < paragraph.size(); ++i) {
    const auto c = static_cast<unsigned char>(paragraph[i]);
    // U+200B..U+200D, U+2060 and U+FEFF are invisible.
    if (c == 0xE2 && i + 2 < paragraph.size() &&
        ((paragraph[i + 1] == '\x80' && (static_cast<unsigned char>(paragraph[i + 2]) >= 0x8B &&
                                         static_cast<unsigned char>(paragraph[i + 2]) <= 0x8D)) ||
         (paragraph[i + 1] == '\x81' && paragraph[i + 2] == '\xA0'))) {
      i += 2;
      continue;
    }
    if (c == 0xEF && paragraph.compare(i, 3, "\xEF\xBB\xBF") == 0) {
      i += 2;
      continue;
    }
    if (c == ' ' || c == '-' || c == ':' || c == '.' || c == '*' || c == '|') continue;
    visible = true;
    label.push_back(text::AsciiLower(static_cast<char>(c)));
  }
  if (!visible) return true;
  for (std::string_view l :
       {"advertisement", "advert", "advertising", "anzeige", "werbung", "publicidad", "publicité",
        "pubblicità", "reklame", "annonse", "annons", "articlecontinuesbelow",
        "storycontinuesbelow", "continuereadingbelow", "contentcontinuesbelow"}) {
    if (label == l) return true;
  }
  return false;
}

// True when element k holds an image (looked for among its first 64 elements): a lead is
// text; a "lead" block around a picture holds its caption.
bool HoldsImage(const std::vector<ElementInfo>& el, int k) {
  const int end = k + std::min(el[k].subtree_size, 64);
  for (int m = k; m < end; ++m) {
    GumboTag tag = dom::TagOf(el[m].node);
    if (tag == GUMBO_TAG_IMG || tag == GUMBO_TAG_FIGURE) return true;
  }
  return false;
}

// True when element k reads like a lead: a paragraph's worth of text with few links, no
// headline or picture, and a class that names a lead.
bool IsLeadCandidate(const std::vector<ElementInfo>& el, int k) {
  const ElementInfo& e = el[k];
  if (e.skipped) return false;
  if (e.text_chars < 60 || e.text_chars > 1200 || e.link_chars * 5 > e.text_chars) return false;
  if (dom::TagOf(e.node) == GUMBO_TAG_H1 || HoldsImage(el, k)) return false;
  std::string hints = dom::ClassAndIdLower(e.node);
  if (hints.find("share") != std::string::npos || hints.find("social") != std::string::npos ||
      hints.find("newsletter") != std::string::npos || hints.find("caption") != std::string::npos) {
    return false;  // "share this story" boxes have summaries and descriptions too
  }
  for (std::string_view word :
       {"lead", "sapo", "standfirst", "teaser", "intro", "summary", "excerpt", "subtitle",
        "chapeau", "abstract", "subline", "description", "dek"}) {
    if (hints.find(word) != std::string::npos) return true;
  }
  return false;
}

// The last <h1> before element `before` in document order, or -1.
int LastHeadlineBefore(const std::vector<ElementInfo>& el, int before) {
  for (int k = before - 1; k > 0; --k) {
    if (dom::TagOf(el[k].node) == GUMBO_TAG_H1) return k;
  }
  return -1;
}

// A lead/standfirst printed just before the body container (often in the article header, which
// the container excludes): an element close before it whose class names a lead and whose text
// reads like a paragraph. Close means within four levels above the container, or, when the
// headline (<h1>) sits farther away (a page <header> or intro section apart from the body's
// section), right after that headline, before any other text. Returns its index or -1.
int FindLeadBefore(const ContentTree& tree, int container) {
  const std::vector<ElementInfo>& el = tree.elements;
  int scope = container;
  for (int up = 0; up < 4 && el[scope].parent > 0; ++up) scope = el[scope].parent;
  const int end = container + el[container].subtree_size;
  const int headline = LastHeadlineBefore(el, scope + 1);
  int found = -1;
  int start = scope + 1;
  if (headline > 0 && headline + el[headline].subtree_size <= scope) {
    start = headline + el[headline].subtree_size;
  }
  for (int k = start; k < end; ++k) {
    const ElementInfo& e = el[k];
    if (k <= scope && k + e.subtree_size <= scope + 1 && !IsLeadCandidate(el, k) &&
        e.own_chars >= 40 && !e.suppressed && !e.skipped) {
      k = scope;  // other text between the headline and the body's section: no lead up there
      continue;
    }
    if (k >= container) {
      // Inside the container only what it does not render (an article <header>), and only
      // before its first paragraph.
      if (e.own_chars >= 40 && !e.suppressed && !e.skipped) break;
      if (!e.suppressed) continue;
    } else if (k + e.subtree_size > container) {
      continue;  // an ancestor of the container
    }
    if (IsLeadCandidate(el, k)) {
      found = k;
      k += e.subtree_size - 1;  // the outermost match; its children are inside
    }
  }
  return found;
}

// True when block k after the article is the next story in full (pages that append it for
// endless scrolling): it is or holds an <article>, or a headline (<h1>) of its own.
bool IsAnotherStory(const std::vector<ElementInfo>& el, int k) {
  for (int m = k; m < k + el[k].subtree_size; ++m) {
    GumboTag tag = dom::TagOf(el[m].node);
    if (tag == GUMBO_TAG_ARTICLE || tag == GUMBO_TAG_H1) return true;
  }
  return false;
}

// Siblings of the container that continue the article (a body split over several blocks):
// running text, few links, not boilerplate, not the next story. Returned in document order,
// the container included.
std::vector<int> ArticleBlocks(const ContentTree& tree, int container) {
  const std::vector<ElementInfo>& el = tree.elements;
  const ElementInfo& c = el[container];
  if (c.parent < 0) return {container};
  std::vector<int> blocks;
  const int parent = c.parent;
  const uint32_t min_good = std::max<uint32_t>(120, c.good_chars / 8);
  for (int s = parent + 1; s < parent + el[parent].subtree_size; s += el[s].subtree_size) {
    const ElementInfo& e = el[s];
    if (s == container) {
      blocks.push_back(s);
    } else if (!e.suppressed && !e.skipped && e.hint != Hint::kNegative &&
               e.good_chars >= min_good && e.link_chars * 4 < e.text_chars &&
               e.good_chars * 2 > e.text_chars && !(s > container && IsAnotherStory(el, s))) {
      blocks.push_back(s);
    }
  }
  return blocks;
}

}  // namespace

ContentResult ExtractContent(const GumboNode* body, const ContentOptions& options) {
  ContentResult result;
  if (body == nullptr || options.phrases == nullptr) return result;
  ContentTree tree = BuildTree(body);
  int container = SelectContainer(&tree);
  const std::vector<ElementInfo>& el = tree.elements;
  result.body_chars = el[0].text_chars;
  result.body_link_chars = el[0].link_chars;
  result.container_good_chars = el[container].good_chars;
  result.container_is_root = container == 0;
  for (int k = container; k < container + el[container].subtree_size; ++k) {
    if (IsHeadingTag(dom::TagOf(el[k].node)) && el[k].text_chars > 0 &&
        el[k].link_chars * 2 > el[k].text_chars) {
      ++result.link_headings;
    }
  }
  std::vector<char> drop(el.size(), 0);
  std::vector<int> blocks = ArticleBlocks(tree, container);
  const SubtreeFacts facts(el);
  for (int block : blocks) CleanBlock(tree, facts, block, *options.phrases, &drop);
  int lead = FindLeadBefore(tree, container);
  if (lead >= 0) {
    std::string text = dom::NodeTextCollapsed(el[lead].node);
    result.lead = text;
    result.container_chars += WeightedChars(text);
    result.paragraphs.push_back(std::move(text));
  }
  std::vector<char> link_only = RenderBlocks(tree, drop, options, blocks, &result);
  {
    const std::string title = text::CollapseWhitespace(options.title);
    std::vector<std::string> kept;
    std::vector<char> kept_link_only;
    for (size_t k = 0; k < result.paragraphs.size(); ++k) {
      if ((!title.empty() && result.paragraphs[k] == title) ||
          IsInterstitialLine(result.paragraphs[k])) {
        continue;
      }
      kept.push_back(std::move(result.paragraphs[k]));
      kept_link_only.push_back(link_only[k]);
    }
    result.paragraphs = std::move(kept);
    link_only = std::move(kept_link_only);
  }
  // Closing "follow us on X / subscribe" lines, and closing lines that are nothing but a link
  // (a gallery, a source, a forum thread, "back to the list"): pointers elsewhere.
  while (!result.paragraphs.empty() &&
         (IsSocialPromo(result.paragraphs.back()) ||
          (link_only[result.paragraphs.size() - 1] && result.paragraphs.size() > 1))) {
    result.container_chars -=
        std::min(result.container_chars, WeightedChars(result.paragraphs.back()));
    result.paragraphs.pop_back();
  }
  return result;
}

}  // namespace newscrawl::content
