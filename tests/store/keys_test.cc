#include "store/keys.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace newscrawl::store {
namespace {

TEST(KeysTest, SeqKeysSortNumerically) {
  EXPECT_LT(SeqKey(9), SeqKey(10));
  EXPECT_LT(SeqKey(255), SeqKey(256));
  EXPECT_LT(SeqKey(1ULL << 40), SeqKey((1ULL << 40) + 1));
  EXPECT_EQ(ParseSeqKey(SeqKey(123456789)).value_or(0), 123456789u);
  EXPECT_FALSE(ParseSeqKey("abc").ok());
}

TEST(KeysTest, IdsRoundTripThroughEightBytes) {
  auto raw = EncodeId("00ff10a0b1c2d3e4");
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(raw->size(), 8u);
  EXPECT_EQ(DecodeId(*raw), "00ff10a0b1c2d3e4");
  EXPECT_FALSE(EncodeId("00ff10a0b1c2d3e").ok());
  EXPECT_FALSE(EncodeId("00ff10a0b1c2d3eg").ok());
}

TEST(KeysTest, VersionKeysOfOneArticleSortByVersion) {
  std::string raw = EncodeId("0123456789abcdef").value();
  EXPECT_LT(VersionKey(raw, 2), VersionKey(raw, 10));
  EXPECT_EQ(VersionKey(raw, 1).substr(0, 8), raw);
}

TEST(KeysTest, ArticleHeadRoundTrips) {
  ArticleHead head{7,
                   99,
                   0xfedcba9876543210ULL,
                   "0123456789abcdef0123456789abcdef",
                   "00000000000000aa",
                   "https://example.com/a"};
  auto back = DecodeArticleHead(EncodeArticleHead(head));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->version, 7u);
  EXPECT_EQ(back->seq, 99u);
  EXPECT_EQ(back->simhash, 0xfedcba9876543210ULL);
  EXPECT_EQ(back->content_hash, head.content_hash);
  EXPECT_EQ(back->duplicate_of, head.duplicate_of);
  EXPECT_EQ(back->canonical_url, head.canonical_url);
  EXPECT_EQ(DecodeArticleHead(EncodeArticleHead(head).substr(0, 25)).status().code(),
            StatusCode::kCorruption);
}

TEST(KeysTest, ChangeLogEntryRoundTripsAndRejectsUnknownKinds) {
  ChangeLogEntry e{EventKind::kDuplicate, "0123456789abcdef", 3};
  auto back = DecodeChangeLogEntry(EncodeChangeLogEntry(e));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->kind, EventKind::kDuplicate);
  EXPECT_EQ(back->id, e.id);
  EXPECT_EQ(back->version, 3u);
  std::string bad = EncodeChangeLogEntry(e);
  bad[0] = 9;
  EXPECT_FALSE(DecodeChangeLogEntry(bad).ok());
}

TEST(KeysTest, BandIdListsAreCappedAndDeduplicated) {
  std::string value;
  for (char c = 'a'; c <= 'e'; ++c) value = AppendBandId(value, std::string(8, c), 3);
  EXPECT_EQ(
      DecodeBandIds(value),
      (std::vector<std::string>{std::string(8, 'c'), std::string(8, 'd'), std::string(8, 'e')}));
  value = AppendBandId(value, std::string(8, 'd'), 3);
  EXPECT_EQ(DecodeBandIds(value).size(), 3u);
  EXPECT_EQ(DecodeBandIds(value).back(), std::string(8, 'd'));
  value = RemoveBandId(value, std::string(8, 'c'));
  EXPECT_EQ(DecodeBandIds(value),
            (std::vector<std::string>{std::string(8, 'e'), std::string(8, 'd')}));
}

TEST(KeysTest, CountersRoundTrip) {
  auto back = DecodeCounters(EncodeCounters({5, 2, 9}));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->articles, 5u);
  EXPECT_EQ(back->duplicates, 2u);
  EXPECT_EQ(back->versions, 9u);
}

TEST(KeysTest, FrontierDueKeysSortByTimeAndParseBack) {
  const std::vector<int64_t> times = {-5, 0, 1, 999, 1'700'000'000'000, int64_t{1} << 62};
  std::vector<std::string> keys;
  for (int64_t t : times) keys.push_back(FrontierDueKey(t, "http://a/" + std::to_string(t)));
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  for (size_t i = 0; i < times.size(); ++i) {
    auto due = ParseFrontierDueKey(keys[i]);
    ASSERT_TRUE(due.has_value());
    EXPECT_EQ(due->due_ms, times[i]);
    EXPECT_EQ(due->url, "http://a/" + std::to_string(times[i]));
  }
  // The URL keys and the outbox's mark never parse as due keys and sort apart from them.
  EXPECT_FALSE(ParseFrontierDueKey(FrontierUrlKey("http://a/1")).has_value());
  EXPECT_FALSE(ParseFrontierDueKey(kOutboxPublishedThroughKey).has_value());
  EXPECT_FALSE(ParseFrontierDueKey("d1234").has_value());  // too short
  EXPECT_LT(FrontierDueKey(int64_t{1} << 62, "http://z"), FrontierUrlKey(""));
  EXPECT_LT(FrontierUrlKey("http://\xff"), std::string(kOutboxPublishedThroughKey));
}

}  // namespace
}  // namespace newscrawl::store
