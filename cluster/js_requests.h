// Many JetStream requests in flight on one connection: the cluster's claims and publishes are
// sent together and their replies awaited together, so a claim costs one round trip to the
// broker however many keys it writes (issue #14). Internal to cluster/.
//
// AsyncRequests subscribes to one inbox ("_INBOX.<nuid>.*") and gives every request its own
// reply subject under it; a thread of its own (not nats.c's message-delivery pool, where a slow
// URL sink could hold up the replies) hands each reply to its request. A request that gets no
// reply within the wait is reported as NATS_TIMEOUT and its late reply is dropped; the caller
// resends (JetStream publishes carry a Nats-Msg-Id or an expected sequence, so a resend never
// writes twice).
//
// The request builders and reply readers below speak the JetStream wire format directly: KV
// puts are publishes to "$KV.<bucket>.<key>" (an expected last subject sequence makes them
// compare-and-set), KV reads are "$JS.API.STREAM.MSG.GET.KV_<bucket>" requests answered by the
// stream leader (so a read never misses a write the leader acknowledged).
//
// Thread safety: Send, Wait and Take may be called from any number of threads at once.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "cluster/nats_handles.h"
#include "common/status.h"

namespace newscrawl::cluster {

// One message to send and await a reply for.
struct JsRequest {
  std::string subject;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// What came back. status NATS_OK: a reply (body, possibly a JSON error); NATS_TIMEOUT: none
// within the wait; NATS_NO_RESPONDERS: nobody serves the subject now (an election); anything
// else: the send itself failed.
struct JsReply {
  natsStatus status = NATS_TIMEOUT;
  std::string body;
};

class AsyncRequests {
 public:
  struct Slot;
  using Ticket = std::shared_ptr<Slot>;

  // Subscribes to a fresh inbox on `conn` (not owned; it must outlive this object) and starts
  // the reply thread. IoError when the subscription cannot be made.
  static Result<std::unique_ptr<AsyncRequests>> Start(natsConnection* conn);
  // Stops the thread and drops the subscription; requests still in flight get NATS_TIMEOUT.
  ~AsyncRequests();
  AsyncRequests(const AsyncRequests&) = delete;
  AsyncRequests& operator=(const AsyncRequests&) = delete;

  // Sends `request` (it is copied into the message). A send failure completes the ticket at once.
  Ticket Send(const JsRequest& request);
  // Waits until every ticket has its reply or `deadline` passes.
  void Wait(const std::vector<Ticket>& tickets, std::chrono::steady_clock::time_point deadline);
  // True when `ticket` has its reply.
  bool Ready(const Ticket& ticket);
  // The reply of `ticket` (NATS_TIMEOUT when none came yet; the ticket is then given up and a
  // late reply is dropped).
  JsReply Take(const Ticket& ticket);

 private:
  AsyncRequests(natsConnection* conn, std::string inbox, NatsSubscriptionPtr sub);
  void ReadReplies();

  natsConnection* const conn_;
  const std::string inbox_;  // "_INBOX.<nuid>"; replies come to inbox_ + "." + token
  NatsSubscriptionPtr sub_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable replied_;
  uint64_t next_token_ = 1;                 // guarded by mu_
  std::map<uint64_t, Ticket> outstanding_;  // guarded by mu_
  std::thread reader_;
};

// ---------------------------------------------------------------------------------------------
// JetStream wire format.

// A PubAck (or the error JetStream sent instead).
struct PubAckReply {
  uint64_t sequence = 0;   // the stream sequence (= the KV revision) of the stored message
  bool duplicate = false;  // dropped as a repeat of the same Nats-Msg-Id
  int code = 0;            // JetStream error: HTTP-like code (0 = none) and its err_code
  int err_code = 0;
  std::string description;
};
PubAckReply ParsePubAck(std::string_view body);

// The err_code of "wrong last sequence" (a compare-and-set that lost).
constexpr int kWrongLastSequence = 10071;

// True when `reply` is broker trouble worth sending again (no reply, no responders, a failed
// send, JetStream unavailable (code 503)).
bool IsTransientReply(const JsReply& reply);
// A failed reply as a Status for `op`: the send's natsStatus, or the JetStream error (Unavailable).
Status ReplyError(const JsReply& reply, const std::string& op);

// A KV put of `value` to `key`; with `expected_revision`, a compare-and-set (0 = the key must
// have no message at all).
JsRequest KvPutRequest(const std::string& bucket, const std::string& key, std::string value,
                       std::optional<uint64_t> expected_revision = std::nullopt);
// A delete marker on `key`, only while its revision is still `revision`.
JsRequest KvDeleteRequest(const std::string& bucket, const std::string& key, uint64_t revision);
// A read of the last message of `key` from the stream leader.
JsRequest KvGetRequest(const std::string& bucket, const std::string& key);
// A read of the last message on `subject` of `stream` from its leader (answered like a KV read:
// ParseKvGet; NotFound when the subject has none).
JsRequest LastMessageRequest(const std::string& stream, const std::string& subject);

// A read of message `seq` of `stream` from its leader (answered like a KV read: ParseKvGet;
// NotFound when the stream has no such message, e.g. deleted by its MaxAge).
JsRequest MessageBySeqRequest(const std::string& stream, uint64_t seq);

// A KV read's answer: found (value, revision), a delete/purge marker (deleted, revision), or
// absent (NotFound). Corruption when the reply does not parse, IoError for a JetStream error.
struct KvRecord {
  std::string value;
  uint64_t revision = 0;
  bool deleted = false;
  int64_t time_ns = 0;  // when the server stored it (ns since the epoch; 0 when unreadable)
};
Result<KvRecord> ParseKvGet(std::string_view body);

}  // namespace newscrawl::cluster
