#include "pipeline/crawl_policy.h"

#include <algorithm>

#include "parser/date_parse.h"

namespace newscrawl::pipeline {
namespace {

using crawler::FetchOutcome;

int64_t Clamp(int64_t v, int64_t lo, int64_t hi) { return std::max(lo, std::min(v, hi)); }

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

}  // namespace

SourceSchedule NextSourcePoll(const FrontierEntry& entry, SourcePoll poll, size_t new_articles,
                              const SiteConfig& site) {
  const int64_t min_iv = site.min_poll_interval.count();
  const int64_t max_iv = std::max(min_iv, static_cast<int64_t>(site.max_poll_interval.count()));
  int64_t interval = Clamp(entry.interval_ms ? entry.interval_ms : min_iv, min_iv, max_iv);
  SourceSchedule next{interval, entry.failures, entry.dead};
  switch (poll) {
    case SourcePoll::kListed:  // new articles: poll sooner; nothing new: back off
      interval = Clamp(new_articles > 0 ? interval / 2 : interval * 3 / 2, min_iv, max_iv);
      break;
    case SourcePoll::kUnchanged:
      interval = Clamp(interval * 3 / 2, min_iv, max_iv);
      break;
    case SourcePoll::kUnreadable:
      break;
    case SourcePoll::kNothingToRead:
      interval = max_iv;
      break;
    case SourcePoll::kFailed:
      ++next.failures;
      // Retry sooner than the poll interval at first, then back off to the maximum.
      interval = Clamp(min_iv << std::min(next.failures - 1, 20), min_iv, max_iv);
      if (next.failures >= kDeadAfterFailures) next.dead = true;
      if (next.dead) interval = max_iv;
      next.interval_ms = interval;
      return next;
  }
  next.failures = 0;
  next.dead = false;
  next.interval_ms = interval;
  return next;
}

SourcePoll SourcePollOfFailedFetch(FetchOutcome outcome, UrlKind kind) {
  if (outcome == FetchOutcome::kNotModified) return SourcePoll::kUnchanged;
  if (outcome == FetchOutcome::kRobotsDisallowed ||
      (kind == UrlKind::kRobots && outcome == FetchOutcome::kHttp4xx))
    return SourcePoll::kNothingToRead;
  return SourcePoll::kFailed;
}

ArticleVerdict ArticleVerdictOfFailedFetch(FetchOutcome outcome) {
  // Cancelled (shutdown) and transient failures are tried again; the rest (404, 410, not
  // modified, robots) will not be different next time.
  return crawler::IsTransientOutcome(outcome) || outcome == FetchOutcome::kCancelled
             ? ArticleVerdict::kRetry
             : ArticleVerdict::kDone;
}

void ScheduleArticle(ArticleVerdict verdict, int64_t now_ms, int64_t deferred_for_ms,
                     const SiteConfig& site, FrontierEntry* entry) {
  const bool retry = verdict == ArticleVerdict::kRetry;
  if (verdict == ArticleVerdict::kDeferred) {
    entry->state = UrlState::kPending;
    entry->due_ms = now_ms + deferred_for_ms;
    return;
  }
  if (retry && ++entry->failures < kDeadAfterFailures) {
    entry->state = UrlState::kPending;
    entry->due_ms = now_ms + Clamp(1000LL << std::min(entry->failures, 16), 1000,
                                   site.max_poll_interval.count());
    return;
  }
  entry->state = UrlState::kDone;
  if (retry) return;  // given up after kDeadAfterFailures
  entry->failures = 0;
  const int64_t window = site.recheck_window.count();
  if (window <= 0) return;
  if (entry->recheck_until_ms == 0) entry->recheck_until_ms = now_ms + window;
  const int64_t every = std::max<int64_t>(window / 4, site.min_poll_interval.count());
  if (now_ms + every <= entry->recheck_until_ms) {
    entry->state = UrlState::kPending;
    entry->due_ms = now_ms + every;
  }
}

void ApplyDiscoveryMetadata(const FrontierEntry& entry, Article* article) {
  if (entry.metadata_from_news_sitemap) {
    if (!entry.title.empty()) article->title = entry.title;
    if (!entry.published_at.empty()) article->published_at = entry.published_at;
  } else {
    if (article->title.empty()) article->title = entry.title;
    if (article->published_at.empty()) article->published_at = entry.published_at;
  }
}

std::optional<int64_t> ParseIsoTimeMs(std::string_view text) {
  auto date = ParseMachineDate(text);
  if (!date) return std::nullopt;
  const int64_t seconds = DaysFromCivil(date->year, date->month, date->day) * 86400 +
                          date->hour * 3600 + date->minute * 60 + date->second -
                          (date->has_offset ? date->offset_minutes * 60 : 0);
  return seconds * 1000;
}

}  // namespace newscrawl::pipeline
