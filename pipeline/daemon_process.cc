// Daemon: what happens to one fetch result (on a worker thread). The decisions are the pure
// ones of crawl_policy.h; the article's ingest is ArticleIngester's (article_ingester.h).
#include <spdlog/spdlog.h>

#include "pipeline/article_from_fetch.h"
#include "pipeline/daemon.h"

namespace newscrawl::pipeline {

using crawler::FetchOutcome;

void Daemon::Process(FrontierEntry entry, crawler::FetchResult result) {
  const std::string outcome = crawler::FetchOutcomeName(result.outcome);
  if (result.outcome == FetchOutcome::kCancelled) {
    // Shutdown: put it back as due now, so the next start fetches it first.
    entry.state = UrlState::kPending;
    entry.due_ms = NowMs();
    Status s = frontier_->Update(entry);
    if (!s.ok()) spdlog::error("frontier: {}", s.ToString());
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
    ++fetch_failures_;
  }
  auto sites = Sites();
  auto site = sites->find(entry.site);
  if (site == sites->end()) {
    // The site was removed by a reload: forget the URL (a later config may seed it again).
    entry.state = UrlState::kDone;
    (void)frontier_->Update(entry);
  } else if (IsSource(entry.kind)) {
    ProcessSource(entry, result, site->second);
  } else {
    ProcessArticle(entry, result, site->second);
  }
}

void Daemon::ProcessSource(FrontierEntry entry, const crawler::FetchResult& result,
                           const Site& site) {
  const std::string outcome = crawler::FetchOutcomeName(result.outcome);
  const int64_t now = NowMs();
  const int64_t min_iv = site.config.min_poll_interval.count();
  SourcePoll poll = SourcePollOfFailedFetch(result.outcome, entry.kind);
  size_t new_articles = 0;
  bool deferred = false;  // cluster: a discovered URL could not be routed
  if (result.outcome == FetchOutcome::kOk) {
    auto found = DiscoverFromSource(entry, result.body, result.final_url, site.rules,
                                    options_.config.identity.RobotsToken());
    if (!found.ok()) {
      spdlog::warn("site {}: {} {}: {}", entry.site, UrlKindName(entry.kind), entry.url,
                   found.status().message());
      // A section page that is odd is still a page.
      poll = entry.kind == UrlKind::kSection ? SourcePoll::kUnreadable : SourcePoll::kFailed;
    } else {
      poll = SourcePoll::kListed;
      if (!found->warning.empty())
        spdlog::info("site {}: {}: {}", entry.site, entry.url, found->warning);
      std::vector<FrontierEntry> to_route;  // cluster: routed together after the loop
      for (const auto& u : found->urls) {
        if (u.kind == UrlKind::kArticle && new_articles >= site.config.max_new_urls_per_poll)
          continue;
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
        if (cluster_) {
          if (!cluster_->ShouldRoute(e)) continue;
          if (u.kind == UrlKind::kArticle) ++new_articles;
          to_route.push_back(std::move(e));
          continue;
        }
        auto added = frontier_->Add(e);
        if (!added.ok()) {
          spdlog::error("frontier: {}", added.status().ToString());
          continue;
        }
        if (!*added) continue;
        if (ingester_->KnownToTheStore(&e)) continue;  // an alias of a stored article: not fetched
        CountDiscovered(entry.site, u.kind);
        if (u.kind == UrlKind::kArticle) ++new_articles;
      }
      if (!to_route.empty() && !cluster_->RouteDiscovered(to_route).ok()) deferred = true;
      if (!deferred && (!result.etag.empty() || !result.last_modified.empty())) {
        entry.etag = result.etag;
        entry.last_modified = result.last_modified;
      }
    }
  }
  const SourceSchedule next = NextSourcePoll(entry, poll, new_articles, site.config);
  entry.failures = next.failures;
  entry.interval_ms = next.interval_ms;
  if (next.dead != entry.dead) {
    entry.dead = next.dead;
    health_.SetDead(entry, next.dead, next.dead ? outcome + ": " + result.error : std::string());
  }
  entry.state = UrlState::kPending;
  // Not all it listed reached the cluster: again soon (leasing pauses while the broker is down),
  // with the old validators, so a 304 cannot hide what was not routed.
  entry.due_ms = deferred ? now + 1000 : now + next.interval_ms;
  spdlog::debug(
      "site {}: next poll of {} {} in {} s ({}{})", entry.site, UrlKindName(entry.kind), entry.url,
      (entry.due_ms - now) / 1000, outcome,
      entry.failures > 0 ? ", failure " + std::to_string(entry.failures) + " in a row" : "");
  Status s = frontier_->Update(entry);
  if (!s.ok()) spdlog::error("frontier: {}", s.ToString());
}

void Daemon::ProcessArticle(FrontierEntry entry, const crawler::FetchResult& result,
                            const Site& site) {
  const int64_t now = NowMs();
  ArticleVerdict verdict = ArticleVerdictOfFailedFetch(result.outcome);
  int64_t deferred_for_ms = 0;
  bool alias = false;
  if (result.outcome == FetchOutcome::kOk) {
    auto article = ArticleFromFetch(result, site.config.boilerplate_phrases);
    if (!article.ok()) {
      metrics_.CountExtractionFailure("unreadable");
      verdict = ArticleVerdict::kDone;
    } else {
      ApplyDiscoveryMetadata(entry, &article.value());
      verdict = ingester_->Ingest(&entry, site, std::move(article).value(), now, &deferred_for_ms,
                                  &alias);
      if (verdict != ArticleVerdict::kDeferred) {  // deferred: fetched in full again, not a 304
        entry.etag = result.etag;
        entry.last_modified = result.last_modified;
      }
    }
  }
  ScheduleArticle(verdict, now, deferred_for_ms, site.config, &entry);
  // An alias is not re-checked for updates: its canonical page is (aliases never make versions).
  if (alias && verdict == ArticleVerdict::kDone) entry.state = UrlState::kDone;
  if (verdict == ArticleVerdict::kRetry && entry.state == UrlState::kPending) {
    spdlog::debug("site {}: retry of {} in {} s (failure {} of {})", entry.site, entry.url,
                  (entry.due_ms - now) / 1000, entry.failures, kDeadAfterFailures);
  } else if (verdict == ArticleVerdict::kRetry) {
    spdlog::warn("site {}: giving up on {} after {} failures, the last: {}: {}", entry.site,
                 entry.url, entry.failures, crawler::FetchOutcomeName(result.outcome),
                 result.error);
  }
  Status s = frontier_->Update(entry);
  if (!s.ok()) spdlog::error("frontier: {}", s.ToString());
}

void Daemon::CountDiscovered(const std::string& site, UrlKind kind) {
  metrics_.CountDiscovered(site, UrlKindName(kind));
  std::lock_guard<std::mutex> lock(mu_);
  ++discovered_;
}

}  // namespace newscrawl::pipeline
