// SubstringSet: "does this text contain any of these words?" for the fixed word lists that
// judge class names and ids (boilerplate hints, metadata hints). One pass over the text, trying
// at each position only the words that start with its byte, instead of one search per word:
// these lists hold up to ~70 words and are asked for every class token of a page.
//
// The words are not copied: they must outlive the set (string literals, static arrays). Built
// once (a function-local static); FoundIn is const and thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace newscrawl {

class SubstringSet {
 public:
  SubstringSet(std::initializer_list<std::string_view> words) { Add(words.begin(), words.size()); }
  template <size_t N>
  explicit SubstringSet(const std::string_view (&words)[N]) {
    Add(words, N);
  }

  // True when one of the words occurs in `text` (byte-exact; callers lower-case first).
  bool FoundIn(std::string_view text) const;

 private:
  void Add(const std::string_view* words, size_t count);
  std::array<std::vector<std::string_view>, 256> by_first_byte_;
};

}  // namespace newscrawl
