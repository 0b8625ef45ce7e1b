// Internal to the content extractor: the letters of scripts written without spaces between words
// (kana, CJK ideographs, hangul syllables), which its densities weigh as about a word each.
// Pure, header-only.
#pragma once

#include <cstdint>

namespace newscrawl::content {

// Hiragana and katakana (U+3040..30FF, including the middle dot U+30FB), CJK extension A and
// unified ideographs (U+3400..9FFF), hangul syllables (U+AC00..D7AF), compatibility ideographs
// (U+F900..FAFF).
inline bool IsCjkLetter(uint32_t cp) {
  return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x9FFF) ||
         (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0xF900 && cp <= 0xFAFF);
}

}  // namespace newscrawl::content
