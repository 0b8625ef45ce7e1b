#include "pipeline/daemon_metrics.h"

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
  fetches_
      .Get(outcome,
           [&]() -> Counter& {
             return registry_->GetCounter("newscrawl_fetches_total", "Fetches by outcome.",
                                          {{"outcome", outcome}});
           })
      .Increment();
  fetch_latency_.Observe(seconds);
}

void DaemonMetrics::CountRobotsDecision(const std::string& decision) {
  robots_decisions_
      .Get(decision,
           [&]() -> Counter& {
             return registry_->GetCounter("newscrawl_robots_decisions_total",
                                          "robots.txt decisions on the URLs fetched.",
                                          {{"decision", decision}});
           })
      .Increment();
}

void DaemonMetrics::CountDedupHit(const std::string& kind) {
  dedup_hits_
      .Get(kind,
           [&]() -> Counter& {
             return registry_->GetCounter(
                 "newscrawl_dedup_hits_total",
                 "Fetched pages that were duplicates or unchanged re-fetches.", {{"kind", kind}});
           })
      .Increment();
}

void DaemonMetrics::CountExtractionFailure(const std::string& reason) {
  extraction_failures_
      .Get(reason,
           [&]() -> Counter& {
             return registry_->GetCounter("newscrawl_extraction_failures_total",
                                          "Fetched article pages that gave no storable article.",
                                          {{"reason", reason}});
           })
      .Increment();
}

void DaemonMetrics::CountStored(const std::string& site, const std::string& event) {
  stored_
      .Get(site + '\0' + event,
           [&]() -> Counter& {
             return registry_->GetCounter("newscrawl_articles_stored_total",
                                          "Change-feed events written, by site.",
                                          {{"site", site}, {"event", event}});
           })
      .Increment();
}

void DaemonMetrics::CountDiscovered(const std::string& site, const std::string& kind) {
  discovered_
      .Get(site + '\0' + kind,
           [&]() -> Counter& {
             return registry_->GetCounter("newscrawl_urls_discovered_total",
                                          "New URLs added to the frontier.",
                                          {{"site", site}, {"kind", kind}});
           })
      .Increment();
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
  publish_to_ingest_
      .Get(site,
           [&]() -> Histogram& {
             return registry_->GetHistogram(
                 "newscrawl_publish_to_ingest_seconds",
                 "From the publication time in the feed/sitemap to the article's ingest.",
                 ExponentialBuckets(1, 2, 18), {{"site", site}});
           })
      .Observe(seconds);
}

void DaemonMetrics::SetSiteStale(const std::string& site, bool stale) {
  site_stale_
      .Get(site,
           [&]() -> Gauge& {
             return registry_->GetGauge(
                 "newscrawl_site_stale",
                 "1 when the site brought no new article for longer than its stale_after.",
                 {{"site", site}});
           })
      .Set(stale ? 1 : 0);
}

void DaemonMetrics::SetDeadSources(const std::string& site, double count) {
  dead_sources_
      .Get(site,
           [&]() -> Gauge& {
             return registry_->GetGauge("newscrawl_dead_sources",
                                        "Feeds/sitemaps/pages of a site that keep failing.",
                                        {{"site", site}});
           })
      .Set(count);
}

}  // namespace newscrawl::pipeline
