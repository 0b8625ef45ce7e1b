// DaemonMetrics: the daemon's Prometheus series (names in one place). Handles are looked up once
// per label value and cached; every method is thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "common/metrics.h"

namespace newscrawl::pipeline {

class DaemonMetrics {
 public:
  explicit DaemonMetrics(MetricsRegistry* registry);

  void CountFetch(const std::string& outcome, double seconds);
  void CountRobotsDecision(const std::string& decision);  // allowed, disallowed, unavailable
  void CountDedupHit(const std::string& kind);            // duplicate, unchanged
  void CountExtractionFailure(const std::string& reason);
  void CountStored(const std::string& site, const std::string& event);  // new, version, duplicate
  void CountDiscovered(const std::string& site, const std::string& kind);
  void SetLastSeq(uint64_t seq);
  void SetHostQueueDepth(const std::string& host, double depth);
  void ObservePublishToIngest(const std::string& site, double seconds);
  void SetSiteStale(const std::string& site, bool stale);
  void SetDeadSources(const std::string& site, double count);

  MetricsRegistry* registry() const { return registry_; }

 private:
  MetricsRegistry* const registry_;
  Histogram& fetch_latency_;
  Gauge& last_seq_;
};

}  // namespace newscrawl::pipeline
