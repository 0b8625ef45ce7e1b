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
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cluster/js_requests.h"
#include "cluster/nats_cluster.h"
#include "cluster/nats_handles.h"
#include "common/clock.h"
#include "store/near_dup.h"

namespace newscrawl::cluster {

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

// One key of a claim (claims.cc): what we write, then what holds it.
struct ClaimKey {
  std::string key;
  std::string value;      // ours to create; after CreateKeys, the value that holds the key
  bool created = false;   // created by this claim
  uint64_t revision = 0;  // the revision holding the key (ours when created)
};

// A band key of a claim, who holds it and since which revision.
struct HeldKey {
  std::string key;
  std::string holder;  // article id
  uint64_t revision = 0;
};

// Of two matching articles, whether `other` is the original of `self`: `holders` are the band
// keys of `self` with their holders, `their_keys` the band keys of `other`; of the keys both have
// and either holds, the one with the lowest revision (written first) decides. Both sides of a
// simultaneous claim compute the same answer from the same holders (claims.cc).
bool OtherIsOriginal(std::vector<HeldKey> holders, const std::set<std::string>& their_keys,
                     const std::string& self, const std::string& other);

// A publish sent and not yet confirmed (publish.cc).
struct PendingPublish {
  JsRequest request;
  AsyncRequests::Ticket ticket;
  std::chrono::steady_clock::time_point sent;
  // Set on an ARTICLES message: the "published" mark of its URL claim, sent only once the
  // message is confirmed (a mark must never name an article the stream does not have).
  std::optional<JsRequest> mark;
};

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
  // Sends every request at once and waits for the replies (request_timeout); the ones whose
  // reply is broker trouble are sent again with backoff for up to op_timeout, counted and logged
  // under `op`. replies[i] answers requests[i]. Unavailable when the trouble outlasts op_timeout.
  Status RoundTrip(const std::string& op, const std::vector<JsRequest>& requests,
                   std::vector<JsReply>* replies);
  // Closes and destroys the connection, then waits (up to 5 s) until nats.c has delivered the
  // closed callback, so no callback runs after this object is gone.
  void CloseConnection();
  Counter& BrokerErrors(const std::string& op);
  void NoteBrokerError(const std::string& op, const Status& status);

  // claims.cc
  Result<pipeline::ClaimDecision> ClaimArticle(const std::string& id, const Article& article);
  Status CreateKeys(std::vector<ClaimKey>* keys, const std::vector<JsRequest>& extra);
  Result<uint64_t> TakeOverUrlClaim(const std::string& id, const std::string& key,
                                    const std::string& holder);
  Result<std::string> NearDuplicateOf(const std::string& id, const std::string& content_hash,
                                      const store::NearDupProbe& probe,
                                      const std::vector<ClaimKey>& keys, size_t first_band);
  void ReleaseKeys(const std::vector<ClaimKey>& keys, const std::string& id,
                   const std::string& original);

  // publish.cc: sends both messages of one publish (requires publish_mu).
  void SendPublish(JsRequest request, std::optional<JsRequest> mark);
  // Waits for confirmations, oldest first, resending broker trouble, until at most `keep` are
  // in flight or `deadline` passes (requires publish_mu). The first failure since the last
  // Flush (a publish given up on, or refused) is returned by the next Flush.
  void SettlePublishes(size_t keep, std::chrono::steady_clock::time_point deadline);
  // The confirm thread: settles publishes as their replies arrive, so the "p" mark of a confirmed
  // article goes out within moments, not at the next Publish or Flush (an instance killed in
  // between would leave its stored articles to be taken over and stored again elsewhere).
  void ConfirmLoop();

  // leases.cc
  // The clock's steady time in ns: what lease validity is measured in.
  int64_t SteadyNowNs() const {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               clock->SteadyNow().time_since_epoch())
        .count();
  }
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
  const Clock* const clock;
  MetricsRegistry* const registry;
  const std::chrono::milliseconds renew_interval;

  std::string leases_bucket, claims_bucket, urls_stream, urls_subject_prefix, articles_stream,
      articles_subject_prefix;

  NatsConnectionPtr conn;
  JsCtxPtr js;
  KvStorePtr leases_kv;
  KvStorePtr claims_kv;
  std::unique_ptr<AsyncRequests> requests;  // made by Connect; gone before the connection
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

  std::mutex publish_mu;
  std::deque<PendingPublish> in_flight;  // guarded by publish_mu, oldest first
  Status publish_failure;                // guarded by publish_mu; reported by Flush
  std::condition_variable publish_sent;  // with publish_mu: in_flight got an entry
  std::thread confirm_thread;

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
