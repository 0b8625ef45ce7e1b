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
// In a cluster (DaemonOptions::cluster set; see pipeline/cluster_hooks.h) the daemon starts and
// stops the hooks itself and:
//   - leases a due URL only while OwnsHost(ClusterHostKey(url)), and only once the host has been
//     ours for cluster_settle (the previous owner's queued fetches finish first); due URLs of
//     hosts owned elsewhere are parked (due again after cluster_park), so the scan stays cheap;
//   - RouteAll()s the discovered URLs of a listing not already in the local frontier, and adds
//     the URLs the cluster hands to it (UrlSink) to the frontier (replayed articles
//     IsPublished() already: as done);
//   - Claim()s every article before Store::Ingest (kDuplicate: not stored here) and Publish()es
//     every change-feed event after it. The change feed is the outbox (pipeline/outbox.h):
//     "published_through" (store/keys.h: kOutboxPublishedThroughKey) is the seq up to
//     which every event is known to be published; at start and after a failed publish the
//     events after it are published again (ARTICLES de-duplicates by id + version), so neither
//     a crash between ingest and publish nor broker trouble loses a message. (It starts at the
//     store's last seq the first time a store runs in a cluster: older events are not sent.)
//   - on broker trouble keeps the URL pending (not a fetch failure) and pauses leasing with
//     exponential backoff (1 s .. 10 s); a source whose URLs could not be routed is polled
//     again without its validators, so nothing it listed is lost. A claim held by another
//     instance that has not published yet (FailedPrecondition) only puts that URL off.
//
// The daemon is wiring: Scheduler (scheduler.h: leasing, dispatch to the fetcher, results to the
// workers), the processing of one fetch result (daemon_process.cc: sources and articles, with the
// pure decisions of crawl_policy.h), ArticleIngester (article_ingester.h: identity, aliases,
// claim, store, publish), ClusterLink (cluster_link.h: ownership, routing, claims, the outbox)
// and SiteHealth (site_health.h: stale sites, dead sources). Time comes from
// DaemonOptions::clock.
//
// Thread safety: Start/Reload/Stop from one controlling thread; the accessors from any thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"
#include "config/config.h"
#include "crawler/fetcher.h"
#include "pipeline/article_ingester.h"
#include "pipeline/cluster_hooks.h"
#include "pipeline/cluster_link.h"
#include "pipeline/daemon_metrics.h"
#include "pipeline/failure_log.h"
#include "pipeline/fetch_archive.h"
#include "pipeline/frontier.h"
#include "pipeline/scheduler.h"
#include "pipeline/site_health.h"
#include "pipeline/site_table.h"
#include "pipeline/store_host_state_store.h"
#include "pipeline/worker_pool.h"
#include "store/store.h"

namespace newscrawl::pipeline {

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
  // What time it is (due times, intervals, backoff, staleness); null = SystemClock(). Not owned;
  // must outlive the daemon.
  const Clock* clock = nullptr;
  // Store memory budget (block cache + memtables).
  size_t store_cache_bytes = 64u << 20;
  // Called (from a worker) after events were written to the change feed.
  std::function<void()> on_changes;
  // Scale-out: null = a single instance (nothing below applies). The daemon calls Start() and
  // Stop() of the hooks; they must not be started elsewhere.
  std::shared_ptr<ClusterHooks> cluster;
  // A host that became ours is fetched only after this long. Negative = derive it:
  // 1 s + max_outstanding_per_host x politeness.min_delay, at most 30 s.
  std::chrono::milliseconds cluster_settle{-1};
  // Due URLs of hosts owned by another instance are put off this long.
  std::chrono::milliseconds cluster_park{10'000};
};

// What the daemon did since start: the ingester's counts, the cluster link's (zero without a
// cluster) and these.
struct DaemonCounters : IngestCounters, ClusterLinkCounters {
  uint64_t fetched = 0;         // fetch results processed
  uint64_t fetch_failures = 0;  // outcomes other than ok / not_modified
  uint64_t discovered = 0;      // URLs added to the frontier (found here or received)
  uint64_t outstanding = 0;     // URLs at the fetcher right now
};

class Daemon {
 public:
  // Opens the store at options.config.storage_path and starts everything. Fails when the store
  // cannot be opened (locked by another process, corrupt, ...), a seed cannot be recorded, the
  // WARC directory cannot be written or the cluster cannot be joined.
  static Result<std::unique_ptr<Daemon>> Start(DaemonOptions options);
  ~Daemon();  // Stop(0)
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Applies a new configuration: sites (seeds, patterns, intervals, boilerplate) take effect at
  // once; new seeds are added to the frontier. Settings that need a restart (storage_path,
  // politeness, limits, identity, http_api, warc) are kept as they were and named in the
  // returned notes. Fails (and changes nothing) only if the frontier cannot be written.
  Result<std::vector<std::string>> Reload(const Config& config);

  // Drains (see the file comment) and stops. Idempotent.
  void Stop(std::chrono::milliseconds drain_deadline);

  store::Store* store() const { return store_.get(); }
  Frontier* frontier() { return frontier_.get(); }
  DaemonCounters counters() const;
  // One line for systemd's STATUS=: "1234 articles (seq 1300), 12 in flight, 3 sites".
  std::string StatusLine() const;

 private:
  explicit Daemon(DaemonOptions options);
  Status Seed(const Config& config);
  // The current site table (a snapshot: reloads swap it).
  std::shared_ptr<const SiteTable> Sites() const;
  // What one fetch result comes to (on a worker; daemon_process.cc).
  void Process(FrontierEntry entry, crawler::FetchResult result);
  void ProcessSource(FrontierEntry entry, const crawler::FetchResult& result, const Site& site);
  void ProcessArticle(FrontierEntry entry, const crawler::FetchResult& result, const Site& site);
  void CountDiscovered(const std::string& site, UrlKind kind);
  int64_t NowMs() const { return clock_->UnixNowMs(); }

  DaemonOptions options_;
  const Clock* const clock_;
  DaemonMetrics metrics_;
  FailureLog failure_log_{*clock_};  // which fetch failures are logged (per host, per minute)
  SiteHealth health_{&metrics_};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Frontier> frontier_;
  std::unique_ptr<StoreHostStateStore> host_state_;  // the fetcher's, in the store
  std::unique_ptr<ClusterLink> cluster_;             // cluster only
  std::unique_ptr<ArticleIngester> ingester_;
  std::unique_ptr<FetchArchive> archive_;  // config warc: set; outlives the fetcher
  std::unique_ptr<crawler::Fetcher> fetcher_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<Scheduler> scheduler_;

  mutable std::mutex mu_;
  std::shared_ptr<const SiteTable> sites_;  // guarded by mu_
  uint64_t fetch_failures_ = 0;             // guarded by mu_
  uint64_t discovered_ = 0;                 // guarded by mu_: added to the frontier here
  bool stopped_ = false;
};

}  // namespace newscrawl::pipeline
