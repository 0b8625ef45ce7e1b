#include "parser/content_cleaner.h"

#include <string>
#include <string_view>

#include "common/text.h"
#include "parser/dom.h"

namespace newscrawl::content {
namespace {

// Heading candidates longer than this (weighted chars) are not tested against the phrase list.
constexpr uint32_t kMaxHeadingChars = 48;
// "Tags: a, b, c" style one-line blocks up to this size are tested by their prefix.
constexpr uint32_t kMaxPrefixedLineChars = 300;
// Text next to an image up to this size (weighted chars) is its caption or credit.
constexpr uint32_t kMaxCaptionChars = 120;
// Text up to this size is a caption when it reads as one (repeats the alt text, has a "©"...).
constexpr uint32_t kMaxLongCaptionChars = 300;

// A block with more text than this (weighted chars) is not a teaser of another story.
constexpr uint32_t kMaxTeaserChars = 400;
// A teaser's excerpt (its text outside links, weighted chars without spaces) is one short line:
// a forum post headed by a link holds more.
constexpr uint32_t kMaxTeaserExcerptChars = 160;
// A teaser's linked heading has at least this many weighted chars (a headline).
constexpr uint32_t kMinTeaserHeadlineChars = 30;

// Subtrees larger than this (elements) are not image blocks or captions: bounds every scan of
// a subtree the cleaner makes per element.
constexpr int kMaxSmallBlockElements = 32;

class Cleaner {
 public:
  // Marks in `drop` the elements under `container` that must not be rendered as text.
  Cleaner(const ContentTree& tree, const SubtreeFacts& facts, int container,
          const BoilerplatePhrases& phrases, std::vector<char>* drop)
      : el_(tree.elements), facts_(facts), container_(container), phrases_(phrases), drop_(*drop) {}

  void Run() {
    const int end = container_ + el_[container_].subtree_size;
    for (int i = container_ + 1; i < end;) {
      if (drop_[i] || ShouldDrop(i)) {
        drop_[i] = IsImageBlock(i) ? kImageBlock : 1;
        // A trailer heading dropped for its class ("relatedpoststitle") still heads its items.
        if (HeadingKind kind = HeadingKindOf(i); kind != HeadingKind::kNone) DropSection(i, kind);
        i += el_[i].subtree_size;
        continue;
      }
      HeadingKind kind = HeadingKindOf(i);
      if (kind != HeadingKind::kNone) {
        DropSection(i, kind);
        i += el_[i].subtree_size;
        continue;
      }
      if (IsPrefixedBoilerplateLine(i)) {
        drop_[i] = 1;
        i += el_[i].subtree_size;
        continue;
      }
      ++i;
    }
  }

 private:
  bool ShouldDrop(int i) const {
    const ElementInfo& e = el_[i];
    if (e.skipped || e.suppressed) return true;
    GumboTag tag = dom::TagOf(e.node);
    if (tag == GUMBO_TAG_H1) return true;
    // Link lists and link boxes (menus, "more news", tag clouds).
    if (e.anchors >= 2 && e.link_chars * 2 > e.text_chars && tag != GUMBO_TAG_A && IsLinkList(i)) {
      return true;
    }
    if (IsImageBlock(i) || IsCaptionAfterImage(i)) return true;
    if (IsTeaserCard(i)) return true;
    return false;
  }

  // A teaser of another story: a small block whose heading is a link, with at most a short
  // excerpt under it, beside a sibling of the same tag and class that is one too (a card list of
  // "more stories" after the article, whatever its class names).
  bool IsTeaserCard(int i) const {
    if (!LooksLikeTeaser(i)) return false;
    const int parent = el_[i].parent;
    const int next = i + el_[i].subtree_size;
    const int prev = el_[i].prev_sibling;
    return (prev >= 0 && SameKind(i, prev) && LooksLikeTeaser(prev)) ||
           (parent >= 0 && next < parent + el_[parent].subtree_size && SameKind(i, next) &&
            LooksLikeTeaser(next));
  }

