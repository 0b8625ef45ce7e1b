// Daemon: what happens to one fetch result (on a worker thread).
#include <algorithm>

#include <spdlog/spdlog.h>

#include "parser/extract.h"
#include "pipeline/daemon.h"

namespace newscrawl::pipeline {
namespace {

using crawler::FetchOutcome;

int64_t Clamp(int64_t v, int64_t lo, int64_t hi) { return std::max(lo, std::min(v, hi)); }

// Outcomes that say the page will never be there: do not try again.
bool IsPermanent(FetchOutcome outcome) {
  return !crawler::IsTransientOutcome(outcome) && outcome != FetchOutcome::kOk &&
         outcome != FetchOutcome::kNotModified && outcome != FetchOutcome::kCancelled;
}

}  // namespace

void Daemon::SetDead(const FrontierEntry& entry, bool dead, const std::string& cause) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& urls = dead_sources_[entry.site];
  bool changed = dead ? urls.insert(entry.url).second : urls.erase(entry.url) > 0;
  if (!changed) return;
  if (dead)
    spdlog::warn("site {}: {} {} flagged dead after {} failures in a row, the last: {}", entry.site,
                 UrlKindName(entry.kind), entry.url, entry.failures, cause);
  else
    spdlog::info("site {}: {} {} is back", entry.site, UrlKindName(entry.kind), entry.url);
  metrics_.SetDeadSources(entry.site, static_cast<double>(urls.size()));
}

void Daemon::Process(FrontierEntry entry, crawler::FetchResult result) {
  const std::string outcome = crawler::FetchOutcomeName(result.outcome);
  if (result.outcome == FetchOutcome::kCancelled) {
    // Shutdown: put it back as due now, so the next start fetches it first.
    entry.state = UrlState::kPending;
    entry.due_ms = NowMs();
    Status s = frontier_->Update(entry);
    if (!s.ok()) spdlog::error("frontier: {}", s.ToString());
    Finish(entry);
    return;
  }
  metrics_.CountFetch(outcome, result.seconds);
  // A robots.txt answering 4xx means "allow all": not a failure (ProcessSource agrees).
  const bool robots_absent =
      entry.kind == UrlKind::kRobots && result.outcome == FetchOutcome::kHttp4xx;
  if (result.outcome != FetchOutcome::kOk && result.outcome != FetchOutcome::kNotModified &&
      !robots_absent) {
    for (const FailureLog::Line& line :
         failure_log_.Record({entry.url, outcome, result.error, entry.site, UrlKindName(entry.kind),
                              std::max(result.attempts, 1)}))
      spdlog::log(line.level, "{}", line.text);
  }
  if (result.outcome == FetchOutcome::kRobotsDisallowed)
    metrics_.CountRobotsDecision("disallowed");
  else if (result.outcome == FetchOutcome::kRobotsUnavailable)
    metrics_.CountRobotsDecision("unavailable");
  else if (result.status > 0)
    metrics_.CountRobotsDecision("allowed");
  if (result.outcome != FetchOutcome::kOk && result.outcome != FetchOutcome::kNotModified) {
    std::lock_guard<std::mutex> lock(mu_);
    ++counters_.fetch_failures;
  }
  auto sites = Sites();
  auto site = sites->find(entry.site);
  if (site == sites->end()) {
    // The site was removed by a reload: forget the URL (a later config may seed it again).
    entry.state = UrlState::kDone;
    (void)frontier_->Update(entry);
  } else if (IsSource(entry.kind)) {
    ProcessSource(entry, result, site->second.first);  // a copy: Finish() needs entry.url
  } else {
    ProcessArticle(entry, result, site->second.first);
  }
  Finish(entry);
}

