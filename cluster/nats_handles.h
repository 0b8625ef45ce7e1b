// RAII for the nats.c handles the cluster uses, and the translation of natsStatus into Status.
//
// Every handle is a std::unique_ptr with the matching nats.c destroy function, so no code path
// leaks one (ASan checks it in tests/cluster). natsConnection's deleter closes before destroying.
// Internal to cluster/ (the library's API is cluster/nats_cluster.h). Thread safety: as nats.c
// (connections, JetStream contexts and KV stores may be used from several threads; a message or
// a subscription by one at a time).
#pragma once

#include <nats/nats.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace newscrawl::cluster {

struct NatsOptionsDeleter {
  void operator()(natsOptions* p) const { natsOptions_Destroy(p); }
};
struct NatsConnectionDeleter {
  void operator()(natsConnection* p) const {
    natsConnection_Close(p);
    natsConnection_Destroy(p);
  }
};
struct JsCtxDeleter {
  void operator()(jsCtx* p) const { jsCtx_Destroy(p); }
};
struct KvStoreDeleter {
  void operator()(kvStore* p) const { kvStore_Destroy(p); }
};
struct KvEntryDeleter {
  void operator()(kvEntry* p) const { kvEntry_Destroy(p); }
};
// Destroy only: it removes the interest, and (nats.c >= 3.4.0) leaves the JetStream consumer to
// the server (durables stay; ephemerals go after their inactivity threshold). An explicit
// Unsubscribe would also delete the consumer, and nats.c 3.4.1 reads freed memory when that
// deletion fails (seen under ASan while a NATS node was down).
struct NatsSubscriptionDeleter {
  void operator()(natsSubscription* p) const { natsSubscription_Destroy(p); }
};
struct NatsMsgDeleter {
  void operator()(natsMsg* p) const { natsMsg_Destroy(p); }
};
struct JsPubAckDeleter {
  void operator()(jsPubAck* p) const { jsPubAck_Destroy(p); }
};
struct JsStreamInfoDeleter {
  void operator()(jsStreamInfo* p) const { jsStreamInfo_Destroy(p); }
};

using NatsOptionsPtr = std::unique_ptr<natsOptions, NatsOptionsDeleter>;
using NatsConnectionPtr = std::unique_ptr<natsConnection, NatsConnectionDeleter>;
using JsCtxPtr = std::unique_ptr<jsCtx, JsCtxDeleter>;
using KvStorePtr = std::unique_ptr<kvStore, KvStoreDeleter>;
using KvEntryPtr = std::unique_ptr<kvEntry, KvEntryDeleter>;
using NatsSubscriptionPtr = std::unique_ptr<natsSubscription, NatsSubscriptionDeleter>;
using NatsMsgPtr = std::unique_ptr<natsMsg, NatsMsgDeleter>;
using JsPubAckPtr = std::unique_ptr<jsPubAck, JsPubAckDeleter>;
using JsStreamInfoPtr = std::unique_ptr<jsStreamInfo, JsStreamInfoDeleter>;

// How to reach the NATS servers: one place for NatsCluster and ArticleReader.
struct NatsConnectOptions {
  std::vector<std::string> urls;            // the client fails over between them; required
  std::string name;                         // shown by the server ("" = none)
  std::chrono::milliseconds timeout{2000};  // connect and JetStream request timeout
  // Keeps publishing into a reconnect buffer while no server is reachable (0 = nats.c default).
  int reconnect_buffer_bytes = 0;
  // Pings every 2 s and gives up on a silent server after 2 missed pongs (else nats.c's
  // defaults); a long-lived member of the cluster notices a dead node quickly.
  bool fast_failure_detection = false;
  // Connection events (closure passed back); null = not watched.
  natsConnectionHandler on_disconnected = nullptr;
  natsConnectionHandler on_reconnected = nullptr;
  natsConnectionHandler on_closed = nullptr;
  natsErrHandler on_async_error = nullptr;
  void* closure = nullptr;
  // One pool thread delivers every asynchronous subscription (instead of a thread each).
  bool global_message_delivery = false;
  // Writes every publish to the socket at once. Without it nats.c's flusher thread sleeps 1 ms
  // before it writes what was buffered: every asynchronous request (AsyncRequests) then costs a
  // millisecond more than its round trip, on loopback four times the round trip itself.
  bool send_asap = false;
};

// A connection and its JetStream context (destroyed context first).
struct JsConnection {
  NatsConnectionPtr conn;
  JsCtxPtr js;
};

// Connects (reconnecting forever after a loss) and opens JetStream. `connect` wraps the one
// connect attempt (e.g. retries with backoff); null = a single attempt. Unavailable naming
// every URL when no server answers.
Result<JsConnection> ConnectJetStream(
    const NatsConnectOptions& options,
    const std::function<Status(const std::function<natsStatus()>&)>& connect = nullptr);

// Whether a failed call is worth retrying: the broker is (re)connecting, electing a leader, or
// slow (timeouts, no responders, I/O errors, a closed or draining connection is not).
bool IsTransient(natsStatus s);

// "<what>: <nats.c text> (<last error text of this thread>)" as Unavailable for transient
// failures, NotFound for NATS_NOT_FOUND, IoError otherwise.
Status NatsError(natsStatus s, std::string_view what);

}  // namespace newscrawl::cluster
