// Small helpers over sorted, duplicate-free vectors (shingle sets). Pure, header-only.
#pragma once

#include <cstddef>
#include <vector>

namespace newscrawl {

// |a ∩ b| for two vectors sorted ascending without duplicates; O(|a| + |b|).
template <typename T>
size_t SortedIntersectionSize(const std::vector<T>& a, const std::vector<T>& b) {
  size_t i = 0, j = 0, common = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common, ++i, ++j;
    }
  }
  return common;
}

}  // namespace newscrawl
