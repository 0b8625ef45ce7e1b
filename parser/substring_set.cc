#include "parser/substring_set.h"

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
      if (text.size() - i >= word.size() && text.compare(i, word.size(), word) == 0) return true;
    }
  }
  return false;
}

}  // namespace newscrawl