  bool LooksLikeTeaser(int i) const {
    const ElementInfo& e = el_[i];
    if (e.text_chars == 0 || e.text_chars > kMaxTeaserChars || e.anchors == 0) return false;
    if (e.text_chars - e.link_chars > kMaxTeaserExcerptChars) return false;  // a post, a section
    if (e.subtree_size > 2 * kMaxSmallBlockElements || !dom::IsBlockTag(dom::TagOf(e.node))) {
      return false;
    }
    if (IsHeadingTag(dom::TagOf(e.node))) return false;
    for (int k = i + 1; k < i + e.subtree_size; ++k) {
      if (IsHeadingTag(dom::TagOf(el_[k].node))) {
        // A headline, not a name (forum posts head their text with the poster's name).
        return el_[k].text_chars >= kMinTeaserHeadlineChars &&
               el_[k].link_chars * 2 > el_[k].text_chars;
      }
    }
    return false;
  }

  bool SameKind(int a, int b) const {
    return dom::TagOf(el_[a].node) == dom::TagOf(el_[b].node) &&
           dom::GetAttribute(el_[a].node, "class") == dom::GetAttribute(el_[b].node, "class");
  }

  // Link density of `i` without the boilerplate inside it that is dropped anyway (a menu
  // widget inside the article's wrapper does not make the article a link list); a block
  // whose remaining text is not mostly running text stays a link list.
  bool IsLinkList(int i) const {
    if (el_[i].good_chars == 0) return true;
    const uint32_t text = el_[i].text_chars - facts_.suppressed_text[i];
    const uint32_t links = el_[i].link_chars - facts_.suppressed_link[i];
    return links * 2 > text || el_[i].good_chars * 2 < text;
  }

  // A small block holding an image and a line of text: the text is a caption or a photo credit
  // ("AFP / Marco Bertorello"), which belongs to images[], not to the body. Longer text is a
  // caption only when it reads as one (ReadsAsCaption).
  bool IsImageBlock(int i) const {
    const ElementInfo& e = el_[i];
    if (e.text_chars == 0 || e.text_chars > kMaxLongCaptionChars) return false;
    if (e.subtree_size > kMaxSmallBlockElements / 2 || !dom::IsBlockTag(dom::TagOf(e.node))) {
      return false;
    }
    const GumboNode* img = FirstImage(i);
    if (img == nullptr) return false;
    if (e.text_chars <= kMaxCaptionChars && e.good_chars == 0) return true;
    return ReadsAsCaption(i, img);
  }

  // A short block right after an image-only block (a picture, a link around an image) that
  // reads as the image's caption or credit.
  bool IsCaptionAfterImage(int i) const {
    const ElementInfo& e = el_[i];
    if (e.text_chars == 0 || e.text_chars > kMaxLongCaptionChars || e.parent < 0) return false;
    if (e.subtree_size > kMaxSmallBlockElements || !dom::IsBlockTag(dom::TagOf(e.node))) {
      return false;
    }
    const int prev = e.prev_sibling;
    if (prev < 0 || el_[prev].text_chars != 0) return false;
    if (el_[prev].subtree_size > kMaxSmallBlockElements) return false;
    const GumboNode* img = FirstImage(prev);
    return img != nullptr && ReadsAsCaption(i, img);
  }

  const GumboNode* FirstImage(int i) const {
    for (int k = i; k < i + el_[i].subtree_size; ++k) {
      if (dom::TagOf(el_[k].node) == GUMBO_TAG_IMG) return el_[k].node;
    }
    return nullptr;
  }

  // Text that repeats the image's alt text, carries a copyright sign, or sits in an element
  // whose class names a caption, description or credit, or the image itself ("img-inline").
  bool ReadsAsCaption(int i, const GumboNode* img) const {
    std::string text = dom::NodeTextCollapsed(el_[i].node);
    if (text.find("\u00A9") != std::string::npos) return true;
    std::string alt = text::CollapseWhitespace(dom::GetAttribute(img, "alt"));
    if (alt.size() >= 20 && text.compare(0, alt.size(), alt) == 0) return true;
    for (int k = i; k < i + el_[i].subtree_size; ++k) {
      if (el_[k].text_chars * 2 < el_[i].text_chars) continue;
      std::string hints = dom::ClassAndIdLower(el_[k].node);
      for (std::string_view word :
           {"caption", "desc", "credit", "legend", "img", "image", "photo", "foto", "picture"}) {
        if (hints.find(word) != std::string::npos) return true;
      }
    }
    return false;
  }

