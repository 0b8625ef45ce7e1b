#include "parser/dom.h"

#include <cstring>

#include "common/text.h"

namespace newscrawl::dom {

ParsedHtml ParsedHtml::Parse(std::string_view html) {
  ParsedHtml parsed;
  parsed.arena_ = std::make_unique<GumboArena>();
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // errors are never read; recording them costs time and memory
  options.allocator = &GumboArena::Allocate;
  options.deallocator = &GumboArena::Deallocate;
  options.userdata = parsed.arena_.get();
  // No gumbo_destroy_output: the output lives in the arena and goes with it.
  parsed.output_ = gumbo_parse_with_options(&options, html.data(), html.size());
  return parsed;
}

const GumboNode* ParsedHtml::document() const { return output_ ? output_->document : nullptr; }
const GumboNode* ParsedHtml::root() const { return output_ ? output_->root : nullptr; }

const GumboNode* ParsedHtml::head() const {
  const GumboNode* html = root();
  const GumboVector* children = internal::ChildrenOf(html);
  if (children == nullptr) return nullptr;
  for (unsigned int i = 0; i < children->length; ++i) {
    auto* child = static_cast<const GumboNode*>(children->data[i]);
    if (IsElement(child, GUMBO_TAG_HEAD)) return child;
  }
  return nullptr;
}

const GumboNode* ParsedHtml::body() const {
  const GumboNode* html = root();
  const GumboVector* children = internal::ChildrenOf(html);
  if (children == nullptr) return nullptr;
  for (unsigned int i = 0; i < children->length; ++i) {
    auto* child = static_cast<const GumboNode*>(children->data[i]);
    if (IsElement(child, GUMBO_TAG_BODY)) return child;
  }
  return nullptr;
}

namespace internal {
const GumboVector* ChildrenOf(const GumboNode* node) {
  if (node == nullptr) return nullptr;
  switch (node->type) {
    case GUMBO_NODE_DOCUMENT:
      return &node->v.document.children;
    case GUMBO_NODE_ELEMENT:
    case GUMBO_NODE_TEMPLATE:
      return &node->v.element.children;
    default:
      return nullptr;
  }
}
}  // namespace internal

bool IsElementNode(const GumboNode* node) {
  return node != nullptr && (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE);
}

bool IsElement(const GumboNode* node, GumboTag tag) {
  return IsElementNode(node) && node->v.element.tag == tag;
}

GumboTag TagOf(const GumboNode* node) {
  return IsElementNode(node) ? node->v.element.tag : GUMBO_TAG_UNKNOWN;
}

std::string TagName(const GumboNode* node) {
  if (!IsElementNode(node)) return "";
  GumboTag tag = node->v.element.tag;
  if (tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(tag);
  GumboStringPiece piece = node->v.element.original_tag;
  if (piece.data == nullptr || piece.length == 0) return "";
  gumbo_tag_from_original_text(&piece);  // strips "<" and attributes, leaving the name
  return text::AsciiLower(std::string_view(piece.data, piece.length));
}

std::string_view GetAttribute(const GumboNode* node, std::string_view name) {
  if (!IsElementNode(node)) return {};
  const GumboVector& attrs = node->v.element.attributes;
  for (unsigned int i = 0; i < attrs.length; ++i) {
    auto* attr = static_cast<const GumboAttribute*>(attrs.data[i]);
    if (name == attr->name) return attr->value;
  }
  return {};
}

bool HasAttribute(const GumboNode* node, std::string_view name) {
  if (!IsElementNode(node)) return false;
  const GumboVector& attrs = node->v.element.attributes;
  for (unsigned int i = 0; i < attrs.length; ++i) {
    auto* attr = static_cast<const GumboAttribute*>(attrs.data[i]);
    if (name == attr->name) return true;
  }
  return false;
}

namespace {
bool SkipsText(GumboTag tag) {
  return tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_NOSCRIPT ||
         tag == GUMBO_TAG_TEMPLATE || tag == GUMBO_TAG_TEXTAREA;
}
}  // namespace

bool HasClass(const GumboNode* node, std::string_view token) {
  std::string_view cls = GetAttribute(node, "class");
  size_t i = 0;
  while (i < cls.size()) {
    while (i < cls.size() && text::IsAsciiSpace(cls[i])) ++i;
    size_t start = i;
    while (i < cls.size() && !text::IsAsciiSpace(cls[i])) ++i;
    if (i > start && text::EqualsIgnoreCase(cls.substr(start, i - start), token)) return true;
  }
  return false;
}

std::string ClassAndIdLower(const GumboNode* node) {
  std::string_view cls = GetAttribute(node, "class");
  std::string_view id = GetAttribute(node, "id");
  std::string out;
  out.reserve(cls.size() + id.size() + 1);
  out.append(cls);
  out.push_back(' ');
  out.append(id);
  for (char& c : out) c = text::AsciiLower(c);
  return out;
}

bool ClassOrIdContains(const GumboNode* node, std::string_view needle) {
  return ClassAndIdLower(node).find(needle) != std::string::npos;
}

bool IsBlockTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P:
    case GUMBO_TAG_DIV:
    case GUMBO_TAG_BR:
    case GUMBO_TAG_HR:
    case GUMBO_TAG_LI:
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_DL:
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_MAIN:
    case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_FIGURE:
    case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_FIELDSET:
    case GUMBO_TAG_ADDRESS:
    case GUMBO_TAG_BODY:
    case GUMBO_TAG_HTML:
    case GUMBO_TAG_TITLE:
    case GUMBO_TAG_OPTION:
      return true;
    default:
      return false;
  }
}

std::string NodeText(const GumboNode* node) {
  std::string out;
  if (node == nullptr) return out;
  // Pre-order walk; block elements add a space before their content. A trailing space after a
  // block is added when the next node is visited (the space before the next block suffices).
  WalkPreOrder(node, [&out](const GumboNode* n, int) {
    switch (n->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_CDATA:
      case GUMBO_NODE_WHITESPACE:
        out.append(n->v.text.text);
        return WalkAction::kDescend;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE: {
        GumboTag tag = n->v.element.tag;
        if (SkipsText(tag)) return WalkAction::kSkipChildren;
        if (IsBlockTag(tag) && !out.empty() && out.back() != ' ') out.push_back(' ');
        return WalkAction::kDescend;
      }
      default:
        return WalkAction::kDescend;
    }
  });
  return out;
}

std::string NodeTextCollapsed(const GumboNode* node) {
  return text::CollapseWhitespace(NodeText(node));
}

std::vector<const GumboNode*> FindAll(const GumboNode* root, GumboTag tag) {
  std::vector<const GumboNode*> found;
  WalkPreOrder(root, [&](const GumboNode* n, int) {
    if (IsElement(n, tag)) found.push_back(n);
    return WalkAction::kDescend;
  });
  return found;
}

const GumboNode* FindFirst(const GumboNode* root, GumboTag tag) {
  const GumboNode* found = nullptr;
  WalkPreOrder(root, [&](const GumboNode* n, int) {
    if (IsElement(n, tag)) {
      found = n;
      return WalkAction::kStop;
    }
    return WalkAction::kDescend;
  });
  return found;
}

}  // namespace newscrawl::dom
