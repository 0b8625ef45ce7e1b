#include "parser/inline_links.h"

#include <cstdint>
#include <string_view>

#include "parser/cjk.h"

namespace newscrawl::content {
namespace {

// The code point of the three-byte UTF-8 sequence at s[i], or 0 when there is none there (CJK
// text and its punctuation are all three-byte sequences).
uint32_t ThreeByteAt(std::string_view s, size_t i) {
  if (i + 3 > s.size()) return 0;
  auto c0 = static_cast<unsigned char>(s[i]);
  if (c0 < 0xE0 || c0 >= 0xF0) return 0;
  return ((c0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
         (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
}

uint32_t FirstCodePoint(std::string_view s) { return ThreeByteAt(s, 0); }
uint32_t LastCodePoint(std::string_view s) {
  return s.size() < 3 ? 0 : ThreeByteAt(s, s.size() - 3);
}

// A character of running CJK text: kana, ideographs, hangul, and the punctuation of sentences
// (ideographic comma and full stop, brackets, full-width colon and parentheses). Not the
// separators menus and breadcrumbs put between links: "・" (U+30FB), "｜", "／", "＞".
bool IsRunningTextChar(uint32_t cp) {
  if (cp == 0x30FB) return false;
  return IsCjkLetter(cp) || cp == 0x3001 || cp == 0x3002 || (cp >= 0x300C && cp <= 0x300F) ||
         cp == 0xFF1A || cp == 0xFF08 || cp == 0xFF09 || cp == 0xFF0C;
}

// The text of a node that is a text node, else empty.
std::string_view TextOf(const GumboNode* node) {
  if (node == nullptr || node->type != GUMBO_NODE_TEXT) return {};
  return node->v.text.text;
}

// The link's own text when it is a single text node (keyword links are); else empty.
std::string_view LinkText(const GumboNode* link) {
  const GumboVector& kids = link->v.element.children;
  return kids.length == 1 ? TextOf(static_cast<const GumboNode*>(kids.data[0]))
                          : std::string_view{};
}

}  // namespace

bool IsLinkInCjkRunningText(const GumboNode* link) {
  const GumboNode* parent = link->parent;
  if (parent == nullptr || parent->type != GUMBO_NODE_ELEMENT) return false;
  std::string_view own = LinkText(link);
  if (own.empty()) return false;
  const GumboVector& siblings = parent->v.element.children;
  size_t at = link->index_within_parent;
  if (at >= siblings.length || siblings.data[at] != link) return false;
  std::string_view before =
      at > 0 ? TextOf(static_cast<const GumboNode*>(siblings.data[at - 1])) : std::string_view{};
  std::string_view after = at + 1 < siblings.length
                               ? TextOf(static_cast<const GumboNode*>(siblings.data[at + 1]))
                               : std::string_view{};
  bool glued_before =
      IsRunningTextChar(LastCodePoint(before)) && IsRunningTextChar(FirstCodePoint(own));
  bool glued_after =
      IsRunningTextChar(FirstCodePoint(after)) && IsRunningTextChar(LastCodePoint(own));
  return glued_before || glued_after;
}

}  // namespace newscrawl::content
