// The daemon's pure crawl decisions (pipeline/crawl_policy.h), as tables: no store, no fetcher,
// no clock but the `now` passed in.
#include "pipeline/crawl_policy.h"

#include <gtest/gtest.h>

namespace newscrawl::pipeline {
namespace {

using crawler::FetchOutcome;
constexpr int64_t kMin = 60'000;   // site.min_poll_interval
constexpr int64_t kMax = 600'000;  // site.max_poll_interval
constexpr int64_t kNow = 1'767'225'600'000;

SiteConfig Site(int64_t recheck_window_ms = 0) {
  SiteConfig site;
  site.min_poll_interval = std::chrono::milliseconds(kMin);
  site.max_poll_interval = std::chrono::milliseconds(kMax);
  site.recheck_window = std::chrono::milliseconds(recheck_window_ms);
  return site;
}

TEST(NextSourcePoll, IntervalsFailuresAndDeadSources) {
  struct Case {
    const char* what;
    int64_t interval;  // entry.interval_ms before
    int32_t failures;
    bool dead;
    SourcePoll poll;
    size_t new_articles;
    SourceSchedule want;
  };
  const Case cases[] = {
      {"new articles: twice as often",
       200'000,
       0,
       false,
       SourcePoll::kListed,
       3,
       {100'000, 0, false}},
      {"nothing new: 1.5x", 200'000, 0, false, SourcePoll::kListed, 0, {300'000, 0, false}},
      {"never below the minimum", kMin, 0, false, SourcePoll::kListed, 9, {kMin, 0, false}},
      {"never above the maximum", kMax, 0, false, SourcePoll::kUnchanged, 0, {kMax, 0, false}},
      {"unset interval starts at the minimum",
       0,
       0,
       false,
       SourcePoll::kUnchanged,
       0,
       {90'000, 0, false}},
      {"304: 1.5x", 100'000, 2, false, SourcePoll::kUnchanged, 0, {150'000, 0, false}},
      {"odd section page: kept, no failure",
       100'000,
       2,
       false,
       SourcePoll::kUnreadable,
       0,
       {100'000, 0, false}},
      {"robots says no: the maximum, no failure",
       100'000,
       0,
       false,
       SourcePoll::kNothingToRead,
       0,
       {kMax, 0, false}},
      {"first failure: the minimum", 300'000, 0, false, SourcePoll::kFailed, 0, {kMin, 1, false}},
      {"third failure: 4x the minimum",
       300'000,
       2,
       false,
       SourcePoll::kFailed,
       0,
       {4 * kMin, 3, false}},
      {"fifth failure: dead, polled at the maximum",
       300'000,
       4,
       false,
       SourcePoll::kFailed,
       0,
       {kMax, 5, true}},
      {"dead stays dead while failing", kMax, 7, true, SourcePoll::kFailed, 0, {kMax, 8, true}},
      {"dead comes back on success", kMax, 7, true, SourcePoll::kListed, 1, {kMax / 2, 0, false}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    FrontierEntry entry;
    entry.kind = UrlKind::kFeed;
    entry.interval_ms = c.interval;
    entry.failures = c.failures;
    entry.dead = c.dead;
    const SourceSchedule got = NextSourcePoll(entry, c.poll, c.new_articles, Site());
    EXPECT_EQ(got.interval_ms, c.want.interval_ms);
    EXPECT_EQ(got.failures, c.want.failures);
    EXPECT_EQ(got.dead, c.want.dead);
  }
}

TEST(SourcePollOfFailedFetch, WhatCountsAsAFailure) {
  EXPECT_EQ(SourcePollOfFailedFetch(FetchOutcome::kNotModified, UrlKind::kFeed),
            SourcePoll::kUnchanged);
  EXPECT_EQ(SourcePollOfFailedFetch(FetchOutcome::kRobotsDisallowed, UrlKind::kSitemap),
            SourcePoll::kNothingToRead);
  EXPECT_EQ(SourcePollOfFailedFetch(FetchOutcome::kHttp4xx, UrlKind::kRobots),
            SourcePoll::kNothingToRead);  // no robots.txt: nothing to read, no failure
  EXPECT_EQ(SourcePollOfFailedFetch(FetchOutcome::kHttp4xx, UrlKind::kFeed), SourcePoll::kFailed);
  EXPECT_EQ(SourcePollOfFailedFetch(FetchOutcome::kHttp5xx, UrlKind::kSection),
            SourcePoll::kFailed);
}

TEST(ArticleVerdictOfFailedFetch, TransientFailuresAreRetried) {
  EXPECT_EQ(ArticleVerdictOfFailedFetch(FetchOutcome::kHttp5xx), ArticleVerdict::kRetry);
  EXPECT_EQ(ArticleVerdictOfFailedFetch(FetchOutcome::kCancelled), ArticleVerdict::kRetry);
  EXPECT_EQ(ArticleVerdictOfFailedFetch(FetchOutcome::kHttp4xx), ArticleVerdict::kDone);
  EXPECT_EQ(ArticleVerdictOfFailedFetch(FetchOutcome::kNotModified), ArticleVerdict::kDone);
  EXPECT_EQ(ArticleVerdictOfFailedFetch(FetchOutcome::kRobotsDisallowed), ArticleVerdict::kDone);
}

TEST(ScheduleArticle, RetriesRechecksAndGivingUp) {
  struct Case {
    const char* what;
    ArticleVerdict verdict;
    int64_t recheck_window;
    int32_t failures;          // before
    int64_t recheck_until_ms;  // before
    UrlState want_state;
    int64_t want_due_in;  // due_ms - kNow, when pending
    int32_t want_failures;
  };
  const Case cases[] = {
      {"stored, no recheck window: done", ArticleVerdict::kDone, 0, 2, 0, UrlState::kDone, 0, 0},
      {"deferred: again after 10 s, no failure", ArticleVerdict::kDeferred, 0, 1, 0,
       UrlState::kPending, 10'000, 1},
      {"first retry: 2 s", ArticleVerdict::kRetry, 0, 0, 0, UrlState::kPending, 2'000, 1},
      {"third retry: 8 s", ArticleVerdict::kRetry, 0, 2, 0, UrlState::kPending, 8'000, 3},
      {"fifth failure: given up", ArticleVerdict::kRetry, 0, 4, 0, UrlState::kDone, 0, 5},
      {"stored, window 1 h: re-checked every 15 min", ArticleVerdict::kDone, 3'600'000, 1, 0,
       UrlState::kPending, 900'000, 0},
      {"stored, window over: done", ArticleVerdict::kDone, 3'600'000, 0, kNow + 100,
       UrlState::kDone, 0, 0},
      {"short window: re-checked at the minimum poll interval", ArticleVerdict::kDone, 120'000, 0,
       0, UrlState::kPending, kMin, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    FrontierEntry entry;
    entry.state = UrlState::kLeased;
    entry.failures = c.failures;
    entry.recheck_until_ms = c.recheck_until_ms;
    ScheduleArticle(c.verdict, kNow, 10'000, Site(c.recheck_window), &entry);
    EXPECT_EQ(entry.state, c.want_state);
    if (c.want_state == UrlState::kPending) {
      EXPECT_EQ(entry.due_ms - kNow, c.want_due_in);
    }
    EXPECT_EQ(entry.failures, c.want_failures);
  }
}

TEST(ScheduleArticle, TheRecheckWindowStartsAtTheFirstStore) {
  FrontierEntry entry;
  ScheduleArticle(ArticleVerdict::kDone, kNow, 0, Site(3'600'000), &entry);
  EXPECT_EQ(entry.recheck_until_ms, kNow + 3'600'000);
  ScheduleArticle(ArticleVerdict::kDone, kNow + 900'000, 0, Site(3'600'000), &entry);
  EXPECT_EQ(entry.recheck_until_ms, kNow + 3'600'000);  // not moved by later checks
}

TEST(ApplyDiscoveryMetadata, NewsSitemapWinsFeedFillsGaps) {
  FrontierEntry entry;
  entry.title = "Sitemap title";
  entry.published_at = "2026-11-25T10:00:00+07:00";
  Article page;
  page.title = "Page title";
  Article from_feed = page;
  ApplyDiscoveryMetadata(entry, &from_feed);
  EXPECT_EQ(from_feed.title, "Page title");
  EXPECT_EQ(from_feed.published_at, "2026-11-25T10:00:00+07:00");
  entry.metadata_from_news_sitemap = true;
  Article from_sitemap = page;
  ApplyDiscoveryMetadata(entry, &from_sitemap);
  EXPECT_EQ(from_sitemap.title, "Sitemap title");
}

TEST(ParseIsoTimeMs, Rfc3339Forms) {
  struct Case {
    const char* text;
    std::optional<int64_t> want;
  };
  const Case cases[] = {
      {"2026-01-01T00:00:00Z", kNow},
      {"2026-01-01T07:00:00+07:00", kNow},
      {"2025-12-31T19:00:00-05:00", kNow},
      {"2026-01-01T00:00:00", kNow},  // no offset: UTC
      {"2026-01-01", kNow},           // a day: midnight UTC
      {"2026-01-01T00:00:01.250Z", kNow + 1000},
      {"2026-01-01T00:00:10Z", kNow + 10'000},
      {"2026-01-01T00:00:00.250-01:00", kNow + 3'600'000},
      {"2026-01-02", kNow + 86'400'000},
      {"2024-02-29T12:00:00Z", 1'709'208'000'000},
      {"yesterday", std::nullopt},
      {"", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(ParseIsoTimeMs(c.text), c.want);
  }
}

}  // namespace
}  // namespace newscrawl::pipeline
