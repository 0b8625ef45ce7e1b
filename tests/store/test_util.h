// Helpers for the store tests: a temporary directory and deterministic article-like texts.
#pragma once

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/article.h"

namespace newscrawl::store::testing {

// A fresh directory under $TMPDIR, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "nc-store-test-XXXXXX").string();
    path_ = mkdtemp(templ.data()) ? templ : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A paragraph of `sentences` sentences of pseudo-random English words; the same seed gives the
// same text, different seeds give texts that share (almost) no 5-word shingles.
inline std::string MakeParagraph(uint64_t seed, int sentences = 5) {
  static const char* kWords[] = {
      "council",  "river",    "budget",   "minister", "school",   "harbour", "storm",   "election",
      "market",   "village",  "hospital", "bridge",   "farmers",  "police",  "court",   "station",
      "festival", "museum",   "airport",  "workers",  "teachers", "report",  "plan",    "the",
      "a",        "of",       "and",      "to",       "in",       "said",    "would",   "after",
      "before",   "new",      "old",      "city",     "region",   "company", "price",   "water",
      "power",    "road",     "summer",   "winter",   "vote",     "law",     "team",    "match",
      "season",   "record",   "rise",     "fall",     "share",    "energy",  "housing", "rent",
      "tax",      "border",   "trade",    "health",   "doctors",  "nurses",  "train",   "bus",
      "ferry",    "coast",    "forest",   "fire",     "flood",    "museum",  "artist",  "concert",
      "library",  "students", "science",  "study",    "data"};
  constexpr uint64_t kCount = sizeof(kWords) / sizeof(kWords[0]);
  uint64_t x = seed * 6364136223846793005ULL + 1442695040888963407ULL;
  auto next = [&x] {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
  };
  std::string out;
  for (int s = 0; s < sentences; ++s) {
    int words = 8 + static_cast<int>(next() % 10);
    for (int w = 0; w < words; ++w) {
      std::string word = kWords[next() % kCount];
      if (w == 0) word[0] = static_cast<char>(word[0] - 'a' + 'A');
      out += word;
      out += w + 1 == words ? ". " : " ";
    }
  }
  out.pop_back();
  return out;
}

// An article text of `paragraphs` paragraphs separated by '\n'.
inline std::string MakeText(uint64_t seed, int paragraphs = 6) {
  std::string text;
  for (int p = 0; p < paragraphs; ++p) {
    if (p) text += '\n';
    text += MakeParagraph(seed * 1000 + p);
  }
  return text;
}

inline Article MakeArticle(const std::string& url, const std::string& text) {
  Article a;
  a.url = url;
  a.title = "Title: " + text.substr(0, 24);  // same text, same title, at any URL
  a.text = text;
  return a;
}

}  // namespace newscrawl::store::testing