void Daemon::ProcessSource(FrontierEntry entry, const crawler::FetchResult& result,
                           const SiteConfig& site) {
  const std::string outcome = crawler::FetchOutcomeName(result.outcome);
  const int64_t now = NowMs();
  const int64_t min_iv = site.min_poll_interval.count();
  const int64_t max_iv = std::max(min_iv, static_cast<int64_t>(site.max_poll_interval.count()));
  int64_t interval = Clamp(entry.interval_ms ? entry.interval_ms : min_iv, min_iv, max_iv);
  bool failed = false;
  bool deferred = false;  // cluster: a discovered URL could not be routed
  if (result.outcome == FetchOutcome::kOk) {
    auto sites = Sites();
    const SiteRules& rules = sites->at(entry.site).second;
    auto found = DiscoverFromSource(entry, result.body, result.final_url, rules,
                                    options_.config.identity.RobotsToken());
    if (!found.ok()) {
      spdlog::warn("site {}: {} {}: {}", entry.site, UrlKindName(entry.kind), entry.url,
                   found.status().message());
      failed = entry.kind != UrlKind::kSection;  // a section page that is odd is still a page
    } else {
      if (!found->warning.empty())
        spdlog::info("site {}: {}: {}", entry.site, entry.url, found->warning);
      size_t new_articles = 0;
      for (const auto& u : found->urls) {
        if (u.kind == UrlKind::kArticle && new_articles >= site.max_new_urls_per_poll) continue;
        FrontierEntry e;
        e.url = u.url;
        e.kind = u.kind;
        e.site = entry.site;
        e.due_ms = now;
        e.discovered_ms = now;
        e.title = u.title;
        e.published_at = u.published_at;
        e.metadata_from_news_sitemap = u.from_news_sitemap;
        e.depth = u.depth;
        if (IsSource(u.kind)) e.interval_ms = min_iv;
        if (options_.cluster) {
          auto routed = RouteDiscovered(e);
          if (!routed.ok()) {
            deferred = true;
            break;
          }
          if (*routed && u.kind == UrlKind::kArticle) ++new_articles;
          continue;
        }
        auto added = frontier_->Add(e);
        if (!added.ok()) {
          spdlog::error("frontier: {}", added.status().ToString());
          continue;
        }
        if (!*added) continue;
        metrics_.CountDiscovered(entry.site, UrlKindName(u.kind));
        {
          std::lock_guard<std::mutex> lock(mu_);
          ++counters_.discovered;
        }
        if (u.kind == UrlKind::kArticle) ++new_articles;
      }
      // New articles: poll sooner; nothing new: back off (within the site's bounds).
      interval = Clamp(new_articles > 0 ? interval / 2 : interval * 3 / 2, min_iv, max_iv);
      if (!deferred && (!result.etag.empty() || !result.last_modified.empty())) {
        entry.etag = result.etag;
        entry.last_modified = result.last_modified;
      }
    }
  } else if (result.outcome == FetchOutcome::kNotModified) {
    interval = Clamp(interval * 3 / 2, min_iv, max_iv);
  } else if (result.outcome == FetchOutcome::kRobotsDisallowed ||
             (entry.kind == UrlKind::kRobots && result.outcome == FetchOutcome::kHttp4xx)) {
    interval = max_iv;  // not a failure: nothing to read here
  } else {
    failed = true;
  }
  if (failed) {
    ++entry.failures;
    // Retry sooner than the poll interval at first, then back off to the maximum.
    interval = Clamp(min_iv << std::min(entry.failures - 1, 20), min_iv, max_iv);
    if (entry.failures >= kDeadAfterFailures && !entry.dead) {
      entry.dead = true;
      SetDead(entry, true, outcome + ": " + result.error);
    }
    if (entry.dead) interval = max_iv;
  } else {
    entry.failures = 0;
    if (entry.dead) {
      entry.dead = false;
      SetDead(entry, false);
    }
  }
  entry.interval_ms = interval;
  entry.state = UrlState::kPending;
  // Not all it listed reached the cluster: again soon (leasing pauses while the broker is down),
  // with the old validators, so a 304 cannot hide what was not routed.
  entry.due_ms = deferred ? now + 1000 : now + interval;
  spdlog::debug("site {}: next poll of {} {} in {} s ({}{})", entry.site, UrlKindName(entry.kind),
                entry.url, (entry.due_ms - now) / 1000, outcome,
                failed ? ", failure " + std::to_string(entry.failures) + " in a row" : "");
  Status s = frontier_->Update(entry);
  if (!s.ok()) spdlog::error("frontier: {}", s.ToString());
}

