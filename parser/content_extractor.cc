#include "parser/content_extractor.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>

#include "common/text.h"
#include "common/url.h"
#include "parser/content_tree.h"
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

// drop_ value of a block whose text is an image caption (rendered into images[], not text).
constexpr char kImageBlock = 2;

bool IsHeadingTag(GumboTag tag) {
  return tag == GUMBO_TAG_H2 || tag == GUMBO_TAG_H3 || tag == GUMBO_TAG_H4 || tag == GUMBO_TAG_H5 ||
         tag == GUMBO_TAG_H6;
}

// Per-element sums over descendants that the cleaner would otherwise recompute by scanning
// each subtree (quadratic on deep or wide pages). Computed once per page, bottom-up.
struct SubtreeFacts {
  std::vector<uint32_t> suppressed_text;  // text chars in suppressed subtrees strictly below
  std::vector<uint32_t> suppressed_link;  // link chars in suppressed subtrees strictly below
  std::vector<char> block_below;          // 1 when a strict descendant is a block element

  explicit SubtreeFacts(const std::vector<ElementInfo>& el)
      : suppressed_text(el.size(), 0), suppressed_link(el.size(), 0), block_below(el.size(), 0) {
    for (size_t i = el.size(); i-- > 1;) {
      const int parent = el[i].parent;
      suppressed_text[parent] += el[i].suppressed ? el[i].text_chars : suppressed_text[i];
      suppressed_link[parent] += el[i].suppressed ? el[i].link_chars : suppressed_link[i];
      if (block_below[i] || dom::IsBlockTag(dom::TagOf(el[i].node))) block_below[parent] = 1;
    }
  }
};

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
    return false;
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

std::string_view ImageSource(const GumboNode* img) {
  for (std::string_view attr : {"data-src", "data-original", "data-lazy-src", "src"}) {
    std::string_view v = dom::GetAttribute(img, attr);
    if (!v.empty() && v.substr(0, 5) != "data:") return v;
  }
  return {};
}

// Caption of an image outside <figure>: an element near it whose class/id names a caption.
std::string NearbyCaption(const std::vector<ElementInfo>& el, int img) {
  int scope = img;
  for (int up = 0; up < 3 && el[scope].parent >= 0; ++up) {
    scope = el[scope].parent;
    if (el[scope].subtree_size > 24) break;
    for (int k = scope + 1; k < scope + el[scope].subtree_size; ++k) {
      std::string hints = dom::ClassAndIdLower(el[k].node);
      if (el[k].text_chars > 0 &&
          (hints.find("caption") != std::string::npos || hints.find("desc") != std::string::npos ||
           hints.find("chu-thich") != std::string::npos)) {
        return dom::NodeTextCollapsed(el[k].node);
      }
    }
  }
  return "";
}

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

// A lead/standfirst printed just before the body container (often in the article header, which
// the container excludes): an element close before it whose class names a lead and whose text
// reads like a paragraph. Returns its index or -1.
int FindLeadBefore(const ContentTree& tree, int container) {
  const std::vector<ElementInfo>& el = tree.elements;
  int scope = container;
  for (int up = 0; up < 4 && el[scope].parent > 0; ++up) scope = el[scope].parent;
  const int end = container + el[container].subtree_size;
  int found = -1;
  for (int k = scope + 1; k < end; ++k) {
    const ElementInfo& e = el[k];
    if (k >= container) {
      // Inside the container only what it does not render (an article <header>), and only
      // before its first paragraph.
      if (e.own_chars >= 40 && !e.suppressed && !e.skipped) break;
      if (!e.suppressed) continue;
    } else if (k + e.subtree_size > container) {
      continue;  // an ancestor of the container
    }
    if (e.skipped) continue;
    if (e.text_chars < 60 || e.text_chars > 1200 || e.link_chars * 5 > e.text_chars) continue;
    if (dom::TagOf(e.node) == GUMBO_TAG_H1) continue;
    std::string hints = dom::ClassAndIdLower(e.node);
    if (hints.find("share") != std::string::npos || hints.find("social") != std::string::npos ||
        hints.find("newsletter") != std::string::npos) {
      continue;  // "share this story" boxes have summaries and descriptions too
    }
    for (std::string_view word :
         {"lead", "sapo", "standfirst", "teaser", "intro", "summary", "excerpt", "subtitle",
          "chapeau", "abstract", "subline", "description", "dek"}) {
      if (hints.find(word) != std::string::npos) {
        found = k;
        break;
      }
    }
    if (found == k) k += e.subtree_size - 1;  // the outermost match; its children are inside
  }
  return found;
}

// Siblings of the container that continue the article (a body split over several blocks):
// running text, few links, not boilerplate. Returned in document order, the container included.
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
               e.good_chars * 2 > e.text_chars) {
      blocks.push_back(s);
    }
  }
  return blocks;
}

class Renderer {
 public:
  Renderer(const ContentTree& tree, const std::vector<char>& drop, const ContentOptions& options,
           ContentResult* result)
      : el_(tree.elements), drop_(drop), options_(options), result_(result) {}