  HeadingKind HeadingKindOf(int i) const {
    const ElementInfo& e = el_[i];
    if (e.text_chars == 0 || e.text_chars > kMaxHeadingChars) return HeadingKind::kNone;
    GumboTag tag = dom::TagOf(e.node);
    // Test the outermost element of a chain of wrappers around the same text, and headings.
    bool outermost = e.parent < 0 || el_[e.parent].text_chars != e.text_chars;
    if (!outermost && !IsHeadingTag(tag)) return HeadingKind::kNone;
    return phrases_.Classify(dom::NodeTextCollapsed(e.node));
  }

  bool IsPrefixedBoilerplateLine(int i) const {
    const ElementInfo& e = el_[i];
    if (e.text_chars <= kMaxHeadingChars / 4 || e.text_chars > kMaxPrefixedLineChars) return false;
    if (!dom::IsBlockTag(dom::TagOf(e.node))) return false;
    if (facts_.block_below[i]) return false;  // several lines, a list
    std::string text = dom::NodeTextCollapsed(e.node);
    size_t colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || colon > 40) return false;
    return phrases_.Classify(std::string_view(text).substr(0, colon)) == HeadingKind::kTrailer;
  }

  // True when sibling `s` is running text of the article, which ends a trailer's item list.
  bool IsArticleText(int s) const {
    const ElementInfo& e = el_[s];
    GumboTag tag = dom::TagOf(e.node);
    if (IsHeadingTag(tag)) {
      return e.link_chars * 2 < e.text_chars &&
             phrases_.Classify(dom::NodeTextCollapsed(e.node)) == HeadingKind::kNone;
    }
    return e.good_chars >= 80 && e.link_chars * 5 < e.text_chars && e.anchors < 2 &&
           tag != GUMBO_TAG_UL && tag != GUMBO_TAG_OL;
  }

  // Drops heading `i` (lifted to the outermost wrapper holding only it) and its items: the
  // following siblings, all of them after a comments heading, else up to the next article text.
  void DropSection(int i, HeadingKind kind) {
    int a = i;
    while (el_[a].parent > container_ && el_[el_[a].parent].text_chars == el_[a].text_chars) {
      a = el_[a].parent;
    }
    drop_[a] = 1;
    int parent = el_[a].parent;
    if (parent < 0) return;
    const int parent_end = parent + el_[parent].subtree_size;
    const uint32_t container_good = el_[container_].good_chars;
    for (int s = a + el_[a].subtree_size; s < parent_end; s += el_[s].subtree_size) {
      if (kind == HeadingKind::kTrailer &&
          (IsArticleText(s) || HeadingKindOf(s) != HeadingKind::kNone)) {
        break;  // article text resumes, or the next boilerplate block starts (handled by Run)
      }
      // A sibling holding a large share of the article is not an item of a trailer block (the
      // heading sat in a page header or menu, far from the trailer).
      if (el_[s].good_chars * 10 >= container_good * 3) break;
      drop_[s] = 1;
    }
  }

  const std::vector<ElementInfo>& el_;
  const SubtreeFacts& facts_;
  const int container_;
  const BoilerplatePhrases& phrases_;
  std::vector<char>& drop_;
};

}  // namespace

bool IsHeadingTag(GumboTag tag) {
  return tag == GUMBO_TAG_H2 || tag == GUMBO_TAG_H3 || tag == GUMBO_TAG_H4 || tag == GUMBO_TAG_H5 ||
         tag == GUMBO_TAG_H6;
}

SubtreeFacts::SubtreeFacts(const std::vector<ElementInfo>& el)
    : suppressed_text(el.size(), 0), suppressed_link(el.size(), 0), block_below(el.size(), 0) {
  for (size_t i = el.size(); i-- > 1;) {
    const int parent = el[i].parent;
    suppressed_text[parent] += el[i].suppressed ? el[i].text_chars : suppressed_text[i];
    suppressed_link[parent] += el[i].suppressed ? el[i].link_chars : suppressed_link[i];
    if (block_below[i] || dom::IsBlockTag(dom::TagOf(el[i].node))) block_below[parent] = 1;
  }
}

void CleanBlock(const ContentTree& tree, const SubtreeFacts& facts, int block,
                const BoilerplatePhrases& phrases, std::vector<char>* drop) {
  Cleaner(tree, facts, block, phrases, drop).Run();
}

}  // namespace newscrawl::content
