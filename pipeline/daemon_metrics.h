// DaemonMetrics: the daemon's Prometheus series (names in one place). Handles are looked up in
// the registry once per label value and cached here (a hash lookup under a local mutex per event
// instead of the registry's validation, label sort and map lookup); every method is thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/metrics.h"
#include "config/config.h"

namespace newscrawl::pipeline {

class DaemonMetrics {
 public:
  explicit DaemonMetrics(MetricsRegistry* registry);

  void CountFetch(const std::string& outcome, double seconds);
  void CountRobotsDecision(const std::string& decision);  // allowed, disallowed, unavailable
  void CountDedupHit(const std::string& kind);            // duplicate, unchanged, alias
  void CountExtractionFailure(const std::string& reason);
  void CountStored(const std::string& site, const std::string& event);  // new, version, duplicate
  void CountDiscovered(const std::string& site, const std::string& kind);
  void SetLastSeq(uint64_t seq);
  void SetHostQueueDepth(const std::string& host, double depth);
  void ObservePublishToIngest(const std::string& site, double seconds);
  void SetSiteStale(const std::string& site, bool stale);
  void SetDeadSources(const std::string& site, double count);

  // Creates every series whose label values are known up front at 0 (each fetch outcome, robots
  // decision, dedup kind and the usual extraction failures; per site: stored events, discovered
  // kinds, publish-to-ingest, stale, dead sources), so an alert can tell 0 from "not exported".
  // Idempotent; called at start and after a reload with the configured sites.
  void ExportZeroSeries(const std::vector<SiteConfig>& sites);

  MetricsRegistry* registry() const { return registry_; }

 private:
  Counter& FetchCounter(const std::string& outcome);
  Counter& RobotsDecisionCounter(const std::string& decision);
  Counter& DedupHitCounter(const std::string& kind);
  Counter& ExtractionFailureCounter(const std::string& reason);
  Counter& StoredCounter(const std::string& site, const std::string& event);
  Counter& DiscoveredCounter(const std::string& site, const std::string& kind);
  Histogram& PublishToIngest(const std::string& site);
  Gauge& SiteStaleGauge(const std::string& site);
  Gauge& DeadSourcesGauge(const std::string& site);

  // Handles of one family by label value(s) (joined with '\0' when several).
  template <typename T>
  class Cache {
   public:
    template <typename Make>
    T& Get(const std::string& key, Make make) {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = handles_.find(key);
      if (it != handles_.end()) return *it->second;
      T& handle = make();
      handles_.emplace(key, &handle);
      return handle;
    }

   private:
    std::mutex mu_;
    std::unordered_map<std::string, T*> handles_;
  };

  MetricsRegistry* const registry_;
  Histogram& fetch_latency_;
  Gauge& last_seq_;
  Cache<Counter> fetches_, robots_decisions_, dedup_hits_, extraction_failures_, stored_,
      discovered_;
  Cache<Gauge> host_queue_depth_, site_stale_, dead_sources_;
  Cache<Histogram> publish_to_ingest_;
};

}  // namespace newscrawl::pipeline
