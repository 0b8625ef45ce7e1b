// ShardLeases: NatsCluster's host shards (internal to cluster/): the lease of each shard in the
// KV bucket NC_LEASES, the heartbeat of this instance, and the URL subscription of every shard
// it owns, which hands the shard's routed URLs to the UrlSink. See "Shard leases" and "URL
// routing" in nats_cluster.h for the protocol and its bounds.
//
// Thread safety: OwnsShard, OwnedShards, LiveInstances, InstanceAlive from any thread at any
// time; Start, Stop, RenewNow and PauseRenewals from the controlling thread. Owns the lease
// thread; nats.c's delivery thread calls the sink.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "cluster/js_client.h"
#include "cluster/names.h"
#include "cluster/nats_cluster.h"
#include "pipeline/cluster_hooks.h"
#include "pipeline/frontier.h"

namespace newscrawl::cluster {

// NC_URLS message bodies: "<url>\n<EncodeEntry JSON>" (pipeline/frontier.h).
std::string EncodeRoutedEntry(const pipeline::FrontierEntry& entry);
Result<pipeline::FrontierEntry> DecodeRoutedEntry(std::string_view body);

class ShardLeases {
 public:
  // `client` (connected before Start) and `options` must outlive this object.
  ShardLeases(JsClient* client, const NatsClusterOptions& options, const ClusterNames& names);
  ~ShardLeases();  // Stop()
  ShardLeases(const ShardLeases&) = delete;
  ShardLeases& operator=(const ShardLeases&) = delete;

  // Runs a first lease round at once (heartbeat and a share of the free shards; its trouble is
  // logged, not returned: the next rounds retry) and starts the lease thread. `leases_kv` is the
  // bound NC_LEASES bucket (owned by the client).
  void Start(kvStore* leases_kv, pipeline::ClusterHooks::UrlSink sink);
  // Stops the lease thread and the sink calls, releases every lease still valid (others take the
  // shards at once), leaves the live list, and waits up to 5 s for the subscriptions to finish.
  // Idempotent.
  void Stop();

  // Whether this instance holds the lease of `shard` now (a lock-free read).
  bool OwnsShard(int shard) const;
  std::vector<int> OwnedShards() const;
  // The live instances seen at the last round.
  std::vector<std::string> LiveInstances() const;
  // Whether `instance` has a heartbeat key now (one KV read; an error on broker trouble).
  Result<bool> InstanceAlive(const std::string& instance);
  // Runs one lease round now (tests; the thread runs one every renew_interval).
  Status RenewNow();
  // Stops renewing without releasing (tests: an instance that hangs).
  void PauseRenewals() { paused_.store(true); }

 private:
  // One shard's lease and subscription.
  struct ShardState {
    // Steady-clock ns until which this instance may act as the owner; 0 = not ours. Read by
    // OwnsShard without a lock; written by the lease rounds.
    std::atomic<int64_t> valid_until_ns{0};
    // The rest is guarded by lease_mu_.
    uint64_t revision = 0;                // KV revision of our lease; 0 = not held
    std::atomic<uint64_t> generation{0};  // bumped whenever the subscription changes
    NatsSubscriptionPtr subscription;
  };
  // The closure of one URL subscription (kept until this object dies: nats.c may call it late).
  struct SubContext {
    ShardLeases* leases = nullptr;
    int shard = 0;
    uint64_t generation = 0;
    // The last stream sequence on the shard's subject when it was subscribed: messages up to it
    // are replays (routed before the shard was ours; UrlSink's `replayed`).
    uint64_t replay_through = UINT64_MAX;
  };

  static void OnUrlMsg(natsConnection*, natsSubscription*, natsMsg* msg, void* closure);
  static void OnSubscriptionComplete(void* closure);

  int64_t SteadyNowNs() const;
  Status LeaseRound();
  // A lease won by compare-and-set this round, not owned until ConfirmAcquired.
  struct Taken {
    int shard = 0;
    uint64_t revision = 0;
    int64_t sent_ns = 0;  // when the CAS was sent: the lease's validity counts from then
  };
  // Owns each taken lease whose key still holds its revision a moment later; drops the others
  // from *owned (see the comment in shard_leases.cc).
  void ConfirmAcquired(const std::vector<Taken>& taken, std::chrono::milliseconds budget,
                       std::vector<int>* owned);
  std::vector<std::string> ListMembers(std::chrono::milliseconds budget, Status* error);
  void LeaseLoop();
  void ReleaseAll();
  void WaitForSubscriptions();
  void Subscribe(int shard);                 // requires lease_mu_
  void Unsubscribe(int shard);               // requires lease_mu_
  void Drop(int shard, const char* change);  // requires lease_mu_
  void OnUrlMessage(SubContext* ctx, natsMsg* msg);
  // Resubscribes owned shards whose consumer the server no longer has (requires lease_mu_).
  void CheckSubscriptions(const std::vector<int>& owned);

  JsClient* const client_;
  const NatsClusterOptions& options_;
  const ClusterNames names_;
  const std::chrono::milliseconds renew_interval_;
  kvStore* leases_kv_ = nullptr;
  pipeline::ClusterHooks::UrlSink sink_;

  bool started_ = false;  // controlling thread only
  std::atomic<bool> stopping_{false};
  std::atomic<bool> paused_{false};
  uint64_t checked_epoch_ = 0;  // lease rounds only (lease_mu_)
  int check_rounds_left_ = 0;
  int rounds_since_check_ = 0;

  std::vector<ShardState> shard_states_;
  mutable std::mutex lease_mu_;  // lease rounds, subscriptions
  mutable std::mutex live_mu_;
  std::vector<std::string> live_;  // guarded by live_mu_
  std::mutex sink_mu_;             // held during sink calls; Stop takes it after stopping_
  std::deque<std::unique_ptr<SubContext>> sub_contexts_;  // guarded by lease_mu_
  std::atomic<int> active_subscriptions_{0};  // subscriptions whose completion has not run

  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  std::thread lease_thread_;

  Gauge* shards_owned_ = nullptr;
  Gauge* live_instances_ = nullptr;
  Counter* delivered_ = nullptr;
  std::map<std::string, Counter*> lease_changes_;
};

}  // namespace newscrawl::cluster
