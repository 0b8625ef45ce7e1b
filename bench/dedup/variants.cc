#include "bench/dedup/variants.h"

#include <algorithm>
#include <sstream>

namespace newscrawl::bench {
namespace {

using Paragraphs = std::vector<std::vector<std::string>>;  // paragraphs of sentences

std::vector<std::string> SplitWords(const std::string& s) {
  std::vector<std::string> words;
  std::istringstream in(s);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::string JoinWords(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::vector<std::string> SplitSentences(const std::string& paragraph) {
  std::vector<std::string> sentences;
  size_t start = 0;
  for (size_t i = 0; i + 1 < paragraph.size(); ++i) {
    char c = paragraph[i];
    if ((c == '.' || c == '!' || c == '?') && paragraph[i + 1] == ' ') {
      sentences.push_back(paragraph.substr(start, i + 1 - start));
      start = i + 2;
    }
  }
  if (start < paragraph.size()) sentences.push_back(paragraph.substr(start));
  return sentences;
}

Paragraphs Split(const std::string& text) {
  Paragraphs out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    out.push_back(SplitSentences(line));
  }
  return out;
}

std::string Join(const Paragraphs& paragraphs) {
  std::string out;
  for (const auto& p : paragraphs) {
    std::string line;
    for (const auto& s : p) line += (line.empty() ? "" : " ") + s;
    out += (out.empty() ? "" : "\n") + line;
  }
  return out;
}

// A title-like line: 8..12 consecutive words from a random paragraph of another article.
std::string TitleFrom(const std::vector<std::string>& others, Rng* rng) {
  const std::string& other = others[rng->Uniform(others.size())];
  std::vector<std::string> words = SplitWords(other);
  if (words.empty()) return "Latest news";
  size_t length = std::min(words.size(), 8 + rng->Uniform(5));
  size_t start = rng->Uniform(words.size() - length + 1);
  return JoinWords({words.begin() + start, words.begin() + start + length});
}

// Edits one sentence the way a correction does: a word replaced, one dropped, a phrase added.
bool EditOneSentence(Paragraphs* paragraphs, Rng* rng) {
  std::vector<std::pair<size_t, size_t>> candidates;
  for (size_t p = 0; p < paragraphs->size(); ++p) {
    for (size_t s = 0; s < (*paragraphs)[p].size(); ++s) {
      if (SplitWords((*paragraphs)[p][s]).size() >= 6) candidates.emplace_back(p, s);
    }
  }
  if (candidates.empty()) return false;
  auto [p, s] = candidates[rng->Uniform(candidates.size())];
  std::vector<std::string> words = SplitWords((*paragraphs)[p][s]);
  static const char* const kReplacements[] = {"reportedly", "officially", "eventually",
                                              "nearly",     "roughly",    "publicly"};
  words[rng->Uniform(words.size())] = kReplacements[rng->Uniform(6)];
  words.erase(words.begin() + static_cast<long>(rng->Uniform(words.size())));
  static const char* const kPhrases[] = {"on Tuesday,", "according to officials,",
                                         "the statement said,", "last week"};
  words.insert(words.begin() + static_cast<long>(rng->Uniform(words.size() + 1)),
               kPhrases[rng->Uniform(4)]);
  (*paragraphs)[p][s] = JoinWords(words);
  return true;
}

std::string RelatedBlock(const std::vector<std::string>& others, Rng* rng) {
  std::string block = "Related stories";
  for (int i = 0; i < 4; ++i) block += "\n" + TitleFrom(others, rng);
  return block;
}

}  // namespace

std::string MakeSiteTemplate(const std::vector<std::string>& others, int words, Rng* rng) {
  std::string block = "Share this article Facebook Twitter Email Print\nMost read";
  int count = 7;
  while (count < words) {
    std::string title = TitleFrom(others, rng);
    count += static_cast<int>(SplitWords(title).size());
    block += "\n" + title;
  }
  return block + "\nCopyright All rights reserved";
}

std::vector<Variant> MakeVariants(const std::string& text, const std::vector<std::string>& others,
                                  Rng* rng) {
  const Paragraphs original = Split(text);
  std::vector<Variant> variants;

  Paragraphs edit1 = original;
  if (EditOneSentence(&edit1, rng)) variants.push_back({"edit1", Join(edit1)});

  Paragraphs edit3 = original;
  for (int i = 0; i < 3; ++i) EditOneSentence(&edit3, rng);
  variants.push_back({"edit3", Join(edit3)});

  variants.push_back({"boilerplate",
                      "\xC4\x90\xE1\xBB\x8D"
                      "c th\xC3\xAAm: " +
                          TitleFrom(others, rng) + "\n" + text +
                          "\nShare this on Facebook Twitter Email\n" + RelatedBlock(others, rng)});

  variants.push_back({"headline", TitleFrom({text}, rng) + "\n" + text});

  Paragraphs truncated = original;
  if (truncated.size() >= 2) {
    truncated.pop_back();
  } else if (!truncated.empty() && truncated[0].size() >= 2) {
    truncated[0].pop_back();
  }
  variants.push_back({"truncated", Join(truncated)});

  Paragraphs reordered = original;
  if (reordered.size() >= 2) {
    size_t p = rng->Uniform(reordered.size() - 1);
    std::swap(reordered[p], reordered[p + 1]);
  } else if (!reordered.empty() && reordered[0].size() >= 2) {
    size_t s = rng->Uniform(reordered[0].size() - 1);
    std::swap(reordered[0][s], reordered[0][s + 1]);
  }
  variants.push_back({"reorder", Join(reordered)});

  Paragraphs combo = original;
  EditOneSentence(&combo, rng);
  if (combo.size() >= 3) combo.pop_back();
  variants.push_back(
      {"combo", TitleFrom({text}, rng) + "\n" + Join(combo) + "\n" + RelatedBlock(others, rng)});
  return variants;
}

}  // namespace newscrawl::bench
