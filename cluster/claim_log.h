// ClaimLog: the NC_CLAIMLOG stream as this instance sees it (internal to cluster/). A thread of
// its own reads the whole stream in order (an ordered consumer, from the start on Start: the
// replay that rebuilds the index) and applies every message to a ClaimIndex (claim_index.h).
// A claim publishes its message (PublishRequest, sent together with its KV creates), then asks
// VerdictAfter(seq of its message): the verdict once every message before it is applied (its own
// is then decided by ClaimIndex::Predict, exactly as the index will apply it).
//
// Lagging: VerdictAfter waits at most `claim_index_wait` (NatsClusterOptions); when the index
// has not reached the claim's message by then (start-up replay, a consumer lost with its node, a
// stalled connection) it returns Unavailable and never guesses; the claim is retried later and
// gets the same verdict (the first message of an id decides). A consumer that delivers nothing
// for a second while a claim waits is recreated from the last applied message (counted in
// newscrawl_cluster_broker_errors_total{op="claim_log"}). Gauges: newscrawl_cluster_claim_index_
// entries (ids within the window), ..._bytes (approximate memory), ..._applied_seq.
//
// Thread safety: PublishRequest, VerdictAfter and Pause from any thread; Start and Stop from the
// controlling thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "cluster/claim_index.h"
#include "cluster/js_client.h"
#include "cluster/names.h"
#include "cluster/nats_cluster.h"
#include "common/metrics.h"
#include "common/status.h"

namespace newscrawl::cluster {

class ClaimLog {
 public:
  // `client` (connected before Start) and `options` must outlive this object.
  ClaimLog(JsClient* client, const NatsClusterOptions& options, const ClusterNames& names);
  ~ClaimLog();  // Stop()
  ClaimLog(const ClaimLog&) = delete;
  ClaimLog& operator=(const ClaimLog&) = delete;

  // Starts the reader thread (it subscribes, retrying broker trouble itself). The stream must
  // exist (NatsCluster::Start makes it).
  void Start();
  // Stops the thread and drops the subscription; waiting claims get Unavailable. Idempotent.
  void Stop();

  // The publish of `entry` to the stream (its PubAck's sequence is what VerdictAfter takes).
  JsRequest PublishRequest(const ClaimLogEntry& entry) const;
  // The verdict on entry.id given by message `seq` (the one just published with `entry`): as
  // soon as every message before it is applied (ClaimIndex::Predict; when that cannot be sure,
  // once `seq` itself is). Unavailable when that does not happen within claim_index_wait, or the
  // log is stopping.
  Result<ClaimIndex::Verdict> VerdictAfter(uint64_t seq, const ClaimLogEntry& entry);

  // Tests: while paused, no message is applied (a lagging consumer).
  void PauseForTesting(bool paused) { paused_.store(paused); }

 private:
  void ReadLoop();
  // (Re)creates the ordered consumer from the message after the last applied one.
  bool Subscribe();
  void ApplyMessage(natsMsg* msg);

  JsClient* const client_;
  const NatsClusterOptions& options_;
  const std::string stream_;
  const std::string subject_;

  std::atomic<bool> stopping_{false};
  std::atomic<bool> paused_{false};
  std::thread reader_;
  NatsSubscriptionPtr sub_;  // reader thread only (and Stop after joining it)

  std::mutex mu_;
  std::condition_variable applied_cv_;
  ClaimIndex index_;          // guarded by mu_
  uint64_t applied_seq_ = 0;  // guarded by mu_: the last stream sequence applied
  uint64_t wanted_seq_ = 0;   // guarded by mu_: the highest sequence a claim waits for
  int waiters_ = 0;           // guarded by mu_: claims in VerdictAfter

  Gauge* entries_ = nullptr;
  Gauge* bytes_ = nullptr;
  Gauge* applied_gauge_ = nullptr;
};

}  // namespace newscrawl::cluster
