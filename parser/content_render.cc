#include "parser/content_render.h"

#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>

#include "common/text.h"
#include "common/url.h"
#include "parser/content_cleaner.h"
#include "parser/dom.h"

namespace newscrawl::content {
namespace {

// `text` without U+3000 (the ideographic space that indents CJK paragraphs) at either end.
std::string TrimIdeographicSpace(std::string text) {
  constexpr std::string_view kSpace = "\u3000";
  size_t begin = 0, end = text.size();
  while (end - begin >= kSpace.size() && text.compare(begin, kSpace.size(), kSpace) == 0) {
    begin += kSpace.size();
  }
  while (end - begin >= kSpace.size() &&
         text.compare(end - kSpace.size(), kSpace.size(), kSpace) == 0) {
    end -= kSpace.size();
  }
  if (begin == 0 && end == text.size()) return text;
  return text::CollapseWhitespace(std::string_view(text).substr(begin, end - begin));
}

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
    std::string text = TrimIdeographicSpace(text::CollapseWhitespace(line_));
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

std::vector<char> RenderBlocks(const ContentTree& tree, const std::vector<char>& drop,
                               const ContentOptions& options, const std::vector<int>& blocks,
                               ContentResult* result) {
  Renderer renderer(tree, drop, options, result);
  for (int block : blocks) renderer.Render(block);
  std::vector<char> link_only = renderer.link_only();
  link_only.resize(result->paragraphs.size(), 0);
  return link_only;
}

}  // namespace newscrawl::content