  void Render(int container) {
    struct Frame {
      const GumboNode* node;
      int index;  // element index; -1 for text nodes
      bool exit;
    };
    std::vector<Frame> stack;
    stack.push_back({el_[container].node, container, false});
    std::vector<std::pair<const GumboNode*, int>> children;
    while (!stack.empty()) {
      Frame f = stack.back();
      stack.pop_back();
      if (f.index < 0) {
        std::string_view text = f.node->v.text.text;
        line_.append(text);
        if (link_depth_ == 0 && !IsBlank(text)) line_has_plain_text_ = true;
        continue;
      }
      GumboTag tag = dom::TagOf(f.node);
      if (f.exit) {
        if (tag == GUMBO_TAG_A) --link_depth_;
        if (dom::IsBlockTag(tag)) Flush();
        continue;
      }
      const ElementInfo& e = el_[f.index];
      if (tag == GUMBO_TAG_FIGURE && !e.skipped) {
        AddFigure(f.index);
        continue;
      }
      if (f.index != container && (drop_[f.index] || e.skipped || e.suppressed)) {
        if (drop_[f.index] == kImageBlock) AddImageBlock(f.index);
        continue;
      }
      if (tag == GUMBO_TAG_IMG) AddImage(e.node, NearbyCaption(el_, f.index));
      if (dom::IsBlockTag(tag)) {
        Flush();
        stack.push_back({f.node, f.index, true});
      } else if (tag == GUMBO_TAG_A && dom::HasAttribute(f.node, "href")) {
        ++link_depth_;
        stack.push_back({f.node, f.index, true});
      }
      // Children in reverse so the first is processed first; element indexes follow pre-order.
      children.clear();
      int next = f.index + 1;
      const GumboVector& kids = f.node->v.element.children;
      for (unsigned int k = 0; k < kids.length; ++k) {
        auto* child = static_cast<const GumboNode*>(kids.data[k]);
        if (dom::IsElementNode(child)) {
          children.push_back({child, next});
          next += el_[next].subtree_size;
        } else if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE ||
                   child->type == GUMBO_NODE_CDATA) {
          children.push_back({child, -1});
        }
      }
      for (size_t k = children.size(); k > 0; --k) {
        stack.push_back({children[k - 1].first, children[k - 1].second, false});
      }
    }
    Flush();
  }

  // Per rendered paragraph: 1 when all its text sits inside links.
  const std::vector<char>& link_only() const { return link_only_; }

 private:
  static bool IsBlank(std::string_view text) {
    for (char c : text) {
      if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\f') return false;
    }
    return true;
  }

  void Flush() {
    if (line_.empty()) return;
    std::string text = text::CollapseWhitespace(line_);
    const bool link_only = !line_has_plain_text_;
    line_.clear();
    line_has_plain_text_ = false;
    if (text.empty()) return;
    result_->container_chars += WeightedChars(text);
    result_->paragraphs.push_back(std::move(text));
    link_only_.resize(result_->paragraphs.size(), 0);
    link_only_.back() = link_only ? 1 : 0;
  }

  void AddImage(const GumboNode* img, std::string caption) {
    std::string_view src = ImageSource(img);
    if (src.empty()) return;
    std::string url =
        options_.base_url.empty() ? std::string(src) : ResolveUrlString(options_.base_url, src);
    if (url.empty() || !image_urls_.insert(url).second) return;
    result_->images.push_back({std::move(url), std::move(caption)});
  }

  void AddImageBlock(int block) {
    for (int k = block + 1; k < block + el_[block].subtree_size; ++k) {
      if (dom::TagOf(el_[k].node) == GUMBO_TAG_IMG) {
        AddImage(el_[k].node, dom::NodeTextCollapsed(el_[block].node));
        return;
      }
    }
  }

  void AddFigure(int figure) {
    const GumboNode* img = nullptr;
    std::string caption;
    for (int k = figure + 1; k < figure + el_[figure].subtree_size; ++k) {
      GumboTag tag = dom::TagOf(el_[k].node);
      if (tag == GUMBO_TAG_IMG && img == nullptr) img = el_[k].node;
      if (tag == GUMBO_TAG_FIGCAPTION && caption.empty()) {
        caption = dom::NodeTextCollapsed(el_[k].node);
      }
    }
    if (img != nullptr) AddImage(img, std::move(caption));
  }

  const std::vector<ElementInfo>& el_;
  const std::vector<char>& drop_;
  const ContentOptions& options_;
  ContentResult* result_;
  std::string line_;
  bool line_has_plain_text_ = false;
  int link_depth_ = 0;
  std::vector<char> link_only_;
  std::unordered_set<std::string> image_urls_;  // already in result_->images
};

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
  for (int block : blocks) Cleaner(tree, facts, block, *options.phrases, &drop).Run();
  Renderer renderer(tree, drop, options, &result);
  int lead = FindLeadBefore(tree, container);
  if (lead >= 0) {
    std::string text = dom::NodeTextCollapsed(el[lead].node);
    result.lead = text;
    result.container_chars += WeightedChars(text);
    result.paragraphs.push_back(std::move(text));
  }
  for (int block : blocks) renderer.Render(block);
  std::vector<char> link_only = renderer.link_only();
  link_only.resize(result.paragraphs.size(), 0);
  if (!options.title.empty()) {
    std::string title = text::CollapseWhitespace(options.title);
    std::vector<std::string> kept;
    std::vector<char> kept_link_only;
    for (size_t k = 0; k < result.paragraphs.size(); ++k) {
      if (result.paragraphs[k] == title) continue;
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
