#include "parser/substring_set.h"

#include <cstring>

namespace newscrawl {

void SubstringSet::Add(const std::string_view* words, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (!words[i].empty())
      by_first_byte_[static_cast<unsigned char>(words[i][0])].push_back(words[i]);
  }
}

bool SubstringSet::FoundIn(std::string_view text) const {
  for (size_t i = 0; i < text.size(); ++i) {
    const std::vector<std::string_view>& words =
        by_first_byte_[static_cast<unsigned char>(text[i])];
    for (std::string_view word : words) {
      // The second byte first: most candidates fail there, without a call to memcmp.
      if (word.size() > text.size() - i || (word.size() > 1 && text[i + 1] != word[1])) continue;
      if (std::memcmp(text.data() + i, word.data(), word.size()) == 0) return true;
    }
  }
  return false;
}

}  // namespace newscrawl
