// ClusterLink: the daemon's side of scale-out (see "In a cluster" in daemon.h and
// pipeline/cluster_hooks.h): which due URLs this instance may lease (host ownership, settle time,
// parking), routing what a listing found to its host's owner, the claim before ingest, the
// publish after it through the outbox, and the back-off of leasing while the broker is in trouble.
// It starts and stops the hooks; the daemon holds one only when DaemonOptions::cluster is set.
//
// Thread safety: Start/Stop from the controlling thread; Admits/ParkEntries/Housekeeping from the
// scheduler thread only; the rest from any thread (workers, the cluster's delivery thread).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "common/article.h"
#include "common/clock.h"
#include "common/fingerprint.h"
#include "common/status.h"
#include "pipeline/cluster_hooks.h"
#include "pipeline/daemon_metrics.h"
#include "pipeline/frontier.h"
#include "pipeline/outbox.h"
#include "store/store.h"

namespace newscrawl::pipeline {

struct ClusterLinkOptions {
  // A host that became ours is fetched only after this long (already derived: >= 0).
  std::chrono::milliseconds settle{0};
  // Due URLs of hosts owned by another instance are put off this long.
  std::chrono::milliseconds park{10'000};
};

// What the link did since start (the cluster part of DaemonCounters).
struct ClusterLinkCounters {
  uint64_t routed = 0;              // discovered URLs handed to RouteAll()
  uint64_t received = 0;            // new URLs the cluster handed to this instance
  uint64_t parked = 0;              // due URLs put off: their host is owned elsewhere
  uint64_t cluster_duplicates = 0;  // articles another instance holds the claim of
  uint64_t published = 0;           // Publish() calls that succeeded
  uint64_t deferred = 0;            // URLs kept pending because the broker failed
  uint64_t skipped_published = 0;   // handed-over articles already published: not fetched
};

class ClusterLink {
 public:
  // None of the pointers is owned; all must outlive the link. `hooks` must not be started yet.
  ClusterLink(std::shared_ptr<ClusterHooks> hooks, ClusterLinkOptions options, store::Store* store,
              Frontier* frontier, DaemonMetrics* metrics, const Clock* clock);
  ~ClusterLink();  // Stop()
  ClusterLink(const ClusterLink&) = delete;
  ClusterLink& operator=(const ClusterLink&) = delete;

  // Opens the outbox, starts the hooks (URLs handed to this instance go into the frontier) and
  // publishes what the outbox still holds. Fails when the outbox or the hooks cannot start.
  Status Start();
  // Stops the hooks (after the workers: no claim or publish is in flight). Idempotent.
  void Stop();

  // Scheduler: whether due `e` may be leased now; false with *park_until set when it is put off
  // (its host is owned elsewhere, or became ours less than `settle` ago).
  bool Admits(const FrontierEntry& e, int64_t now, int64_t* park_until);
  // Scheduler: writes back put-off entries (their due_ms already set).
  void ParkEntries(std::vector<FrontierEntry> entries);
  // Scheduler, once a second: publishes what failed before, forgets hosts no longer ours.
  void Housekeeping();
  // Whether leasing pauses (broker trouble) at `now`.
  bool Paused(int64_t now) const { return now < paused_until_.load(); }

  // Whether discovered `e` goes to its host's owner: not known here, not routed lately.
  bool ShouldRoute(const FrontierEntry& e);
  // Hands what one listing found to the owners of their hosts, in one round trip; an error on
  // broker trouble (leasing then pauses; the caller polls the listing again soon).
  Status RouteDiscovered(const std::vector<FrontierEntry>& entries);

  // Claim before ingest (`article` stamped with its identity, `text` its fingerprints): true =
  // ingest it here; false = not here: another instance holds the claim (*retry_in_ms = 0), or
  // the URL stays pending and is tried again in *retry_in_ms (broker trouble: 1 s, leasing
  // pauses meanwhile; a claim still open on another instance: 10 s, so it is not refetched every
  // second until that claim is settled).
  bool Claim(const Article& article, const TextFingerprints& text, int64_t* retry_in_ms);
  // The outbox's bracket around Store::Ingest (see outbox.h): `seq` of the event written, or 0.
  void BeginIngest();
  void EndIngest(uint64_t seq);
  // Publish after ingest; false on broker trouble (the outbox keeps it for Housekeeping).
  bool Publish(const store::IngestResult& ingested);

  ClusterLinkCounters counters() const;

 private:
  Status ReceiveUrl(const FrontierEntry& entry, bool replayed);  // the hooks' UrlSink
  void RepublishAndAdvance();
  void NoteTrouble(const char* step, const Status& status);
  void NoteOk();
  int64_t NowMs() const { return clock_->UnixNowMs(); }

  const std::shared_ptr<ClusterHooks> hooks_;
  const ClusterLinkOptions options_;
  store::Store* const store_;
  Frontier* const frontier_;
  DaemonMetrics* const metrics_;
  const Clock* const clock_;
  std::unique_ptr<Outbox> outbox_;
  bool started_ = false;

  std::map<std::string, int64_t> owned_since_;  // host -> ours since; scheduler thread only
  std::atomic<int64_t> paused_until_{0};
  mutable std::mutex mu_;
  int64_t backoff_ms_ = 0;                 // guarded by mu_
  std::set<std::string> routed_recently_;  // guarded by mu_; bounded
  ClusterLinkCounters counters_;           // guarded by mu_
};

}  // namespace newscrawl::pipeline
