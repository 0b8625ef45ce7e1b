// HostTable: the fetcher's hosts by host key, with their persisted state and idle eviction.
// Internal to crawler/ (Fetcher::Impl's bookkeeping, apart from its scheduling).
//
// A host is created (and its HostSnapshot / RobotsSnapshot loaded from the HostStateStore) the
// first time it is asked for; its politeness clock is saved at most every
// host_state_flush_interval (MarkDirty), pauses at once (Save), everything dirty on Flush(). An
// idle host (nothing queued or in flight, no pause, unused for host_idle_evict) is saved and
// forgotten by a periodic sweep. Time comes from the fetcher's Clock.
// Thread safety: the fetcher's I/O thread only.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "common/clock.h"
#include "crawler/fetch_target.h"
#include "crawler/fetcher.h"
#include "crawler/host_policy.h"
#include "crawler/robots_policy.h"

namespace newscrawl::crawler {

// One URL from Fetch() to its result, through redirects and retries.
struct PendingFetch {
  FetchRequest request;  // request.url is the current hop
  FetchTarget target;
  FetchResult result;  // filled as hops and attempts go
  Fetcher::Callback done;
  SteadyTime submitted;
};
using PendingPtr = std::shared_ptr<PendingFetch>;

struct Host {
  Host(boost::asio::io_context& io, std::string k) : key(std::move(k)), wake(io) {}
  std::string key;
  SteadyTime last_used{};  // last request queued or answered
  std::deque<PendingPtr> queue;
  int in_flight = 0;
  HostTimes times;
  HostRobots robots;
  std::chrono::milliseconds request_delay{0};  // longest FetchRequest::min_host_delay given
  bool dirty = false;                          // politeness clock changed since the last save
  HostSnapshot saved;                          // what the HostStateStore holds
  boost::asio::steady_timer wake;
  bool wake_armed = false;
  SteadyTime wake_at{};
};

class HostTable {
 public:
  // Everything referenced must outlive the table; `state` may be null (nothing persisted).
  // `busy(host)` says a host must be kept although it looks idle (e.g. waiting for a slot).
  HostTable(boost::asio::io_context& io, const FetcherOptions& options, const Clock& clock,
            const HostPolicy& host_policy, const RobotsPolicy& robots_policy, HostStateStore* state,
            std::function<bool(const Host&)> busy);

  // The host of `key`, created and loaded on first use.
  Host& Get(const std::string& key);

  // Saves the host's state now if it differs from what is stored.
  void Save(Host& h);
  // The politeness clock changed: saved with the next flush.
  void MarkDirty(Host& h);
  // Saves every dirty host and stops the timers (shutdown).
  void Flush();

  // Calls fn for every host.
  void ForEach(const std::function<void(Host&)>& fn);

  HostStateStore* state() const { return state_; }
  uint64_t size() const { return num_hosts_.load(std::memory_order_relaxed); }
  uint64_t evicted() const { return hosts_evicted_.load(std::memory_order_relaxed); }

 private:
  void Load(Host& h);
  void FlushDirty();
  bool Idle(const Host& h, SteadyTime now) const;
  void ArmEvict();
  void EvictIdle();

  boost::asio::io_context& io_;
  const FetcherOptions& options_;
  const Clock& clock_;
  const HostPolicy& host_policy_;
  const RobotsPolicy& robots_policy_;
  HostStateStore* const state_;
  const std::function<bool(const Host&)> busy_;
  std::unordered_map<std::string, std::unique_ptr<Host>> hosts_;
  std::unordered_set<Host*> dirty_;  // politeness clock not saved yet
  boost::asio::steady_timer flush_timer_;
  bool flush_armed_ = false;
  boost::asio::steady_timer evict_timer_;
  bool evict_armed_ = false;
  std::atomic<uint64_t> num_hosts_{0}, hosts_evicted_{0};
};

}  // namespace newscrawl::crawler
