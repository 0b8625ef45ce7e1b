// Crawl policy: the daemon's pure decisions about one fetched URL, apart from the machinery that
// acts on them (ninja's Plan/Builder split). No I/O, no clock (the caller passes `now_ms`), no
// locks: table-tested in tests/pipeline/crawl_policy_test.cc.
//
// Sources (feeds, sitemaps, robots.txt, section/home pages) are re-polled: the interval halves
// when a poll found new articles and grows 1.5x when not, within the site's
// [min_poll_interval, max_poll_interval]; a source failing kDeadAfterFailures times in a row is
// dead (polled at the maximum) until it succeeds again.
// Articles are fetched until stored (failures retried with exponential backoff, at most
// kDeadAfterFailures times), then re-checked within the site's recheck_window.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/article.h"
#include "config/config.h"
#include "crawler/fetch_result.h"
#include "pipeline/frontier.h"

namespace newscrawl::pipeline {

// Consecutive failures after which a source is flagged dead / an article is given up.
inline constexpr int kDeadAfterFailures = 5;

// What one poll of a source came to.
enum class SourcePoll {
  kListed,         // fetched and read: `new_articles` new article URLs found
  kUnchanged,      // 304 Not Modified
  kUnreadable,     // fetched, but a section page not understood: still a page, interval kept
  kNothingToRead,  // robots.txt forbids it, or a robots.txt that is not there: no failure
  kFailed,         // a failure (fetch error, or a feed/sitemap that does not parse)
};

// The source's next interval, failure count and dead flag (`entry` as leased).
struct SourceSchedule {
  int64_t interval_ms = 0;
  int32_t failures = 0;
  bool dead = false;
};
SourceSchedule NextSourcePoll(const FrontierEntry& entry, SourcePoll poll, size_t new_articles,
                              const SiteConfig& site);

// The SourcePoll of a fetch that did not return a page to read (outcome other than kOk).
SourcePoll SourcePollOfFailedFetch(crawler::FetchOutcome outcome, UrlKind kind);

// What became of one article URL.
enum class ArticleVerdict {
  kDone,      // stored, unchanged, a duplicate, not an article, or never to be there (404)
  kRetry,     // a failure worth retrying (transient fetch error, store error)
  kDeferred,  // cluster: put off (broker trouble, a claim held elsewhere): no failure
};

// The verdict of a fetch that did not return a page (outcome other than kOk).
ArticleVerdict ArticleVerdictOfFailedFetch(crawler::FetchOutcome outcome);

// Sets entry->state, due_ms, failures and recheck_until_ms after `verdict` at `now_ms`.
// `deferred_for_ms`: how long a kDeferred URL waits.
void ScheduleArticle(ArticleVerdict verdict, int64_t now_ms, int64_t deferred_for_ms,
                     const SiteConfig& site, FrontierEntry* entry);

// Metadata that discovery found for the article URL (entry.title, entry.published_at): a news
// sitemap's is written by the publisher for this URL and wins; a feed's only fills gaps.
void ApplyDiscoveryMetadata(const FrontierEntry& entry, Article* article);

// Unix milliseconds of an ISO 8601 / RFC 3339 timestamp ("2026-11-25T10:00:00+07:00", "...Z";
// no offset = UTC; "2026-11-25" = midnight UTC), read by the parser's date reader
// (ParseMachineDate); nullopt when it does not parse.
std::optional<int64_t> ParseIsoTimeMs(std::string_view text);

}  // namespace newscrawl::pipeline
