// ClaimLog: the NC_CLAIMLOG stream as this instance sees it (internal to cluster/). A thread of
// its own reads the whole stream in order (an ordered consumer, from the start on Start: the
// replay that rebuilds the index) and applies every message to a ClaimIndex (claim_index.h).
// A claim publishes its message (PublishRequest, sent together with its KV creates), then asks
// VerdictAfter(seq of its message): the verdict once every message before it is applied (its own
// is then decided by ClaimIndex::Predict, exactly as the index will apply it).
//
// Catching up: a claim that finds the messages before its own not applied within 100 ms reads
// them itself from the stream's leader (STREAM.MSG.GET by sequence, up to 4,096 of them), so a
// claim needs the stream's leader only, as a KV put does, not a consumer: recreating the
// consumer of a dead node needs the meta leader, which can take many seconds after a node loss.
//
// Lagging: VerdictAfter waits at most `claim_index_wait` (NatsClusterOptions); when the index
// has not reached the claim's message by then (start-up replay of a long log, the stream
// unreadable) it returns Unavailable and never guesses; the claim is retried later and
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

  // Tests: `reader`: the consumer applies nothing (lost, or lagging); `catch_up`: claims read
  // nothing from the stream themselves either (the stream unreadable too).
  void PauseForTesting(bool reader, bool catch_up) {
    paused_.store(reader);
    catch_up_paused_.store(catch_up);
  }

 private:
  void ReadLoop();
  // (Re)creates the ordered consumer from the message after the last applied one.
  bool Subscribe();
  void ApplyMessage(natsMsg* msg);
  // Applies `seq` (stored at time_ns; `body` unread when `missing`) unless already applied;
  // requires mu_.
  void ApplyLocked(uint64_t seq, int64_t time_ns, std::string_view body, bool missing);
  // Reads the messages after the last applied one through `through` from the stream leader and
  // applies them (at most kMaxCatchUp; more is the consumer's replay).
  Status CatchUp(uint64_t through);

  JsClient* const client_;
  const NatsClusterOptions& options_;
  const std::string stream_;
  const std::string subject_;

  std::atomic<bool> stopping_{false};
  std::atomic<bool> paused_{false};
  std::atomic<bool> catch_up_paused_{false};
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