void Daemon::ProcessArticle(FrontierEntry entry, const crawler::FetchResult& result,
                            const SiteConfig& site) {
  const int64_t now = NowMs();
  bool retry = false;
  bool deferred = false;       // cluster: broker trouble; pending again, not a failure
  int64_t retry_in_ms = 1000;  // ... after this (leasing pauses while the broker is down)
  if (result.outcome == FetchOutcome::kOk) {
    ExtractOptions extract;
    extract.url = result.final_url;
    extract.charset = result.charset;
    extract.content_type = result.content_type;
    extract.extra_boilerplate_phrases = site.boilerplate_phrases;
    auto article = ExtractArticle(result.body, extract);
    if (!article.ok()) {
      metrics_.CountExtractionFailure("unreadable");
    } else {
      article->url = result.final_url;
      article->fetched_at = result.fetched_at;
      article->http.status = result.status;
      article->http.etag = result.etag;
      article->http.last_modified = result.last_modified;
      article->http.content_type = result.content_type;
      // News-sitemap metadata is written by the publisher for this URL: it wins. Feed metadata
      // only fills gaps.
      if (entry.metadata_from_news_sitemap) {
        if (!entry.title.empty()) article->title = entry.title;
        if (!entry.published_at.empty()) article->published_at = entry.published_at;
      } else {
        if (article->title.empty()) article->title = entry.title;
        if (article->published_at.empty()) article->published_at = entry.published_at;
      }
      if (!article->is_article) {
        metrics_.CountExtractionFailure(
            article->not_article_reason.empty() ? "not_article" : article->not_article_reason);
        std::lock_guard<std::mutex> lock(mu_);
        ++counters_.not_articles;
      } else if (options_.cluster && !ClaimArticle(*article, &retry_in_ms)) {
        // Another instance holds the claim (nothing to store here), or broker trouble / a claim
        // still open elsewhere (retry_in_ms > 0: again later).
        deferred = retry_in_ms > 0;
      } else {
        const std::string published = article->published_at;
        if (options_.cluster) BeginIngest();
        auto ingested = store_->Ingest(std::move(article).value());
        if (options_.cluster)
          EndIngest(ingested.ok() && ingested->event != store::EventKind::kNone
                        ? ingested->record.seq
                        : 0);
        if (!ingested.ok()) {
          if (ingested.status().code() == StatusCode::kInvalidArgument) {
            metrics_.CountExtractionFailure("rejected");
          } else {
            spdlog::error("store: {}: {}", entry.url, ingested.status().ToString());
            retry = true;
          }
        } else {
          const store::EventKind kind = ingested->event;
          if (kind == store::EventKind::kNone) {
            metrics_.CountDedupHit("unchanged");
          } else {
            metrics_.CountStored(entry.site, store::EventKindName(kind));
            metrics_.SetLastSeq(ingested->record.seq);
            if (kind == store::EventKind::kDuplicate) metrics_.CountDedupHit("duplicate");
          }
          {
            std::lock_guard<std::mutex> lock(mu_);
            if (kind == store::EventKind::kNew) {
              ++counters_.articles_new;
              site_last_new_ms_[entry.site] = now;
            } else if (kind == store::EventKind::kDuplicate) {
              ++counters_.duplicates;
            } else if (kind == store::EventKind::kVersion) {
              ++counters_.versions;
            } else {
              ++counters_.unchanged;
            }
          }
          if (kind == store::EventKind::kNew) {
            auto published_ms = ParseIsoTimeMs(published);
            if (published_ms && *published_ms <= now)
              metrics_.ObservePublishToIngest(entry.site, (now - *published_ms) / 1000.0);
          }
          if (kind != store::EventKind::kNone && options_.on_changes) options_.on_changes();
          // A failed publish is retried from the change feed (RepublishAndAdvance).
          if (options_.cluster && kind != store::EventKind::kNone) PublishIngested(*ingested);
        }
      }
      if (!deferred) {  // a deferred URL must be fetched in full again, not answered 304
        entry.etag = result.etag;
        entry.last_modified = result.last_modified;
      }
    }
  } else if (crawler::IsTransientOutcome(result.outcome)) {
    retry = true;
  } else if (!IsPermanent(result.outcome) && result.outcome != FetchOutcome::kNotModified) {
    retry = true;
  }
  if (deferred) {
    entry.state = UrlState::kPending;
    entry.due_ms = now + retry_in_ms;
  } else if (retry && ++entry.failures < kDeadAfterFailures) {
    entry.state = UrlState::kPending;
    entry.due_ms =
        now + Clamp(1000LL << std::min(entry.failures, 16), 1000, site.max_poll_interval.count());
    spdlog::debug("site {}: retry of {} in {} s (failure {} of {})", entry.site, entry.url,
                  (entry.due_ms - now) / 1000, entry.failures, kDeadAfterFailures);
  } else {
    if (retry)
      spdlog::warn("site {}: giving up on {} after {} failures, the last: {}: {}", entry.site,
                   entry.url, entry.failures, crawler::FetchOutcomeName(result.outcome),
                   result.error);
    if (!retry) entry.failures = 0;
    const int64_t window = site.recheck_window.count();
    if (window > 0 && !retry) {
      if (entry.recheck_until_ms == 0) entry.recheck_until_ms = now + window;
      const int64_t every = std::max<int64_t>(window / 4, site.min_poll_interval.count());
      if (now + every <= entry.recheck_until_ms) {
        entry.state = UrlState::kPending;
        entry.due_ms = now + every;
      } else {
        entry.state = UrlState::kDone;
      }
    } else {
      entry.state = UrlState::kDone;
    }
  }
  Status s = frontier_->Update(entry);
  if (!s.ok()) spdlog::error("frontier: {}", s.ToString());
}

}  // namespace newscrawl::pipeline
