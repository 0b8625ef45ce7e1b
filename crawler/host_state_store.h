// HostStateStore: where the fetcher keeps its per-host politeness state and robots.txt cache across
// restarts. The crawler defines the interface; the pipeline implements it over the store's
// reserved KV spaces (StoreHostStateStore, pipeline/store_host_state_store.h), so the fetcher never
// depends on store/.
//
// What is kept, per host key (Url::Origin(): "scheme://host[:port]", the port only when it is not
// the scheme's default):
//  - HostSnapshot: the pause (Retry-After / backoff), consecutive failures, the circuit breaker
//    and the earliest next request (politeness delay), all as unix milliseconds;
//  - RobotsSnapshot: the last robots.txt answer that may be cached (2xx with its body, or 4xx =
//    allow all) with its fetch time; the fetcher applies its robots_cache_ttl to fetched_ms, so
//    an entry older than the TTL is fetched again. Failures (5xx, network) are never cached.
//
// The fetcher loads a host's snapshots the first time it sees the host (again after the host was
// evicted as idle) and saves them when they change: robots entries and pauses at once, the
// politeness clock at most every FetcherOptions::host_state_flush_interval, everything dirty at
// Shutdown(). Calls come from the fetcher's I/O thread only and must be quick (a local KV put or
// get); implementations must not throw. A failed save is logged by the implementation and
// otherwise ignored: politeness state is a best effort across restarts, never a reason to stop.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace newscrawl::crawler {

struct HostSnapshot {
  int64_t next_start_ms = 0;          // no request before this (min delay / crawl-delay)
  int64_t paused_until_ms = 0;        // Retry-After or backoff pause; 0 = none
  int32_t failures = 0;               // consecutive transient failures
  int64_t circuit_open_until_ms = 0;  // circuit breaker open until; 0 = closed
  bool operator==(const HostSnapshot& o) const {
    return next_start_ms == o.next_start_ms && paused_until_ms == o.paused_until_ms &&
           failures == o.failures && circuit_open_until_ms == o.circuit_open_until_ms;
  }
};

struct RobotsSnapshot {
  int64_t fetched_ms = 0;  // unix ms of the fetch
  int status = 0;    // HTTP status of the answer (2xx: body holds the file; 3xx/4xx: allow all)
  std::string body;  // the robots.txt bytes (at most kRobotsMaxBytes), 2xx only
};

class HostStateStore {
 public:
  virtual ~HostStateStore() = default;
  // nullopt when nothing is stored (or the stored value is unreadable).
  virtual std::optional<HostSnapshot> LoadHost(const std::string& host_key) = 0;
  virtual void SaveHost(const std::string& host_key, const HostSnapshot& snapshot) = 0;
  virtual std::optional<RobotsSnapshot> LoadRobots(const std::string& host_key) = 0;
  virtual void SaveRobots(const std::string& host_key, const RobotsSnapshot& snapshot) = 0;
};

}  // namespace newscrawl::crawler
