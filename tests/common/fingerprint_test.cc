#include "common/fingerprint.h"

#include <gtest/gtest.h>

#include <set>

namespace newscrawl {
namespace {

// "Tiếng Việt có dấu" in NFC and in NFD (decomposed: base letters plus combining marks).
const char kNfc[] = "Ti\xE1\xBA\xBFng Vi\xE1\xBB\x87t c\xC3\xB3 d\xE1\xBA\xA5u";
const char kNfd[] = "Tie\xCC\x82\xCC\x81ng Vie\xCC\xA3\xCC\x82t co\xCC\x81 da\xCC\x82\xCC\x81u";

TEST(NormalizeTextForHashTest, ComposesToNfcAndFoldsWhitespace) {
  EXPECT_EQ(NormalizeTextForHash(kNfd), kNfc);
  EXPECT_EQ(NormalizeTextForHash("  a\t\tb \r\n c  "), "a b c");
  // NO-BREAK SPACE, EM SPACE and IDEOGRAPHIC SPACE are whitespace too.
  EXPECT_EQ(NormalizeTextForHash("x\xC2\xA0y\xE2\x80\x83z\xE3\x80\x80w"), "x y z w");
  EXPECT_EQ(NormalizeTextForHash(""), "");
  EXPECT_EQ(NormalizeTextForHash(" \n "), "");
}

TEST(NormalizeTextForHashTest, ReplacesInvalidUtf8) {
  EXPECT_EQ(NormalizeTextForHash("a\xFF"
                                 "b\xC3"),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
}

TEST(ContentHashTest, NfdAndNfcHashEqual) {
  EXPECT_EQ(ContentHash(kNfd), ContentHash(kNfc));
  EXPECT_EQ(SimHash64(kNfd), SimHash64(kNfc));
  EXPECT_EQ(ShingleHashes(kNfd), ShingleHashes(kNfc));
}

TEST(ContentHashTest, WhitespaceVariantsEqualOtherTextsDiffer) {
  std::string a = ContentHash("First paragraph.\nSecond paragraph.");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(a, ContentHash("  First   paragraph.\r\n\r\nSecond\tparagraph.\n"));
  EXPECT_NE(a, ContentHash("First paragraph.\nSecond paragraph!"));
  EXPECT_NE(a, ContentHash("first paragraph.\nSecond paragraph."));  // case is content
}

TEST(ArticleIdForTest, SixteenHexDigitsStablePerUrl) {
  std::string id = ArticleIdFor("https://example.com/a");
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(id, ArticleIdFor("https://example.com/a"));
  EXPECT_NE(id, ArticleIdFor("https://example.com/b"));
}

TEST(WordTokensTest, LowerCasedLettersAndDigits) {
  EXPECT_EQ(WordTokens("Hello, World! It's 2024."),
            (std::vector<std::string>{"hello", "world", "it", "s", "2024"}));
  EXPECT_EQ(WordTokens(kNfd), (std::vector<std::string>{"ti\xE1\xBA\xBFng", "vi\xE1\xBB\x87t",
                                                        "c\xC3\xB3", "d\xE1\xBA\xA5u"}));
  EXPECT_EQ(WordTokens("\xC3\x9C"
                       "BER Stra\xC3\x9F"
                       "e"),  // ÜBER Straße
            (std::vector<std::string>{"\xC3\xBC"
                                      "ber",
                                      "stra\xC3\x9F"
                                      "e"}));
  // Ideographs are one token each.
  EXPECT_EQ(WordTokens("\xE4\xB8\xAD\xE6\x96\x87 ok"),
            (std::vector<std::string>{"\xE4\xB8\xAD", "\xE6\x96\x87", "ok"}));
  EXPECT_TRUE(WordTokens(" -- ... ").empty());
}

TEST(ShingleHashesTest, SortedDistinctAndShortTexts) {
  std::vector<uint64_t> s = ShingleHashes("a b c d e f g a b c d e", 5);
  // Shingles: abcde bcdef cdefg defga efgab fgabc gabcd abcde(dup) -> 7 distinct.
  EXPECT_EQ(s.size(), 7u);
  EXPECT_TRUE(std::is_sorted(s.begin(), s.end()));
  EXPECT_EQ(ShingleHashes("only three words", 5).size(), 1u);
  EXPECT_NE(ShingleHashes("only three words", 5), ShingleHashes("only four words", 5));
  EXPECT_TRUE(ShingleHashes("", 5).empty());
  EXPECT_EQ(SimHash64(""), 0u);
  // Case and punctuation do not change shingles.
  EXPECT_EQ(ShingleHashes("One two, three. Four five six"),
            ShingleHashes("one two three four five six"));
}

TEST(ShingleOverlapTest, ContainmentAndJaccard) {
  std::vector<uint64_t> a = {1, 2, 3, 4}, b = {3, 4, 5, 6, 7, 8}, empty;
  EXPECT_DOUBLE_EQ(ShingleContainment(a, b), 0.5);
  EXPECT_DOUBLE_EQ(ShingleJaccard(a, b), 2.0 / 8.0);
  EXPECT_DOUBLE_EQ(ShingleContainment(a, a), 1.0);
  EXPECT_DOUBLE_EQ(ShingleJaccard(a, a), 1.0);
  EXPECT_DOUBLE_EQ(ShingleContainment(a, empty), 0.0);
  EXPECT_DOUBLE_EQ(ShingleJaccard(empty, empty), 0.0);
}

TEST(SimHashTest, SimilarTextsAreCloseUnrelatedFar) {
  std::string base;
  for (int i = 0; i < 60; ++i)
    base += "sentence number " + std::to_string(i) + " says thing " + std::to_string(i * 7) + ". ";
  std::string edited = base;
  edited.replace(edited.find("number 30"), 9, "digit 30");
  std::string other;
  for (int i = 0; i < 60; ++i)
    other += "another line " + std::to_string(i * 13) + " about " + std::to_string(i) + " stuff. ";
  EXPECT_EQ(HammingDistance(SimHash64(base), SimHash64(base)), 0);
  EXPECT_LE(HammingDistance(SimHash64(base), SimHash64(edited)), 10);
  EXPECT_GE(HammingDistance(SimHash64(base), SimHash64(other)), 16);
  EXPECT_EQ(SimHash64(base), SimHashOfShingles(ShingleHashes(base)));
}

TEST(HammingDistanceTest, CountsBits) {
  EXPECT_EQ(HammingDistance(0, 0), 0);
  EXPECT_EQ(HammingDistance(0, ~uint64_t{0}), 64);
  EXPECT_EQ(HammingDistance(0b1011, 0b0001), 2);
}

TEST(FillFingerprintsTest, FillsIdHashAndSimhash) {
  Article a;
  a.url = "https://m.example.com/a?utm_source=x";
  a.canonical_url = "https://example.com/a";
  a.text = "Some text of the article with enough words to shingle.";
  a.title = "kept";
  FillFingerprints(&a);
  EXPECT_EQ(a.id, ArticleIdFor("https://example.com/a"));
  EXPECT_EQ(a.content_hash, ContentHash(a.text));
  EXPECT_EQ(a.simhash, SimHash64(a.text));
  EXPECT_EQ(a.title, "kept");

  Article b;
  b.id = "0123456789abcdef";
  b.url = "https://example.com/b";
  FillFingerprints(&b);
  EXPECT_EQ(b.id, "0123456789abcdef");  // an existing id is kept

  Article c;
  c.url = "https://example.com/c";
  FillFingerprints(&c);
  EXPECT_EQ(c.id, ArticleIdFor("https://example.com/c"));  // falls back to url
  EXPECT_EQ(c.simhash, 0u);
}

}  // namespace
}  // namespace newscrawl

namespace newscrawl {
namespace {

// Random bytes (valid and invalid UTF-8, combining marks, odd whitespace): normalisation is a
// fixed point and tokens/shingles never crash (the suite runs under ASan/UBSan).
TEST(NormalizeTextForHashTest, RandomInputIsFixedPoint) {
  const std::string pieces[] = {"a",
                                "Z",
                                "9",
                                " ",
                                "\n",
                                "\t",
                                "\xC2\xA0",
                                "e\xCC\x81",
                                "\xCC\x81",
                                "\xE1\xBA\xBF",
                                "\xFF",
                                "\xC3",
                                "\xE4\xB8\xAD",
                                "\xE2\x80\x83",
                                ".",
                                "\xF0\x9F\x98\x80",
                                "\xED\xA0\x80"};
  uint64_t state = 42;
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    int length = static_cast<int>(i % 40);
    for (int j = 0; j < length; ++j) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      text += pieces[(state >> 33) % (sizeof(pieces) / sizeof(pieces[0]))];
    }
    std::string normalized = NormalizeTextForHash(text);
    ASSERT_EQ(NormalizeTextForHash(normalized), normalized) << text;
    EXPECT_EQ(ContentHash(text), ContentHash(normalized));
    EXPECT_EQ(ShingleHashes(text), ShingleHashes(normalized));
  }
}

}  // namespace
}  // namespace newscrawl

