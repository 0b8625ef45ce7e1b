// Internal to cluster/: NatsCluster's state, shared by nats_cluster.cc (connection, routing,
// claims, publishing) and leases.cc (shard leases and the URL subscriptions of owned shards).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cluster/nats_cluster.h"
#include "cluster/nats_handles.h"

namespace newscrawl::cluster {

// Unix milliseconds (claim ages, heartbeats: compared with server timestamps).
inline int64_t WallNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct KvValue {
  std::string value;
  uint64_t revision = 0;
  int64_t created_ns = 0;  // server time of the put, ns since the epoch
};

// The value of a "u.<id>" URL claim: "<id> <instance> c|p".
struct UrlClaim {
  std::string id;
  std::string instance;
  bool published = false;
};
std::string FormatUrlClaim(const UrlClaim& claim);
UrlClaim ParseUrlClaim(std::string_view value);

// NC_URLS message bodies: "<url>\n<EncodeEntry JSON>".
std::string EncodeRoutedEntry(const pipeline::FrontierEntry& entry);
Result<pipeline::FrontierEntry> DecodeRoutedEntry(std::string_view body);

// The closure of one URL subscription (kept until the Impl dies: nats.c may call it late).
struct SubContext {
  NatsCluster::Impl* impl = nullptr;
  int shard = 0;
  uint64_t generation = 0;
};

struct ShardState {
  // Steady-clock ns until which this instance may act as the owner; 0 = not ours. Read by
  // OwnsHost without a lock; written by the lease thread.
  std::atomic<int64_t> valid_until_ns{0};
  // The rest is guarded by NatsCluster::Impl::lease_mu.
  uint64_t revision = 0;                // KV revision of our lease; 0 = not held
  std::atomic<uint64_t> generation{0};  // bumped whenever the subscription changes
  NatsSubscriptionPtr subscription;
};

struct NatsCluster::Impl {
  explicit Impl(NatsClusterOptions options);
  ~Impl();

  // nats_cluster.cc
  Status Connect();
  Status EnsureStream(const std::string& name, const std::string& subject,
                      std::chrono::milliseconds max_age, int64_t max_bytes,
                      std::chrono::milliseconds duplicates);
  Status EnsureBucket(const std::string& bucket, std::chrono::milliseconds ttl,
                      const std::string& description, KvStorePtr* out);
  // Calls `call` until it returns NATS_OK, a non-transient status, or `final_status` says stop;
  // transient failures are retried with backoff for up to op_timeout, counted and logged.
  // `budget` (0 = options.op_timeout) bounds the retries: lease rounds use renew_interval.
  Status Retry(const std::string& op, const std::function<natsStatus()>& call,
               const std::function<bool(natsStatus)>& final_status = {},
               std::chrono::milliseconds budget = {});
  Result<KvValue> KvGet(kvStore* kv, const std::string& key, const std::string& op,
                        std::chrono::milliseconds budget = {});
  // A compare-and-set put: expected_revision 0 = the key must not exist, nullopt = any.
  // AlreadyExists when the CAS fails.
  Result<uint64_t> KvPut(const std::string& bucket, const std::string& key, std::string_view value,
                         std::optional<uint64_t> expected_revision, const std::string& op,
                         std::chrono::milliseconds budget = {});
  Result<std::string> CreateOrGet(const std::string& key, const std::string& value,
                                  const std::string& op);
  // Closes and destroys the connection, then waits (up to 5 s) until nats.c has delivered the
  // closed callback, so no callback runs after this object is gone.
  void CloseConnection();
  Counter& BrokerErrors(const std::string& op);
  void NoteBrokerError(const std::string& op, const Status& status);

  // leases.cc
  bool OwnsShard(int shard) const;
  Status LeaseRound();
  void LeaseLoop();
  void ReleaseAll();
  void WaitForSubscriptions();
  void Subscribe(int shard);                 // requires lease_mu
  void Unsubscribe(int shard);               // requires lease_mu
  void Drop(int shard, const char* change);  // requires lease_mu
  void OnUrlMessage(SubContext* ctx, natsMsg* msg);
  // Resubscribes owned shards whose consumer the server no longer has (requires lease_mu).
  void CheckSubscriptions(const std::vector<int>& owned);

  const NatsClusterOptions options;
  MetricsRegistry* const registry;
  const std::chrono::milliseconds renew_interval;

  std::string leases_bucket, claims_bucket, urls_stream, urls_subject_prefix, articles_stream,
      articles_subject_prefix;

  NatsConnectionPtr conn;
  JsCtxPtr js;
  KvStorePtr leases_kv;
  KvStorePtr claims_kv;
  pipeline::ClusterHooks::UrlSink sink;

  bool started = false;  // Start/Stop thread only
  bool stopped = false;
  std::atomic<bool> stopping{false};
  std::atomic<bool> connected{false};
  std::atomic<bool> paused{false};
  std::atomic<uint64_t> async_errors{0};
  // Bumped on every disconnect, reconnect and async error: the URL subscriptions are then
  // checked (their server-side consumers may be gone with a node) for the next rounds.
  std::atomic<uint64_t> trouble_epoch{0};
  uint64_t checked_epoch = 0;  // lease thread only
  int check_rounds_left = 0;   // lease thread only
  int rounds_since_check = 0;  // lease thread only
  // Set by the closed callback, nats.c's last call into this object for a connection.
  std::atomic<bool> closed_callback_done{false};

  std::vector<ShardState> shard_states;
  mutable std::mutex lease_mu;  // lease rounds, subscriptions, live list
  std::mutex live_mu;
  std::vector<std::string> live;  // guarded by live_mu
  std::mutex sink_mu;             // held during sink calls; Stop takes it after stopping = true
  std::deque<std::unique_ptr<SubContext>> sub_contexts;  // guarded by lease_mu
  std::atomic<int> active_subscriptions{0};  // subscriptions whose completion has not run

  std::mutex loop_mu;
  std::condition_variable loop_cv;
  std::thread lease_thread;

  // Metrics.
  Gauge* shards_owned = nullptr;
  Gauge* live_instances = nullptr;
  Gauge* connected_gauge = nullptr;
  Counter* reconnects = nullptr;
  Counter* routed = nullptr;
  Counter* delivered = nullptr;
  std::map<std::string, Counter*> published;
  std::map<std::string, Counter*> claims;
  std::map<std::string, Counter*> lease_changes;
  std::mutex metrics_mu;
  std::map<std::string, Counter*> broker_errors;  // guarded by metrics_mu
  std::map<std::string, int64_t> last_logged_ms;  // guarded by metrics_mu
};

}  // namespace newscrawl::cluster
