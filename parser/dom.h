// Low-level helpers over the Gumbo DOM shared by the extractor and the metadata reader.
//
// All functions are pure and thread-safe (Gumbo trees are read-only here). No function recurses:
// every walk is iterative with an explicit stack, so a pathological depth cannot overflow the C++
// stack. Text helpers return UTF-8 exactly as Gumbo produced it (Gumbo decodes character
// references); whitespace folding is explicit (CollapseWhitespace).
#pragma once

#include <gumbo.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parser/gumbo_arena.h"

namespace newscrawl::dom {

// Owns one Gumbo parse and the memory it lives in (a GumboArena: the tree is released at once,
// without a walk). Movable, not copyable. The tree lives as long as the ParsedHtml and
// points into nothing else (Gumbo copies what it needs; `html` may die after Parse returns,
// EXCEPT for GumboStringPiece fields like original_text, which point into `html`: keep the input
// alive while you read those).
class ParsedHtml {
 public:
  // Parses `html` (UTF-8) as a full document. Never fails: Gumbo builds a tree for any input
  // (an empty input gives <html><head></head><body></body></html>). Parse errors are not kept.
  static ParsedHtml Parse(std::string_view html);

  ParsedHtml(ParsedHtml&& other) noexcept
      : arena_(std::move(other.arena_)), output_(std::exchange(other.output_, nullptr)) {}
  ParsedHtml& operator=(ParsedHtml&& other) noexcept {
    arena_ = std::move(other.arena_);
    output_ = std::exchange(other.output_, nullptr);
    return *this;
  }

  const GumboNode* document() const;  // the GUMBO_NODE_DOCUMENT node
  const GumboNode* root() const;      // the <html> element
  const GumboNode* head() const;      // <head>, or nullptr
  const GumboNode* body() const;      // <body>, or nullptr

 private:
  ParsedHtml() = default;
  std::unique_ptr<GumboArena> arena_;  // owns every block of the tree
  const GumboOutput* output_ = nullptr;
};

// True when `node` is an element (or template) whose tag is `tag`.
bool IsElement(const GumboNode* node, GumboTag tag);
// True for GUMBO_NODE_ELEMENT and GUMBO_NODE_TEMPLATE.
bool IsElementNode(const GumboNode* node);
// The element's tag; GUMBO_TAG_UNKNOWN for non-elements.
GumboTag TagOf(const GumboNode* node);
// Lower-case tag name ("div"; for unknown tags the name as written, e.g. "amp-img"), "" for
// non-elements. Returned as a std::string because unknown names need lower-casing.
std::string TagName(const GumboNode* node);

// The value of attribute `name` (ASCII, lower-case) of element `node`; "" when absent or when
// `node` is not an element. Use HasAttribute to tell an empty value from a missing one.
std::string_view GetAttribute(const GumboNode* node, std::string_view name);
bool HasAttribute(const GumboNode* node, std::string_view name);

// Whitespace-separated token test on the class attribute, ASCII case-insensitive:
// HasClass(<div class="a Foo">, "foo") is true, HasClass(..., "fo") is false.
bool HasClass(const GumboNode* node, std::string_view token);
// True when the class or id attribute, lower-cased, contains `needle` (lower-case) as a
// substring: ClassOrIdContains(<div id="comments-box">, "comment") is true.
bool ClassOrIdContains(const GumboNode* node, std::string_view needle);
// class + " " + id, ASCII lower-cased (for hint matching by the caller).
std::string ClassAndIdLower(const GumboNode* node);

// What a visitor tells WalkPreOrder to do after visiting a node.
enum class WalkAction {
  kDescend,       // visit the node's children next
  kSkipChildren,  // do not visit this node's children
  kStop,          // end the whole walk now
};

// Visits `root` and its descendants in document (pre-)order without recursion. `visit` is
// called as `WalkAction visit(const GumboNode* node, int depth)` (root has depth 0) for every
// node (elements, text, comments, ...). Template content is visited like element children.
template <typename Visitor>
void WalkPreOrder(const GumboNode* root, Visitor&& visit);

// Concatenated text of all text/CDATA/whitespace descendants of `node` (or `node` itself when it
// is a text node), in document order, not folded. Skips <script>, <style>, <noscript>,
// <template> and <textarea> content. Block-level elements (p, div, br, li, h1-h6, tr, ...) add a
// separating space so words of adjacent blocks do not run together.
std::string NodeText(const GumboNode* node);
// NodeText with whitespace runs folded to one space and trimmed (text::CollapseWhitespace).
std::string NodeTextCollapsed(const GumboNode* node);

// True for elements that start a new line when rendered (p, div, li, h1-h6, table parts,
// section, article, blockquote, br, hr, ...).
bool IsBlockTag(GumboTag tag);

// All elements with tag `tag` under `root` (root included), in document order.
std::vector<const GumboNode*> FindAll(const GumboNode* root, GumboTag tag);
// The first element with tag `tag` under `root` (root included), or nullptr.
const GumboNode* FindFirst(const GumboNode* root, GumboTag tag);

// ---------------------------------------------------------------------------------------------
// Implementation of the template.

namespace internal {
// Child list of an element/template/document node; nullptr for other node types.
const GumboVector* ChildrenOf(const GumboNode* node);
}  // namespace internal

template <typename Visitor>
void WalkPreOrder(const GumboNode* root, Visitor&& visit) {
  if (root == nullptr) return;
  struct Frame {
    const GumboNode* node;
    int depth;
  };
  std::vector<Frame> stack;
  stack.push_back({root, 0});
  while (!stack.empty()) {
    Frame frame = stack.back();
    stack.pop_back();
    WalkAction action = visit(frame.node, frame.depth);
    if (action == WalkAction::kStop) return;
    if (action == WalkAction::kSkipChildren) continue;
    const GumboVector* children = internal::ChildrenOf(frame.node);
    if (children == nullptr) continue;
    for (unsigned int i = children->length; i > 0; --i) {
      stack.push_back({static_cast<const GumboNode*>(children->data[i - 1]), frame.depth + 1});
    }
  }
}

}  // namespace newscrawl::dom
