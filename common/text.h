// Small ASCII text helpers shared by every module: case folding, whitespace, hex.
//
// One copy of each rule (DESIGN.md "one rule, one place"): modules call these instead of
// writing their own. They work on bytes and treat only ASCII specially, so they are safe on
// UTF-8 (a multi-byte sequence never contains an ASCII byte). Unicode-aware folding or
// normalisation lives elsewhere (ICU in common/fingerprint and parser/charset).
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace newscrawl::text {

// 'A'..'Z' -> 'a'..'z'; every other byte unchanged.
constexpr char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}
std::string AsciiLower(std::string_view s);

// HTML/HTTP whitespace: space, \t, \n, \r, \f, \v.
constexpr bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// `s` without leading and trailing ASCII whitespace (a view into `s`).
std::string_view TrimAsciiSpace(std::string_view s);

// Equality and prefix/suffix tests ignoring ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
bool EndsWithIgnoreCase(std::string_view s, std::string_view suffix);

// Runs of ASCII whitespace and U+00A0 (no-break space) become one ' '; leading and trailing
// whitespace is dropped.
std::string CollapseWhitespace(std::string_view s);

// 0..15 for '0'..'9', 'a'..'f', 'A'..'F'; -1 for any other byte.
constexpr int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Lower-case hex of every byte ("\x01\xab" -> "01ab").
std::string HexEncode(std::string_view bytes);

}  // namespace newscrawl::text
