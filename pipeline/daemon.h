// Daemon: the crawl loop behind `newscrawl run`, usable in-process (tests, benchmarks).
//
//   scheduler thread --LeaseDue--> Fetcher (I/O thread) --done--> WorkerPool
//        ^                                                          | extract / discover
//        +------------------ Frontier (store's KV) <----------------+ Store::Ingest
//
// Start() opens the store, puts the configured seeds (and the seeds' robots.txt, for Sitemap:
// lines) into the frontier, and starts the fetcher, the workers and the scheduler. Every tick the
// scheduler leases the due URLs whose host has room (max_outstanding_per_host) and hands them to
// the fetcher; results are processed on the workers:
//   - sources (feeds, sitemaps, robots.txt, section/home pages) are parsed for new URLs and
//     re-polled with conditional GET; the interval halves when a poll found new articles and grows
//     1.5x when not, within the site's [min_poll_interval, max_poll_interval]; a source failing
//     kDeadAfterFailures times in a row is flagged dead (log + metric) and polled at the maximum;
//   - articles are extracted, given the feed/news-sitemap metadata, ingested, and marked done
//     (or re-checked within recheck_window).
// Stop() drains: no new leases; in-flight fetches get until the deadline; what is left is
// cancelled and put back as due, so nothing is lost (and after a crash the leases expire).
//
// Thread safety: Start/Reload/Stop from one controlling thread; the accessors from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "config/config.h"
#include "crawler/fetcher.h"
#include "pipeline/daemon_metrics.h"
#include "pipeline/discovery.h"
#include "pipeline/frontier.h"
#include "pipeline/store_article_source.h"
#include "pipeline/worker_pool.h"
#include "store/store.h"

namespace newscrawl::pipeline {

// Consecutive failures after which a source is flagged dead / an article is given up.
inline constexpr int kDeadAfterFailures = 5;

struct DaemonOptions {
  Config config;
  // Threads extracting, discovering and writing to the store.
  int workers = 2;
  // How long a URL handed to the fetcher stays leased; after a crash it is due again after this.
  std::chrono::milliseconds lease{120'000};
  // Scheduler period (how often due URLs are looked for).
  std::chrono::milliseconds tick{20};
  // URLs handed to the fetcher and not finished, per host and overall. The fetcher queues per
  // host; keeping its queues short keeps leases from expiring while waiting for politeness.
  size_t max_outstanding_per_host = 8;
  size_t max_outstanding = 512;
  // False only for benchmarks and tests against our own server.
  bool respect_robots = true;
  // Where the metrics go; null = MetricsRegistry::Default().
  MetricsRegistry* metrics = nullptr;
  // Store memory budget (block cache + memtables).
  size_t store_cache_bytes = 64u << 20;
  // Called (from a worker) after events were written to the change feed.
  std::function<void()> on_changes;
};

struct DaemonCounters {
  uint64_t fetched = 0;         // fetch results processed
  uint64_t articles_new = 0;    // kNew events written
  uint64_t duplicates = 0;      // kDuplicate events written
  uint64_t versions = 0;        // kVersion events written
  uint64_t unchanged = 0;       // re-ingests with nothing new
  uint64_t not_articles = 0;    // fetched article URLs that were not articles
  uint64_t fetch_failures = 0;  // outcomes other than ok / not_modified
  uint64_t discovered = 0;      // URLs added to the frontier
  uint64_t outstanding = 0;     // URLs at the fetcher right now
};

class Daemon {
 public:
  // Opens the store at options.config.storage_path and starts everything. Fails when the store
  // cannot be opened (locked by another process, corrupt, ...) or a seed cannot be recorded.
  static Result<std::unique_ptr<Daemon>> Start(DaemonOptions options);
  ~Daemon();  // Stop(0)
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Applies a new configuration: sites (seeds, patterns, intervals, boilerplate) take effect at
  // once; new seeds are added to the frontier. Settings that need a restart (storage_path,
  // politeness, limits, identity, http_api) are kept as they were and named in the returned
  // notes. Fails (and changes nothing) only if the frontier cannot be written.
  Result<std::vector<std::string>> Reload(const Config& config);

  // Drains (see the file comment) and stops. Idempotent.
  void Stop(std::chrono::milliseconds drain_deadline);

  store::Store* store() const { return store_.get(); }
  server::ArticleSource* article_source() { return source_.get(); }
  Frontier* frontier() { return frontier_.get(); }
  DaemonCounters counters() const;
  // One line for systemd's STATUS=: "1234 articles (seq 1300), 12 in flight, 3 sites".
  std::string StatusLine() const;

 private:
  struct SiteState;
  explicit Daemon(DaemonOptions options);
  Status Seed(const Config& config);
  void SchedulerLoop();
  void Dispatch(FrontierEntry entry);
  void Process(FrontierEntry entry, crawler::FetchResult result);
  void ProcessSource(FrontierEntry entry, const crawler::FetchResult& result,
                     const SiteConfig& site);
  void ProcessArticle(FrontierEntry entry, const crawler::FetchResult& result,
                      const SiteConfig& site);
  void Reschedule(FrontierEntry entry, const crawler::FetchResult& result, const SiteConfig& site,
                  bool failed);
  void CheckStaleSites(int64_t now_ms);
  // The site config and rules for a site name (a snapshot: reloads swap them).
  std::shared_ptr<const std::map<std::string, std::pair<SiteConfig, SiteRules>>> Sites() const;
  void Finish(const FrontierEntry& entry);
  void SetDead(const FrontierEntry& entry, bool dead);

  DaemonOptions options_;
  DaemonMetrics metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<StoreArticleSource> source_;
  std::unique_ptr<Frontier> frontier_;
  std::unique_ptr<crawler::Fetcher> fetcher_;
  std::unique_ptr<WorkerPool> workers_;
  std::thread scheduler_;

  mutable std::mutex mu_;
  std::shared_ptr<const std::map<std::string, std::pair<SiteConfig, SiteRules>>> sites_;  // mu_
  std::map<std::string, size_t> host_outstanding_;             // guarded by mu_
  std::map<std::string, int64_t> site_last_new_ms_;            // guarded by mu_
  std::map<std::string, bool> site_stale_;                     // guarded by mu_
  std::map<std::string, std::set<std::string>> dead_sources_;  // site -> urls; mu_
  std::condition_variable stop_cv_;                            // wakes the scheduler on Stop
  DaemonCounters counters_;                                    // guarded by mu_
  std::condition_variable idle_cv_;                            // outstanding reached 0
  std::atomic<bool> leasing_{true};
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
};

// Unix milliseconds of an ISO 8601 timestamp ("2026-11-25T10:00:00+07:00", "...Z",
// "2026-11-25" as midnight UTC); nullopt when it does not parse.
std::optional<int64_t> ParseIsoTimeMs(std::string_view text);
int64_t NowMs();

}  // namespace newscrawl::pipeline
