// The tag model of PrefilterHtml (internal to parser/): tag names packed into integers, and the
// byte-level readers of tags that the prefilter, its depth estimate (html_depth.h) and its repair
// of raw-text elements left open (html_raw_text.h) share, so that all of them read a tag the same
// way. Everything here is inline: the prefilter calls these for every tag of every page.
// Pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/text.h"

namespace newscrawl::prefilter {

inline bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsTagNameEnd(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>';
}

// A tag name packed into two integers (lower-cased, zero-padded, at most 16 bytes; longer names
// keep their prefix and match nothing below): comparisons are two integer compares.
struct TagName {
  uint64_t lo = 0, hi = 0;
  size_t size = 0;
  char text[16] = {};
  std::string_view view() const { return std::string_view(text, size < 16 ? size : 16); }
  bool operator==(const TagName& o) const { return lo == o.lo && hi == o.hi && size == o.size; }
};

constexpr TagName Tag(std::string_view name) {
  TagName t;
  t.size = name.size();
  for (size_t i = 0; i < name.size() && i < 16; ++i) {
    t.text[i] = name[i];
    if (i < 8) {
      t.lo |= static_cast<uint64_t>(static_cast<unsigned char>(name[i])) << (8 * i);
    } else {
      t.hi |= static_cast<uint64_t>(static_cast<unsigned char>(name[i])) << (8 * (i - 8));
    }
  }
  return t;
}

template <size_t N>
bool OneOf(const TagName& n, const TagName (&names)[N]) {
  for (const TagName& k : names) {
    if (n == k) return true;
  }
  return false;
}

inline constexpr TagName kP = Tag("p");

// Block starts that close an open <p> (HTML tree construction, "in body" insertion mode).
inline constexpr TagName kClosesParagraph[] = {
    Tag("p"),       Tag("div"),        Tag("ul"),       Tag("ol"),         Tag("dl"),
    Tag("h1"),      Tag("h2"),         Tag("h3"),       Tag("h4"),         Tag("h5"),
    Tag("h6"),      Tag("table"),      Tag("section"),  Tag("article"),    Tag("aside"),
    Tag("header"),  Tag("footer"),     Tag("nav"),      Tag("blockquote"), Tag("pre"),
    Tag("form"),    Tag("figure"),     Tag("fieldset"), Tag("main"),       Tag("address"),
    Tag("details"), Tag("figcaption"), Tag("hgroup"),   Tag("menu"),       Tag("center"),
    Tag("dir"),     Tag("summary"),    Tag("li"),       Tag("dd"),         Tag("dt")};

inline bool ClosesParagraph(const TagName& n) { return OneOf(n, kClosesParagraph); }

// Reads the tag name starting at `pos`; returns the position after it.
inline size_t ReadTagName(std::string_view html, size_t pos, TagName* name) {
  char buffer[16];
  size_t n = 0;
  size_t start = pos;
  while (pos < html.size() && !IsTagNameEnd(html[pos])) {
    if (n < sizeof(buffer)) buffer[n++] = text::AsciiLower(html[pos]);
    ++pos;
  }
  *name = Tag(std::string_view(buffer, n));
  name->size = pos - start;
  return pos;
}

// Position just after the '>' that ends the tag whose attributes start at `pos` (quotes
// respected); html.size() when the tag is not closed.
inline size_t FindTagEnd(std::string_view html, size_t pos) {
  char quote = 0;
  for (; pos < html.size(); ++pos) {
    char c = html[pos];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      // Quotes only open a value after '='; a stray quote elsewhere must not swallow the page.
      size_t back = pos;
      while (back > 0 && (html[back - 1] == ' ' || html[back - 1] == '\t')) --back;
      if (back > 0 && html[back - 1] == '=') quote = c;
    } else if (c == '>') {
      return pos + 1;
    }
  }
  return html.size();
}

// Case-insensitive search for "</name" from `pos`; returns the position after the closing
// tag's '>' or html.size() when absent.
inline size_t SkipPastEndTag(std::string_view html, size_t pos, std::string_view name) {
  while (pos < html.size()) {
    const void* hit = std::memchr(html.data() + pos, '<', html.size() - pos);
    if (hit == nullptr) return html.size();
    size_t lt = static_cast<const char*>(hit) - html.data();
    if (lt + 1 + name.size() < html.size() && html[lt + 1] == '/') {
      bool match = true;
      for (size_t k = 0; k < name.size(); ++k) {
        if (text::AsciiLower(html[lt + 2 + k]) != name[k]) {
          match = false;
          break;
        }
      }
      if (match && lt + 2 + name.size() <= html.size() &&
          (lt + 2 + name.size() == html.size() || IsTagNameEnd(html[lt + 2 + name.size()]))) {
        return FindTagEnd(html, lt + 2 + name.size());
      }
    }
    pos = lt + 1;
  }
  return html.size();
}

inline bool IsTagStart(std::string_view html, size_t lt) {
  if (lt + 1 >= html.size()) return false;
  char c = html[lt + 1];
  return IsAsciiAlpha(c) || (c == '/' && lt + 2 < html.size() && IsAsciiAlpha(html[lt + 2]));
}

// First position of a tag ("<a", "</a") in html[from, to), or `to`.
inline size_t FindTag(std::string_view html, size_t from, size_t to) {
  while (from < to) {
    const void* hit = std::memchr(html.data() + from, '<', to - from);
    if (hit == nullptr) return to;
    size_t lt = static_cast<const char*>(hit) - html.data();
    if (IsTagStart(html, lt)) return lt;
    from = lt + 1;
  }
  return to;
}

}  // namespace newscrawl::prefilter
