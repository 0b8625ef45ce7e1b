#include "common/near_duplicate.h"

#include "common/fingerprint.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace newscrawl {
namespace {

// A deterministic pseudo-article: `words` words from a vocabulary of 5,000, sentences of 12.
std::string MakeText(uint64_t seed, int words) {
  std::string text;
  uint64_t state = seed * 0x9E3779B97F4A7C15ULL + 1;
  for (int i = 0; i < words; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    text += "w" + std::to_string((state >> 33) % 5000);
    text += (i % 12 == 11) ? ".\n" : " ";
  }
  return text;
}

std::vector<std::string> SharedKeys(const NearDupSignature& a, const NearDupSignature& b) {
  std::vector<std::string> ka = NearDupIndexKeys(a), kb = NearDupIndexKeys(b), shared;
  std::sort(ka.begin(), ka.end());
  std::sort(kb.begin(), kb.end());
  std::set_intersection(ka.begin(), ka.end(), kb.begin(), kb.end(), std::back_inserter(shared));
  return shared;
}

TEST(NearDupSignatureTest, SerializeRoundTripAndCorruption) {
  NearDupSignature sig = NearDupSignatureOf(MakeText(1, 200));
  EXPECT_EQ(sig.shingles.size(), 196u);
  EXPECT_TRUE(std::is_sorted(sig.shingles.begin(), sig.shingles.end()));
  std::string bytes = sig.Serialize();
  EXPECT_EQ(bytes.size(), 13 + 4 * sig.shingles.size());
  Result<NearDupSignature> parsed = NearDupSignature::Parse(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, sig);

  EXPECT_EQ(sig.simhash, SimHash64(MakeText(1, 200)));  // callers need not hash twice

  EXPECT_EQ(NearDupSignature::Parse(bytes.substr(0, 5)).status().code(), StatusCode::kCorruption);
  EXPECT_EQ(NearDupSignature::Parse(bytes.substr(0, bytes.size() - 1)).status().code(),
            StatusCode::kCorruption);
  std::string wrong_version = bytes;
  wrong_version[0] = 9;
  EXPECT_NE(NearDupSignature::Parse(wrong_version).status().message().find("unknown format 9"),
            std::string::npos);
  std::string unsorted = bytes;
  std::swap_ranges(unsorted.begin() + 13, unsorted.begin() + 17, unsorted.begin() + 17);
  EXPECT_EQ(NearDupSignature::Parse(unsorted).status().code(), StatusCode::kCorruption);
  EXPECT_TRUE(NearDupSignature::Parse(NearDupSignature().Serialize()).ok());
}

TEST(NearDupIndexKeysTest, StableFixedSizeOnePerBand) {
  NearDupOptions options;
  NearDupSignature sig = NearDupSignatureOf(MakeText(2, 300), options);
  std::vector<std::string> keys = NearDupIndexKeys(sig, options);
  ASSERT_EQ(keys.size(), static_cast<size_t>(options.bands));
  for (size_t band = 0; band < keys.size(); ++band) {
    EXPECT_EQ(keys[band].size(), 9u);
    EXPECT_EQ(static_cast<uint8_t>(keys[band][0]), band);
  }
  EXPECT_EQ(keys, NearDupIndexKeys(NearDupSignatureOf(MakeText(2, 300), options), options));
  // Too short to index.
  EXPECT_TRUE(NearDupIndexKeys(NearDupSignatureOf("just a few words here")).empty());
}

TEST(NearDuplicateTest, EditedCopyIsFoundAndVerified) {
  std::string original = MakeText(3, 400);
  std::string edited = original;
  // One sentence edited, a headline and a "read more" trailer added.
  size_t at = edited.find('\n', edited.size() / 2);
  edited.insert(at + 1, "Officials declined to comment on the report on Monday. ");
  edited = "Breaking headline about it\n" + edited + "\nRead more: other story titles here";
  NearDupSignature a = NearDupSignatureOf(original), b = NearDupSignatureOf(edited);
  EXPECT_FALSE(SharedKeys(a, b).empty());
  EXPECT_TRUE(IsNearDuplicate(a, b));
  EXPECT_TRUE(IsNearDuplicate(b, a));
  NearDupScore score = ScoreNearDuplicate(a, b);
  EXPECT_GT(score.containment, 0.9);
  EXPECT_LT(score.jaccard, score.containment);
}

TEST(NearDuplicateTest, DistinctArticlesStayApart) {
  NearDupSignature a = NearDupSignatureOf(MakeText(4, 400));
  for (uint64_t seed = 5; seed < 25; ++seed) {
    NearDupSignature b = NearDupSignatureOf(MakeText(seed, 400));
    EXPECT_FALSE(IsNearDuplicate(a, b)) << seed;
    EXPECT_TRUE(SharedKeys(a, b).empty()) << seed;
  }
}

TEST(NearDuplicateTest, SharedBoilerplateIsNotEnough) {
  // Two different stories of one site with the same 60-word trailer.
  std::string trailer = "\n" + MakeText(99, 60);
  NearDupSignature a = NearDupSignatureOf(MakeText(6, 150) + trailer);
  NearDupSignature b = NearDupSignatureOf(MakeText(7, 150) + trailer);
  EXPECT_LT(ScoreNearDuplicate(a, b).containment, 0.5);
  EXPECT_FALSE(IsNearDuplicate(a, b));
}

TEST(NearDuplicateTest, TeaserAndTinyTextsAreNotDuplicates) {
  std::string full = MakeText(8, 600);
  std::string teaser = full.substr(0, full.size() / 10);
  NearDupSignature a = NearDupSignatureOf(full), b = NearDupSignatureOf(teaser);
  EXPECT_DOUBLE_EQ(ScoreNearDuplicate(a, b).containment, 1.0);
  EXPECT_FALSE(IsNearDuplicate(a, b));  // size ratio ~0.1
  NearDupSignature tiny = NearDupSignatureOf("Five words make one shingle");
  EXPECT_FALSE(IsNearDuplicate(tiny, tiny));
  EXPECT_FALSE(IsNearDuplicate(NearDupSignature(), NearDupSignature()));
}

TEST(NearDuplicateTest, NormalisedTextGivesSameSignature) {
  const char nfc[] = "Ti\xE1\xBA\xBFng Vi\xE1\xBB\x87t c\xC3\xB3 d\xE1\xBA\xA5u r\xE1\xBA\xA5t hay";
  const char nfd[] =
      "Tie\xCC\x82\xCC\x81ng  Vie\xCC\xA3\xCC\x82t\nco\xCC\x81 da\xCC\x82\xCC\x81u "
      "ra\xCC\x82\xCC\x81t hay";
  EXPECT_EQ(NearDupSignatureOf(nfc), NearDupSignatureOf(nfd));
}

TEST(NearDupSignatureTest, FromFingerprintsEqualsFromText) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "Line " + std::to_string(i % 23) + " of the story, ";
  for (int width : {3, 5}) {
    NearDupOptions options;
    options.shingle_words = width;
    TextFingerprints fp = FingerprintText(text, width);
    NearDupSignature from_fp = NearDupSignatureOfShingles(fp.shingles, fp.simhash);
    EXPECT_EQ(from_fp, NearDupSignatureOf(text, options));
    EXPECT_EQ(NearDupIndexKeys(from_fp, options),
              NearDupIndexKeys(NearDupSignatureOf(text, options), options));
  }
}

}  // namespace
}  // namespace newscrawl
