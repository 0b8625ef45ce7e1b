#include "pipeline/daemon_metrics.h"

#include "crawler/fetch_result.h"
#include "pipeline/frontier.h"

namespace newscrawl::pipeline {

DaemonMetrics::DaemonMetrics(MetricsRegistry* registry)
    : registry_(registry),
      fetch_latency_(registry->GetHistogram(
          "newscrawl_fetch_latency_seconds",
          "Time from submitting a URL to the fetcher to its result, politeness waits included.",
          ExponentialBuckets(0.005, 2, 14))),
      last_seq_(registry->GetGauge("newscrawl_last_seq",
                                   "Sequence number of the last change-feed event.")) {}

void DaemonMetrics::CountFetch(const std::string& outcome, double seconds) {
  FetchCounter(outcome).Increment();
  fetch_latency_.Observe(seconds);
}

Counter& DaemonMetrics::FetchCounter(const std::string& outcome) {
  return fetches_.Get(outcome, [&]() -> Counter& {
    return registry_->GetCounter("newscrawl_fetches_total", "Fetches by outcome.",
                                 {{"outcome", outcome}});
  });
}

void DaemonMetrics::CountRobotsDecision(const std::string& decision) {
  RobotsDecisionCounter(decision).Increment();
}

Counter& DaemonMetrics::RobotsDecisionCounter(const std::string& decision) {
  return robots_decisions_.Get(decision, [&]() -> Counter& {
    return registry_->GetCounter("newscrawl_robots_decisions_total",
                                 "robots.txt decisions on the URLs fetched.",
                                 {{"decision", decision}});
  });
}

void DaemonMetrics::CountDedupHit(const std::string& kind) { DedupHitCounter(kind).Increment(); }

Counter& DaemonMetrics::DedupHitCounter(const std::string& kind) {
  return dedup_hits_.Get(kind, [&]() -> Counter& {
    return registry_->GetCounter("newscrawl_dedup_hits_total",
                                 "Fetched pages that were duplicates, unchanged re-fetches, or "
                                 "aliases (AMP, print) of stored "
                                 "articles (kind=alias: fetched, or skipped at discovery).",
                                 {{"kind", kind}});
  });
}

void DaemonMetrics::CountExtractionFailure(const std::string& reason) {
  ExtractionFailureCounter(reason).Increment();
}

Counter& DaemonMetrics::ExtractionFailureCounter(const std::string& reason) {
  return extraction_failures_.Get(reason, [&]() -> Counter& {
    return registry_->GetCounter("newscrawl_extraction_failures_total",
                                 "Fetched article pages that gave no storable article.",
                                 {{"reason", reason}});
  });
}

void DaemonMetrics::CountStored(const std::string& site, const std::string& event) {
  StoredCounter(site, event).Increment();
}

Counter& DaemonMetrics::StoredCounter(const std::string& site, const std::string& event) {
  return stored_.Get(site + '\0' + event, [&]() -> Counter& {
    return registry_->GetCounter("newscrawl_articles_stored_total",
                                 "Change-feed events written, by site.",
                                 {{"site", site}, {"event", event}});
  });
}

void DaemonMetrics::CountDiscovered(const std::string& site, const std::string& kind) {
  DiscoveredCounter(site, kind).Increment();
}

Counter& DaemonMetrics::DiscoveredCounter(const std::string& site, const std::string& kind) {
  return discovered_.Get(site + '\0' + kind, [&]() -> Counter& {
    return registry_->GetCounter("newscrawl_urls_discovered_total",
                                 "New URLs added to the frontier.",
                                 {{"site", site}, {"kind", kind}});
  });
}

void DaemonMetrics::SetLastSeq(uint64_t seq) { last_seq_.Set(static_cast<double>(seq)); }

void DaemonMetrics::SetHostQueueDepth(const std::string& host, double depth) {
  host_queue_depth_
      .Get(host,
           [&]() -> Gauge& {
             return registry_->GetGauge("newscrawl_host_queue_depth",
                                        "URLs handed to the fetcher and not finished, per host.",
                                        {{"host", host}});
           })
      .Set(depth);
}

void DaemonMetrics::ObservePublishToIngest(const std::string& site, double seconds) {
  PublishToIngest(site).Observe(seconds);
}

Histogram& DaemonMetrics::PublishToIngest(const std::string& site) {
  return publish_to_ingest_.Get(site, [&]() -> Histogram& {
    return registry_->GetHistogram(
        "newscrawl_publish_to_ingest_seconds",
        "From the publication time in the feed/sitemap to the article's ingest.",
        ExponentialBuckets(1, 2, 18), {{"site", site}});
  });
}

void DaemonMetrics::SetSiteStale(const std::string& site, bool stale) {
  SiteStaleGauge(site).Set(stale ? 1 : 0);
}

Gauge& DaemonMetrics::SiteStaleGauge(const std::string& site) {
  return site_stale_.Get(site, [&]() -> Gauge& {
    return registry_->GetGauge(
        "newscrawl_site_stale",
        "1 when the site brought no new article for longer than its stale_after.",
        {{"site", site}});
  });
}

void DaemonMetrics::SetDeadSources(const std::string& site, double count) {
  DeadSourcesGauge(site).Set(count);
}

Gauge& DaemonMetrics::DeadSourcesGauge(const std::string& site) {
  return dead_sources_.Get(site, [&]() -> Gauge& {
    return registry_->GetGauge("newscrawl_dead_sources",
                               "Feeds/sitemaps/pages of a site that keep failing.",
                               {{"site", site}});
  });
}

void DaemonMetrics::ExportZeroSeries(const std::vector<SiteConfig>& sites) {
  for (int o = 0; o <= static_cast<int>(crawler::FetchOutcome::kCancelled); ++o)
    FetchCounter(crawler::FetchOutcomeName(static_cast<crawler::FetchOutcome>(o)));
  for (const char* decision : {"allowed", "disallowed", "unavailable"})
    RobotsDecisionCounter(decision);
  for (const char* kind : {"duplicate", "unchanged", "alias"}) DedupHitCounter(kind);
  for (const char* reason : {"unreadable", "rejected", "not_article"})
    ExtractionFailureCounter(reason);
  for (const SiteConfig& config : sites) {
    const std::string& site = config.name;
    for (const char* event : {"new", "version", "duplicate"}) StoredCounter(site, event);
    for (UrlKind kind : {UrlKind::kArticle, UrlKind::kFeed, UrlKind::kSitemap, UrlKind::kSection,
                         UrlKind::kRobots})
      DiscoveredCounter(site, UrlKindName(kind));
    PublishToIngest(site);
    SiteStaleGauge(site);  // gauges: created at 0, a value already set is kept
    DeadSourcesGauge(site);
  }
}

}  // namespace newscrawl::pipeline
