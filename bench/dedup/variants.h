// Near-duplicate variants of a real article text, made the way copies differ in the wild:
// edited sentences, boilerplate leaking around the text, a headline line, a cut last
// paragraph, reordered paragraphs. Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace newscrawl::bench {

// splitmix64: deterministic on every platform (unlike std::uniform_int_distribution).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  size_t Uniform(size_t n) { return n == 0 ? 0 : static_cast<size_t>(Next() % n); }

 private:
  uint64_t state_;
};

struct Variant {
  std::string kind;
  std::string text;
};

// `others` are texts of other articles (for related-link titles: real words, not noise).
std::vector<Variant> MakeVariants(const std::string& text, const std::vector<std::string>& others,
                                  Rng* rng);

// A site template block (navigation, share line, "most read" titles) of about `words` words,
// appended to distinct articles of one site to check they stay apart.
std::string MakeSiteTemplate(const std::vector<std::string>& others, int words, Rng* rng);

}  // namespace newscrawl::bench
