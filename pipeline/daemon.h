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
// Files: daemon.cc (start, seeds, reload, the scheduler loop), daemon_process.cc (fetch results:
// sources and articles), daemon_ingest.cc (identity, claim, store, metrics, publish),
// daemon_cluster.cc (the cluster hooks); the decisions themselves are pure (crawl_policy.h), the
// cluster's outbox is its own class (outbox.h). Time comes from DaemonOptions::clock.
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

#include "common/article_identity.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"
#include "config/config.h"
#include "crawler/fetcher.h"
#include "pipeline/cluster_hooks.h"
#include "pipeline/crawl_policy.h"
#include "pipeline/daemon_metrics.h"
#include "pipeline/discovery.h"
#include "pipeline/failure_log.h"
#include "pipeline/fetch_archive.h"
#include "pipeline/frontier.h"
#include "pipeline/outbox.h"
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
  // Cluster only.
  uint64_t routed = 0;              // discovered URLs handed to Route()
  uint64_t received = 0;            // new URLs the cluster handed to this instance
  uint64_t parked = 0;              // due URLs put off: their host is owned elsewhere
  uint64_t cluster_duplicates = 0;  // articles another instance holds the claim of
  uint64_t published = 0;           // Publish() calls that succeeded
  uint64_t deferred = 0;            // URLs kept pending because the broker failed
  uint64_t skipped_published = 0;   // handed-over articles already published: not fetched
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
  Frontier* frontier() { return frontier_.get(); }
  DaemonCounters counters() const;
  // One line for systemd's STATUS=: "1234 articles (seq 1300), 12 in flight, 3 sites".
  std::string StatusLine() const;

 private:
  struct SiteState;
  explicit Daemon(DaemonOptions options);
  Status Seed(const Config& config);
  void SchedulerLoop();
  // The host key of the politeness and outstanding counts: Url::Origin(), the URL itself when it
  // does not parse. Computed once per leased URL and carried to Finish.
  static std::string HostKeyOf(std::string_view url);
  void Dispatch(FrontierEntry entry, std::string host);
  void Process(FrontierEntry entry, crawler::FetchResult result);
  void ProcessSource(FrontierEntry entry, const crawler::FetchResult& result,
                     const SiteConfig& site);
  void ProcessArticle(FrontierEntry entry, const crawler::FetchResult& result,
                      const SiteConfig& site);
  // Ingest (daemon_ingest.cc): extracted `article` of the site of *entry -> identity -> the
  // canonical page first when it is an alias (*alias set) -> claim (cluster) -> store -> metrics
  // -> publish (cluster). *deferred_for_ms: how long a kDeferred URL waits.
  ArticleVerdict IngestArticle(FrontierEntry* entry, const SiteConfig& site, Article article,
                               int64_t now, int64_t* deferred_for_ms, bool* alias);
  // Aliases (daemon_alias.cc): how long to put off storing the article of `alias` (an alias
  // rendering: AMP, print; fetched from entry->url) because its canonical article is not stored
  // yet and the canonical page is now due to be fetched first; 0 = store it now (its canonical
  // article is stored and the store only adds the alias's URL, or it waited enough: stored from
  // the alias).
  int64_t WaitForCanonical(FrontierEntry* entry, const ArticleIdentity& alias,
                           const SiteConfig& site, int64_t now);
  // A discovered article URL the store already knows (an alias or fetched URL of a stored
  // article) is recorded as done instead of fetched. True when it was.
  bool KnownToTheStore(FrontierEntry* entry);
  // `alias`: the page was an alias rendering (a kNone is then counted as an alias, not unchanged).
  void CountIngested(const std::string& site, const store::IngestResult& ingested,
                     const std::string& published_at, int64_t now, bool alias);
  int64_t NowMs() const { return clock_->UnixNowMs(); }
  void CheckStaleSites(int64_t now_ms);
  // The site config and rules for a site name (a snapshot: reloads swap them).
  std::shared_ptr<const std::map<std::string, std::pair<SiteConfig, SiteRules>>> Sites() const;
  // After Process: one fetch of `host` less in flight.
  void Finish(const std::string& host);
  void SetDead(const FrontierEntry& entry, bool dead, const std::string& cause = "");
  // Cluster (daemon_cluster.cc).
  Status StartCluster();
  Status ReceiveUrl(const FrontierEntry& entry, bool replayed);  // the UrlSink
  // Whether the scheduler may lease `e` now; false with *park_until set when it should be put off.
  bool ClusterAdmits(const FrontierEntry& e, int64_t now, int64_t* park_until);
  void ParkEntries(std::vector<FrontierEntry> entries);
  void ClusterHousekeeping();
  // Whether discovered `e` goes to its host's owner: not known here, not routed lately.
  bool ShouldRoute(const FrontierEntry& e);
  // Hands what one listing found (ShouldRoute) to the owners of their hosts, in one round trip;
  // an error on broker trouble (the listing is then polled again soon).
  Status RouteDiscovered(const std::vector<FrontierEntry>& entries);
  // Claim before ingest (`article` stamped with its identity): true = ingest it here; false = not
  // here: another instance holds the claim (*retry_in_ms = 0), or the URL stays pending and is
  // tried again in *retry_in_ms (broker trouble: 1 s, leasing pauses meanwhile; a claim still open
  // on another instance: kClaimHeldRetry, so it is not refetched every second until the claim is
  // settled).
  bool ClaimArticle(const Article& article, const TextFingerprints& text, int64_t* retry_in_ms);
  // Publish after ingest; false on broker trouble.
  bool PublishIngested(const store::IngestResult& ingested);
  // Publishes the events the outbox holds again (after a failed publish, or at start) and
  // advances its mark.
  void RepublishAndAdvance();
  void NoteClusterTrouble(const char* step, const Status& status);
  void NoteClusterOk();
  bool ClusterPaused(int64_t now) const;

  DaemonOptions options_;
  const Clock* const clock_;
  DaemonMetrics metrics_;
  FailureLog failure_log_{*clock_};  // which fetch failures are logged (per host, per minute)
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Frontier> frontier_;
  std::unique_ptr<StoreHostStateStore> host_state_;  // the fetcher's, in the store
  std::unique_ptr<Outbox> outbox_;                   // cluster only
  std::unique_ptr<FetchArchive> archive_;            // config warc: set; outlives the fetcher
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
  // Cluster state: hosts ours since (scheduler thread only), broker backoff, routed URLs.
  std::map<std::string, int64_t> owned_since_;
  std::atomic<int64_t> cluster_paused_until_{0};
  int64_t cluster_backoff_ms_ = 0;         // guarded by mu_
  std::set<std::string> routed_recently_;  // guarded by mu_; bounded
  bool cluster_started_ = false;
  std::atomic<bool> leasing_{true};
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;
};

}  // namespace newscrawl::pipeline
