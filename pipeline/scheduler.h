// Scheduler: the daemon's leasing loop. Every tick it leases the due URLs of the frontier whose
// host has room (max_outstanding_per_host, max_outstanding overall; in a cluster only what the
// ClusterLink admits, the rest parked), hands them to the fetcher, and runs each result on the
// worker pool through the `process` callback. Once a second it runs `housekeeping` (and the
// cluster link's). Hosts are Url::Origin() keys, computed once per leased URL.
//
// Thread safety: Start/Drain/Stop from the controlling thread; Outstanding/Fetched from any
// thread. The callbacks run on the workers (`process`) and on the scheduler thread
// (`housekeeping`, `min_delay_of`).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "common/clock.h"
#include "crawler/fetcher.h"
#include "pipeline/cluster_link.h"
#include "pipeline/daemon_metrics.h"
#include "pipeline/frontier.h"
#include "pipeline/worker_pool.h"

namespace newscrawl::pipeline {

struct SchedulerOptions {
  std::chrono::milliseconds tick{20};  // how often due URLs are looked for
  size_t max_outstanding_per_host = 8;
  size_t max_outstanding = 512;
};

struct SchedulerCallbacks {
  // What one fetch result comes to (on a worker); the URL is no longer outstanding afterwards.
  std::function<void(FrontierEntry, crawler::FetchResult)> process;
  // The site's own politeness delay, when it has one (longer than the fetcher's).
  std::function<std::optional<std::chrono::milliseconds>(const std::string& site)> min_delay_of;
  // Once a second, on the scheduler thread.
  std::function<void(int64_t now_ms)> housekeeping;
};

class Scheduler {
 public:
  // None of the pointers is owned; all must outlive the scheduler. `cluster` may be null.
  Scheduler(SchedulerOptions options, SchedulerCallbacks callbacks, Frontier* frontier,
            crawler::Fetcher* fetcher, WorkerPool* workers, ClusterLink* cluster,
            DaemonMetrics* metrics, const Clock* clock);
  ~Scheduler();  // Stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void Start();  // starts the scheduler thread
  // Leases nothing more and waits up to `deadline` for the outstanding fetches to finish.
  void Drain(std::chrono::milliseconds deadline);
  // Stops the thread (after Drain; results still come in through `process`). Idempotent.
  void Stop();

  size_t Outstanding() const;
  uint64_t Fetched() const;  // results processed

 private:
  void Loop();
  void LeaseDue(int64_t now);
  void Dispatch(FrontierEntry entry, std::string host);
  void Finish(const std::string& host);  // after `process`: one fetch of `host` less in flight

  const SchedulerOptions options_;
  const SchedulerCallbacks callbacks_;
  Frontier* const frontier_;
  crawler::Fetcher* const fetcher_;
  WorkerPool* const workers_;
  ClusterLink* const cluster_;
  DaemonMetrics* const metrics_;
  const Clock* const clock_;
  std::thread thread_;

  mutable std::mutex mu_;
  std::map<std::string, size_t> host_outstanding_;  // guarded by mu_
  size_t outstanding_ = 0;                          // guarded by mu_
  uint64_t fetched_ = 0;                            // guarded by mu_
  std::condition_variable stop_cv_;                 // wakes the loop on Stop
  std::condition_variable idle_cv_;                 // outstanding_ reached 0
  std::atomic<bool> leasing_{true};
  std::atomic<bool> stopping_{false};
};

}  // namespace newscrawl::pipeline