#include <xxhash.h>

namespace newscrawl {
namespace {

// A long text with repeated passages, capitals, punctuation and (optionally) non-ASCII words:
// more than 64 shingles, so ShingleHashes takes its bucketed sort.
std::string LongText(bool ascii) {
  std::string text;
  for (int i = 0; i < 300; ++i) {
    text += "Word" + std::to_string(i % 37) + " the QUICK brown fox " + std::to_string(i % 11);
    text += i % 5 == 0 ? ".\n" : ", ";
    if (!ascii && i % 7 == 0) text += "Ti\xE1\xBA\xBFng Vie\xCC\xA3\xCC\x82t \xE4\xB8\xAD ";
  }
  return text;
}

// The definition, spelled out slowly: XXH3-64 of each WordTokens token, XXH3-64 of each window
// of `width` token hashes, sorted, repeats dropped.
std::vector<uint64_t> ReferenceShingles(const std::string& text, size_t width) {
  std::vector<uint64_t> tokens;
  for (const auto& t : WordTokens(text)) tokens.push_back(XXH3_64bits(t.data(), t.size()));
  std::vector<uint64_t> shingles;
  if (tokens.empty()) return shingles;
  if (tokens.size() <= width) return {XXH3_64bits(tokens.data(), tokens.size() * 8)};
  for (size_t i = 0; i + width <= tokens.size(); ++i)
    shingles.push_back(XXH3_64bits(&tokens[i], width * 8));
  std::sort(shingles.begin(), shingles.end());
  shingles.erase(std::unique(shingles.begin(), shingles.end()), shingles.end());
  return shingles;
}

TEST(ShingleHashesTest, MatchesTheDefinitionOnLongTexts) {
  for (bool ascii : {true, false}) {
    std::string text = LongText(ascii);
    for (int width : {1, 3, 5}) {
      std::vector<uint64_t> expected = ReferenceShingles(text, width);
      if (width > 1) EXPECT_GT(expected.size(), 64u);
      EXPECT_EQ(ShingleHashes(text, width), expected) << "ascii " << ascii << " width " << width;
    }
  }
}

TEST(FingerprintTextTest, EqualsTheSeparateFunctions) {
  const std::string texts[] = {
      LongText(true),
      LongText(false),
      "",
      "  ",
      "one two",
      "a\xFF"
      "b",
      "Tie\xCC\x82\xCC\x81ng Vie\xCC\xA3\xCC\x82t co\xCC\x81 da\xCC\x82\xCC\x81u"};
  for (const auto& text : texts) {
    for (int width : {3, 5}) {
      TextFingerprints fp = FingerprintText(text, width);
      EXPECT_EQ(fp.content_hash, ContentHash(text));
      EXPECT_EQ(fp.shingles, ShingleHashes(text, width));
      EXPECT_EQ(fp.simhash, SimHash64(text, width));
    }
  }
}

// Content hashes and SimHashes are stored (records, hash index, article heads): these values
// were computed by the implementation before the single-pass FingerprintText (store format 1)
// and must never change without a store format bump.
TEST(FingerprintTextTest, PinnedValues) {
  EXPECT_EQ(ContentHash("First paragraph.\nSecond paragraph."),
            ContentHash("First paragraph. Second paragraph."));
  struct Case {
    std::string text;
    const char* content_hash;
    uint64_t simhash;
  };
  const Case cases[] = {
      {LongText(true), "50552dc22047dfce5050d1d8839166a5", 0x860d002bc252ecfcULL},
      {LongText(false), "a0ffd94f8423068823b24c28e7a4a0cd", 0x8605102fd6522d5cULL},
      {"Hello, World! It's 2024.", "8d25d3867fc938e2bd123c8264d2de02", 0x2c742709bac38e61ULL},
  };
  for (const auto& c : cases) {
    TextFingerprints fp = FingerprintText(c.text);
    EXPECT_EQ(fp.content_hash, c.content_hash);
    EXPECT_EQ(fp.simhash, c.simhash);
  }
}

}  // namespace
}  // namespace newscrawl
