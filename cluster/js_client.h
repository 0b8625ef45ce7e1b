// JsClient: the cluster's JetStream client (internal to cluster/): one connection, its JetStream
// context, the buckets opened on it, many requests in flight at once (AsyncRequests), and the
// retry policy every broker call of the cluster follows. NatsCluster's parts (leases, claims,
// publishing, routing) and ArticleReader all reach NATS through it.
//
// Retry policy: a transient failure (no responders during a leader election, a timeout, a node
// down, a reconnect; nats_handles.h IsTransient) is retried with exponential backoff (50 ms ..
// 2 s) for up to a budget (op_timeout unless the call gives its own), each failure counted in
// newscrawl_cluster_broker_errors_total{op=...} and logged (at most once a second per op); then
// the call returns Unavailable. Other failures return at once.
//
// Connection state: connected(), reconnects and a "trouble epoch" bumped on every disconnect,
// reconnect and asynchronous error (the lease rounds check their subscriptions after trouble).
//
// Thread safety: every method may be called from several threads at once, except Connect,
// OpenBucket and Close (the controlling thread, before and after the others).
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/js_requests.h"
#include "cluster/nats_handles.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"

namespace newscrawl::cluster {

// A KV entry as read.
struct KvValue {
  std::string value;
  uint64_t revision = 0;
  int64_t created_ns = 0;  // server time of the put, ns since the epoch
};

class JsClient {
 public:
  struct Options {
    std::chrono::milliseconds op_timeout{10000};      // default retry budget of a call
    std::chrono::milliseconds request_timeout{2000};  // one request's wait for its reply
    MetricsRegistry* metrics = nullptr;               // nullptr = MetricsRegistry::Default()
    const Clock* clock = nullptr;                     // nullptr = SystemClock(); not owned
  };
  explicit JsClient(Options options);
  ~JsClient();  // Close()
  JsClient(const JsClient&) = delete;
  JsClient& operator=(const JsClient&) = delete;

  // Connects (retried as above under op "connect"; reconnecting forever after a loss; the
  // connection events of `connect` are replaced by this client's own) and starts the request
  // reader. Unavailable naming every URL when no server answers.
  Status Connect(NatsConnectOptions connect);
  // Closes the buckets, the request reader and the connection, then waits (up to 5 s) until
  // nats.c has delivered the closed callback, so no callback runs after this object is gone.
  // Idempotent.
  void Close();
  // After this, retries give up at once (the caller is stopping).
  void BeginStop() { stopping_.store(true); }
  bool stopping() const { return stopping_.load(); }

  // Creates the stream when missing (file storage, `replicas` copies; another instance making it
  // meanwhile is fine).
  Status EnsureStream(const std::string& name, const std::string& subject, int replicas,
                      std::chrono::milliseconds max_age, int64_t max_bytes,
                      std::chrono::milliseconds duplicates);
  // Binds to the KV bucket, creating it when missing (history 1, `ttl` (0 = none), file
  // storage). A non-empty `description` must match an existing bucket's: FailedPrecondition
  // naming both when it does not (every instance must agree). The handle lives until Close().
  Result<kvStore*> OpenBucket(const std::string& bucket, std::chrono::milliseconds ttl,
                              int replicas, const std::string& description);

  // Calls `call` until it returns NATS_OK, a non-transient status, or `final_status` says stop
  // (that status is returned as an error, not counted). `budget` 0 = op_timeout.
  Status Retry(const std::string& op, const std::function<natsStatus()>& call,
               const std::function<bool(natsStatus)>& final_status = {},
               std::chrono::milliseconds budget = {});
  // The entry of `key` (NotFound when absent or deleted).
  Result<KvValue> KvGet(kvStore* kv, const std::string& key, const std::string& op,
                        std::chrono::milliseconds budget = {});
  // A compare-and-set put: expected_revision 0 = the key must not exist, nullopt = any. The new
  // revision; AlreadyExists when the CAS fails.
  Result<uint64_t> KvPut(const std::string& bucket, const std::string& key, std::string_view value,
                         std::optional<uint64_t> expected_revision, const std::string& op,
                         std::chrono::milliseconds budget = {});
  // Sends every request at once and waits for the replies (request_timeout); those whose reply
  // is broker trouble are sent again as above under `op`. replies[i] answers requests[i].
  Status RoundTrip(const std::string& op, const std::vector<JsRequest>& requests,
                   std::vector<JsReply>* replies);

  // Counts a failed broker operation; NoteBrokerError also logs it (rate-limited per op).
  Counter& BrokerErrors(const std::string& op);
  void NoteBrokerError(const std::string& op, const Status& status);

  jsCtx* js() const { return js_.get(); }
  AsyncRequests& requests() const { return *requests_; }
  bool has_requests() const { return requests_ != nullptr; }
  bool connected() const { return connected_.load(); }
  // Bumped on every disconnect, reconnect and asynchronous error.
  uint64_t trouble_epoch() const { return trouble_epoch_.load(); }
  const Options& options() const { return options_; }
  const Clock& clock() const { return *clock_; }
  MetricsRegistry& metrics() const { return *registry_; }

 private:
  static void OnDisconnected(natsConnection*, void* closure);
  static void OnReconnected(natsConnection*, void* closure);
  static void OnClosed(natsConnection*, void* closure);
  static void OnAsyncError(natsConnection*, natsSubscription*, natsStatus err, void* closure);

  const Options options_;
  const Clock* const clock_;
  MetricsRegistry* const registry_;
  NatsConnectionPtr conn_;
  JsCtxPtr js_;
  std::unique_ptr<AsyncRequests> requests_;  // gone before the connection
  std::vector<KvStorePtr> buckets_;          // gone before the connection
  std::atomic<bool> stopping_{false};
  std::atomic<bool> connected_{false};
  std::atomic<uint64_t> trouble_epoch_{0};
  std::atomic<bool> closing_{false};               // Close() runs: its disconnect is not news
  std::atomic<bool> closed_callback_done_{false};  // nats.c's last call into this object
  Gauge* connected_gauge_ = nullptr;
  Counter* reconnects_ = nullptr;
  std::mutex metrics_mu_;
  std::map<std::string, Counter*> broker_errors_;  // guarded by metrics_mu_
  std::map<std::string, int64_t> last_logged_ms_;  // guarded by metrics_mu_
};

}  // namespace newscrawl::cluster
