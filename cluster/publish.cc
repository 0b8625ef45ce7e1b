// NatsCluster: requests in flight together (RoundTrip, for claims) and publishing to ARTICLES
// with asynchronous confirmations (Publish sends, Flush waits); see "Publish" in nats_cluster.h.
#include <spdlog/spdlog.h>

#include <thread>

#include "cluster/cluster_impl.h"
#include "cluster/names.h"
#include "common/fingerprint.h"

namespace newscrawl::cluster {
namespace {

// Publishes sent and not yet confirmed, at most; Publish waits for the oldest beyond that.
constexpr size_t kMaxPublishesInFlight = 512;

// A subject token from a site name: [-_A-Za-z0-9], others as '_'; "_" when empty.
std::string SubjectToken(std::string_view site) {
  std::string out;
  for (char c : site) out.push_back(IsNameToken(std::string_view(&c, 1)) ? c : '_');
  if (out.empty()) out = "_";
  return out;
}

Status ReplyError(const JsReply& reply, const std::string& op) {
  if (reply.status != NATS_OK) return NatsError(reply.status, op);
  return Status::Unavailable(op + ": " + ParsePubAck(reply.body).description);
}

// The oldest publish got `reply` (not broker trouble): it leaves the queue, counted, and an
// ARTICLES message confirmed sends its URL claim's mark (requires publish_mu).
void Confirm(NatsCluster::Impl& m, const JsReply& reply) {
  std::optional<JsRequest> mark = std::move(m.in_flight.front().mark);
  m.in_flight.pop_front();
  const PubAckReply ack = ParsePubAck(reply.body);
  if (ack.code != 0) {
    m.BrokerErrors("publish").Increment();
    if (m.publish_failure.ok())
      m.publish_failure = Status::IoError("cluster: publish refused: " + ack.description);
    return;
  }
  if (mark) {
    m.published[ack.duplicate ? "duplicate" : "new"]->Increment();
    m.SendPublish(std::move(*mark), std::nullopt);
  }
}

// Settles, without waiting, the oldest publishes whose reply already came (or whose reply is
// overdue: lost in a reconnect, sent again), so the marks of confirmed articles go out at once
// rather than at the next Flush (requires publish_mu).
void ConfirmArrived(NatsCluster::Impl& m) {
  while (!m.in_flight.empty()) {
    const PendingPublish& oldest = m.in_flight.front();
    if (!m.requests->Ready(oldest.ticket) &&
        std::chrono::steady_clock::now() < oldest.sent + m.options.request_timeout)
      return;
    JsReply reply = m.requests->Take(m.in_flight.front().ticket);
    if (IsTransientReply(reply)) {
      m.NoteBrokerError("publish", ReplyError(reply, "publish"));
      PendingPublish retry = std::move(m.in_flight.front());
      m.in_flight.pop_front();
      m.SendPublish(std::move(retry.request), std::move(retry.mark));
      return;
    }
    Confirm(m, reply);
  }
}

}  // namespace

Status NatsCluster::Impl::RoundTrip(const std::string& op, const std::vector<JsRequest>& batch,
                                    std::vector<JsReply>* replies) {
  replies->assign(batch.size(), JsReply{});
  std::vector<size_t> todo(batch.size());
  for (size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  const auto deadline = std::chrono::steady_clock::now() + options.op_timeout;
  auto backoff = std::chrono::milliseconds(50);
  while (true) {
    std::vector<AsyncRequests::Ticket> tickets;
    tickets.reserve(todo.size());
    for (size_t i : todo) tickets.push_back(requests->Send(batch[i]));
    requests->Wait(tickets, std::chrono::steady_clock::now() + options.request_timeout);
    std::vector<size_t> again;
    Status trouble;
    for (size_t k = 0; k < todo.size(); ++k) {
      JsReply reply = requests->Take(tickets[k]);
      if (IsTransientReply(reply)) {
        again.push_back(todo[k]);
        if (trouble.ok()) trouble = ReplyError(reply, op);
      }
      (*replies)[todo[k]] = std::move(reply);
    }
    if (again.empty()) return Status::Ok();
    NoteBrokerError(op, trouble);
    if (stopping.load() || std::chrono::steady_clock::now() + backoff > deadline)
      return Status::Unavailable(trouble.message() + "; gave up after " +
                                 std::to_string(options.op_timeout.count()) + " ms of retries");
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    todo = std::move(again);
  }
}

Status NatsCluster::Publish(const Article& record, std::string_view record_json,
                            store::EventKind event) {
  Impl& m = *impl_;
  if (!m.started || m.stopping.load()) return Status::FailedPrecondition("cluster not started");
  if (record.id.empty() || record.version == 0)
    return Status::InvalidArgument("cluster: Publish needs a stored record (id and version)");
  JsRequest article;
  article.subject = m.articles_subject_prefix + SubjectToken(record.site);
  article.headers = {{"Nats-Msg-Id", record.id + "." + std::to_string(record.version)},
                     {"Newscrawl-Event", store::EventKindName(event)}};
  article.body = std::string(record_json);  // as stored: never re-serialised
  // The URL claim marked published once the message is confirmed: the article is stored and
  // on the stream for good (IsPublished, Claim).
  JsRequest mark = KvPutRequest(m.claims_bucket, "u." + record.id,
                                FormatUrlClaim({record.id, m.options.instance_name, true}));
  std::lock_guard<std::mutex> lock(m.publish_mu);
  m.SendPublish(std::move(article), std::move(mark));
  ConfirmArrived(m);
  if (m.in_flight.size() > kMaxPublishesInFlight)
    m.SettlePublishes(kMaxPublishesInFlight / 2,
                      std::chrono::steady_clock::now() + m.options.op_timeout);
  return Status::Ok();
}

Status NatsCluster::Flush() {
  Impl& m = *impl_;
  if (!m.started) return Status::FailedPrecondition("cluster not started");
  std::lock_guard<std::mutex> lock(m.publish_mu);
  m.SettlePublishes(0, std::chrono::steady_clock::now() + m.options.op_timeout);
  Status failure = std::move(m.publish_failure);
  m.publish_failure = Status::Ok();
  return failure;
}

void NatsCluster::Impl::SendPublish(JsRequest request, std::optional<JsRequest> mark) {
  PendingPublish p;
  p.ticket = requests->Send(request);
  p.request = std::move(request);
  p.sent = std::chrono::steady_clock::now();
  p.mark = std::move(mark);
  in_flight.push_back(std::move(p));
  publish_sent.notify_one();
}

void NatsCluster::Impl::ConfirmLoop() {
  constexpr auto kTick = std::chrono::milliseconds(100);  // bounds a missed wake-up and Stop
  std::unique_lock<std::mutex> lock(publish_mu);
  while (!stopping.load()) {
    ConfirmArrived(*this);
    if (in_flight.empty()) {
      publish_sent.wait_for(lock, kTick);
      continue;
    }
    const AsyncRequests::Ticket oldest = in_flight.front().ticket;
    const auto until = std::min(std::chrono::steady_clock::now() + kTick,
                                in_flight.front().sent + options.request_timeout);
    lock.unlock();  // Publish and Flush go on while this waits for the reply
    requests->Wait({oldest}, until);
    lock.lock();
  }
}

void NatsCluster::Impl::SettlePublishes(size_t keep,
                                        std::chrono::steady_clock::time_point deadline) {
  auto backoff = std::chrono::milliseconds(50);
  while (in_flight.size() > keep) {
    PendingPublish& oldest = in_flight.front();
    requests->Wait({oldest.ticket}, std::min(deadline, oldest.sent + options.request_timeout));
    JsReply reply = requests->Take(oldest.ticket);
    if (IsTransientReply(reply)) {
      const Status error = ReplyError(reply, "publish");
      NoteBrokerError("publish", error);
      if (stopping.load() || std::chrono::steady_clock::now() + backoff > deadline) {
        // Given up: every unconfirmed publish is dropped and the caller publishes again.
        if (publish_failure.ok())
          publish_failure =
              Status::Unavailable(error.message() + "; " + std::to_string(in_flight.size()) +
                                  " publishes not confirmed");
        in_flight.clear();
        return;
      }
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
      // Sent again (the same Nats-Msg-Id: never a second message), now the newest.
      PendingPublish retry = std::move(in_flight.front());
      in_flight.pop_front();
      SendPublish(std::move(retry.request), std::move(retry.mark));
      continue;
    }
    backoff = std::chrono::milliseconds(50);
    Confirm(*this, reply);
  }
}

}  // namespace newscrawl::cluster
