// Outbox: the store's change feed as the cluster's outbox (see "In a cluster" in daemon.h).
//
// "published through" (store/keys.h: kOutboxPublishedThroughKey, in the store's reserved frontier
// space) is the seq up to which every change-feed event is known to be on the cluster's stream.
// Events written after it are published as they are ingested (Publish); the ones a crash or
// broker trouble kept from the stream are published again from the change feed, as stored
// (RepublishPending; the stream de-duplicates by id + version), so no event is lost. Advance()
// moves the mark over every event confirmed, never past an ingest still in progress.
// Thread safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>

#include "common/status.h"
#include "pipeline/cluster_hooks.h"
#include "store/store.h"

namespace newscrawl::pipeline {

class Outbox {
 public:
  // Neither is owned; both must outlive the outbox.
  Outbox(store::Store* store, ClusterHooks* cluster) : store_(store), cluster_(cluster) {}

  // Reads the mark; the first time a store runs in a cluster it starts at the store's last seq
  // (older events are not sent) and is recorded. Fails when the store cannot be read or written.
  Status Open();

  // Around Store::Ingest: an event written is unpublished until Publish (or a republish)
  // confirms it. `seq` 0: nothing was written.
  void BeginIngest();
  void EndIngest(uint64_t seq);

  // Publishes one ingested event (its record as stored). On failure the event stays unpublished
  // and the next RepublishPending sends it again.
  Status Publish(const store::IngestResult& ingested);

  // Publishes again, in seq order, the events after the mark, when a publish failed since the
  // last call or at Open; a no-op otherwise. *republished: how many were sent. On a failed
  // publish the rest waits for the next call (the error is returned). A record that does not
  // parse is logged and skipped (it would never publish).
  Status RepublishPending(uint64_t* republished);

  // Moves the mark to the event before the first unconfirmed one and records it, unless an
  // ingest is in progress (its seq may not be registered yet). The cluster's Flush() confirms
  // every publish sent before the mark moves; when it fails the mark stays, the events after it
  // are published again by the next RepublishPending, and the Flush error is returned.
  Status Advance();

 private:
  store::Store* const store_;
  ClusterHooks* const cluster_;
  std::mutex mu_;
  uint64_t published_through_ = 0;  // guarded by mu_
  std::set<uint64_t> unpublished_;  // guarded by mu_: written, publish not confirmed
  int ingesting_ = 0;               // guarded by mu_
  std::atomic<bool> republish_{false};
};

}  // namespace newscrawl::pipeline
