// StoreHostStateStore: the fetcher's HostStateStore (crawler/host_state_store.h) over the store's
// reserved KV spaces, so per-host politeness state and the robots.txt cache survive restarts.
//
// Layout (keys are the fetcher's host keys, Url::Origin(): "scheme://host[:port]"):
//   ReservedSpace::kHostState  host -> 'H' version 1, then big-endian next_start_ms (8),
//                                      paused_until_ms (8), failures (4), circuit_open_until_ms (8)
//   ReservedSpace::kRobots     host -> 'R' version 1, then big-endian fetched_ms (8), status (4),
//                                      then the robots.txt bytes
// Binary because robots.txt bodies are arbitrary bytes. A value that does not decode is treated as
// absent (and overwritten by the next save). Store errors are logged (spdlog) and otherwise
// ignored: the fetcher keeps going with its in-memory state. A new pause or an opened circuit
// breaker is logged when it is saved (PauseLogLines, pipeline/failure_log.h).
//
// Thread safety: as the store; the fetcher calls it from its I/O thread only.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "common/clock.h"
#include "crawler/host_state_store.h"
#include "store/store.h"

namespace newscrawl::pipeline {

class StoreHostStateStore : public crawler::HostStateStore {
 public:
  // `store` and `clock` (what time it is when a pause is logged) must outlive this object (and
  // the fetcher using it).
  explicit StoreHostStateStore(store::Store* store, const Clock& clock = SystemClock())
      : store_(store), clock_(clock) {}

  std::optional<crawler::HostSnapshot> LoadHost(const std::string& host_key) override;
  void SaveHost(const std::string& host_key, const crawler::HostSnapshot& snapshot) override;
  std::optional<crawler::RobotsSnapshot> LoadRobots(const std::string& host_key) override;
  void SaveRobots(const std::string& host_key, const crawler::RobotsSnapshot& snapshot) override;

 private:
  store::Store* const store_;
  const Clock& clock_;
  // Hosts paused or with an open circuit breaker, as last saved: to log only what changed.
  std::map<std::string, crawler::HostSnapshot> paused_;
};

// The encodings above (exposed for tests).
std::string EncodeHostSnapshot(const crawler::HostSnapshot& snapshot);
std::optional<crawler::HostSnapshot> DecodeHostSnapshot(std::string_view value);
std::string EncodeRobotsSnapshot(const crawler::RobotsSnapshot& snapshot);
std::optional<crawler::RobotsSnapshot> DecodeRobotsSnapshot(std::string_view value);

}  // namespace newscrawl::pipeline
