#include "pipeline/frontier.h"

#include <filesystem>
#include <set>

#include <gtest/gtest.h>

namespace newscrawl::pipeline {
namespace {

class FrontierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("frontier_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    Reopen();
  }
  void TearDown() override {
    frontier_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    frontier_.reset();
    store_.reset();
    auto opened = store::Store::Open(dir_.string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    frontier_ = std::make_unique<Frontier>(store_.get(), /*lease_ms=*/1000, &clock_);
  }
  static FrontierEntry Article(const std::string& url, int64_t due) {
    FrontierEntry e;
    e.url = url;
    e.site = "a";
    e.due_ms = due;
    return e;
  }
  std::vector<std::string> LeaseUrls(int64_t now, size_t max = 100) {
    clock_.SetUnixMs(now);
    auto leased = frontier_->LeaseDue(max, 1000, [](const FrontierEntry&) { return true; });
    EXPECT_TRUE(leased.ok()) << leased.status().ToString();
    std::vector<std::string> urls;
    if (leased.ok())
      for (const auto& e : *leased) urls.push_back(e.url);
    return urls;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  FakeClock clock_{0};  // the frontier's "now": set before each lease
  std::unique_ptr<Frontier> frontier_;
};

TEST_F(FrontierTest, EntryRoundTripsThroughEncoding) {
  FrontierEntry e = Article("http://a/x", 1234);
  e.kind = UrlKind::kSitemap;
  e.state = UrlState::kLeased;
  e.failures = 2;
  e.dead = true;
  e.etag = "\"v1\"";
  e.last_modified = "Wed, 21 Oct 2015 07:28:00 GMT";
  e.interval_ms = 60000;
  e.depth = 2;
  e.title = "Tiêu đề";
  e.published_at = "2026-11-25T10:00:00+07:00";
  e.metadata_from_news_sitemap = true;
  e.discovered_ms = 99;
  e.recheck_until_ms = 5000;
  auto d = DecodeEntry(e.url, EncodeEntry(e));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->kind, e.kind);
  EXPECT_EQ(d->state, e.state);
  EXPECT_EQ(d->site, e.site);
  EXPECT_EQ(d->due_ms, e.due_ms);
  EXPECT_EQ(d->failures, 2);
  EXPECT_TRUE(d->dead);
  EXPECT_EQ(d->etag, e.etag);
  EXPECT_EQ(d->last_modified, e.last_modified);
  EXPECT_EQ(d->interval_ms, 60000);
  EXPECT_EQ(d->depth, 2);
  EXPECT_EQ(d->title, e.title);
  EXPECT_EQ(d->published_at, e.published_at);
  EXPECT_TRUE(d->metadata_from_news_sitemap);
  EXPECT_EQ(d->discovered_ms, 99);
  EXPECT_EQ(d->recheck_until_ms, 5000);
  EXPECT_FALSE(DecodeEntry("u", "not json").ok());
}

TEST_F(FrontierTest, AddIsIdempotentAndKeepsTheFirstState) {
  auto first = frontier_->Add(Article("http://a/1", 10));
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  auto again = frontier_->Add(Article("http://a/1", 5));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  EXPECT_EQ(frontier_->Get("http://a/1")->due_ms, 10);
  EXPECT_EQ(frontier_->Get("http://a/2").status().code(), StatusCode::kNotFound);
}

TEST_F(FrontierTest, AddFillsInNewsSitemapMetadataOfAKnownUrl) {
  ASSERT_TRUE(frontier_->Add(Article("http://a/1", 10)).ok());
  FrontierEntry news = Article("http://a/1", 10);
  news.title = "From the news sitemap";
  news.published_at = "2026-01-02T03:04:05Z";
  news.metadata_from_news_sitemap = true;
  ASSERT_TRUE(frontier_->Add(news).ok());
  auto got = frontier_->Get("http://a/1");
  EXPECT_EQ(got->title, "From the news sitemap");
  EXPECT_EQ(got->published_at, "2026-01-02T03:04:05Z");
  EXPECT_TRUE(got->metadata_from_news_sitemap);
}

TEST_F(FrontierTest, LeasesDueUrlsEarliestFirstAndOnlyWhenDue) {
  ASSERT_TRUE(frontier_->Add(Article("http://a/late", 300)).ok());
  ASSERT_TRUE(frontier_->Add(Article("http://a/early", 100)).ok());
  ASSERT_TRUE(frontier_->Add(Article("http://a/mid", 200)).ok());
  EXPECT_TRUE(LeaseUrls(50).empty());
  EXPECT_EQ(LeaseUrls(250), (std::vector<std::string>{"http://a/early", "http://a/mid"}));
  // Leased URLs are invisible until the lease (1000 ms) expires.
  EXPECT_EQ(LeaseUrls(400), (std::vector<std::string>{"http://a/late"}));
  EXPECT_TRUE(LeaseUrls(1100).empty());
  EXPECT_EQ(LeaseUrls(1250), (std::vector<std::string>{"http://a/early", "http://a/mid"}));
}

TEST_F(FrontierTest, LeasesAreTakenAndExpireOnTheInjectedClock) {
  ASSERT_TRUE(frontier_->Add(Article("http://a/x", 1000)).ok());
  EXPECT_TRUE(LeaseUrls(999).empty());  // not due yet on the clock
  clock_.SetUnixMs(1000);
  auto leased = frontier_->LeaseDue(10, 1000, [](const FrontierEntry&) { return true; });
  ASSERT_TRUE(leased.ok());
  ASSERT_EQ(leased->size(), 1u);
  EXPECT_EQ((*leased)[0].state, UrlState::kLeased);
  EXPECT_EQ((*leased)[0].due_ms, 2000);  // the clock's now + lease_ms
  EXPECT_EQ(frontier_->NextDueMs(), std::optional<int64_t>(2000));
  EXPECT_TRUE(LeaseUrls(1999).empty());
  EXPECT_EQ(LeaseUrls(2000), (std::vector<std::string>{"http://a/x"}));
}

TEST_F(FrontierTest, LeaseRespectsMaxAndAcceptFilter) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(frontier_->Add(Article("http://a/" + std::to_string(i), i)).ok());
  clock_.SetUnixMs(100);
  auto leased =
      frontier_->LeaseDue(10, 1000, [](const FrontierEntry& e) { return e.url != "http://a/1"; });
  ASSERT_TRUE(leased.ok());
  EXPECT_EQ(leased->size(), 4u);
  EXPECT_EQ(LeaseUrls(100, 10), (std::vector<std::string>{"http://a/1"}));
}

TEST_F(FrontierTest, CompletedArticlesAreNeverDueAgainAcrossReopen) {
  ASSERT_TRUE(frontier_->Add(Article("http://a/1", 10)).ok());
  ASSERT_TRUE(frontier_->Add(Article("http://a/2", 10)).ok());
  clock_.SetUnixMs(20);
  auto leased = frontier_->LeaseDue(10, 1000, [](const FrontierEntry&) { return true; });
  ASSERT_EQ(leased->size(), 2u);
  FrontierEntry done = (*leased)[0];
  done.state = UrlState::kDone;
  ASSERT_TRUE(frontier_->Update(done).ok());
  Reopen();
  // The finished one stays finished; the other one's lease expires and it comes back (crash).
  EXPECT_TRUE(LeaseUrls(500).empty());
  EXPECT_EQ(LeaseUrls(1100), (std::vector<std::string>{(*leased)[1].url}));
  EXPECT_FALSE(frontier_->NextDueMs().has_value() && *frontier_->NextDueMs() < 2000);
}

TEST_F(FrontierTest, SourcesAreRescheduledByUpdate) {
  FrontierEntry feed = Article("http://a/feed", 0);
  feed.kind = UrlKind::kFeed;
  ASSERT_TRUE(frontier_->Add(feed).ok());
  clock_.SetUnixMs(5);
  auto leased = frontier_->LeaseDue(10, 1000, [](const FrontierEntry&) { return true; });
  ASSERT_EQ(leased->size(), 1u);
  FrontierEntry next = (*leased)[0];
  next.state = UrlState::kPending;
  next.due_ms = 60;
  next.etag = "e1";
  ASSERT_TRUE(frontier_->Update(next).ok());
  EXPECT_EQ(frontier_->NextDueMs(), 60);
  EXPECT_TRUE(LeaseUrls(59).empty());
  EXPECT_EQ(LeaseUrls(60), (std::vector<std::string>{"http://a/feed"}));
  EXPECT_EQ(frontier_->Get("http://a/feed")->etag, "e1");
}

TEST_F(FrontierTest, StaleIndexKeysFromACrashAreRemovedNotFollowed) {
  ASSERT_TRUE(frontier_->Add(Article("http://a/1", 10)).ok());
  // Simulate a crash after the new index key was written but before the old one was deleted.
  ASSERT_TRUE(
      store_->Put(store::ReservedSpace::kFrontier, store::FrontierDueKey(5, "http://a/1"), "")
          .ok());
  // And an index key whose entry was never written.
  ASSERT_TRUE(
      store_->Put(store::ReservedSpace::kFrontier, store::FrontierDueKey(6, "http://a/ghost"), "")
          .ok());
  EXPECT_EQ(LeaseUrls(100), (std::vector<std::string>{"http://a/1"}));
  EXPECT_EQ(frontier_->stats().stale_index_keys_removed, 2u);
  int index_keys = 0;
  ASSERT_TRUE(store_
                  ->Scan(store::ReservedSpace::kFrontier, "d",
                         [&](std::string_view, std::string_view) {
                           ++index_keys;
                           return true;
                         })
                  .ok());
  EXPECT_EQ(index_keys, 1);  // only the lease of http://a/1
}

TEST_F(FrontierTest, ForEachVisitsEveryEntry) {
  std::set<std::string> want;
  for (int i = 0; i < 20; ++i) {
    std::string url = "http://a/" + std::to_string(i);
    want.insert(url);
    ASSERT_TRUE(frontier_->Add(Article(url, i)).ok());
  }
  std::set<std::string> seen;
  ASSERT_TRUE(frontier_
                  ->ForEach([&](const FrontierEntry& e) {
                    seen.insert(e.url);
                    return true;
                  })
                  .ok());
  EXPECT_EQ(seen, want);
}

}  // namespace
}  // namespace newscrawl::pipeline
