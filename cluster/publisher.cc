// Publisher: publishing to ARTICLES with asynchronous confirmations (Publish sends, a confirm
// thread collects, Flush waits); see "Publish()" in nats_cluster.h.
#include "cluster/publisher.h"

#include <spdlog/spdlog.h>

#include <thread>

#include "cluster/claims.h"

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

}  // namespace

Publisher::Publisher(JsClient* client, const NatsClusterOptions& options, const ClusterNames& names)
    : client_(client), options_(options), names_(names) {
  for (const char* result : {"new", "duplicate"})
    published_[result] = &client_->metrics().GetCounter(
        "newscrawl_cluster_published_total",
        "Articles published to ARTICLES, by PubAck (duplicate = already there with the same id "
        "and version).",
        {{"result", result}});
}

Publisher::~Publisher() { Stop(); }

void Publisher::Start() {
  started_ = true;
  confirm_thread_ = std::thread([this] { ConfirmLoop(); });
}

void Publisher::Stop() {
  if (!started_) return;
  started_ = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  sent_.notify_all();
  if (confirm_thread_.joinable()) confirm_thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  if (client_->has_requests())
    Settle(0, std::chrono::steady_clock::now() +
                  std::min(options_.op_timeout, std::chrono::milliseconds(5000)));
}

Status Publisher::Publish(const Article& record, std::string_view record_json,
                          store::EventKind event) {
  if (record.id.empty() || record.version == 0)
    return Status::InvalidArgument("cluster: Publish needs a stored record (id and version)");
  JsRequest article;
  article.subject = names_.articles_subject_prefix + SubjectToken(record.site);
  article.headers = {{"Nats-Msg-Id", record.id + "." + std::to_string(record.version)},
                     {"Newscrawl-Event", store::EventKindName(event)}};
  article.body = std::string(record_json);  // as stored: never re-serialised
  // The URL claim marked published once the message is confirmed: the article is stored and
  // on the stream for good (IsPublished, Claim).
  JsRequest mark = KvPutRequest(names_.claims_bucket, "u." + record.id,
                                FormatUrlClaim({record.id, options_.instance_name, true}));
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return Status::FailedPrecondition("cluster stopping");
  Send(std::move(article), std::move(mark));
  ConfirmArrived();
  if (in_flight_.size() > kMaxPublishesInFlight)
    Settle(kMaxPublishesInFlight / 2, std::chrono::steady_clock::now() + options_.op_timeout);
  return Status::Ok();
}

Status Publisher::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  Settle(0, std::chrono::steady_clock::now() + options_.op_timeout);
  Status failure = std::move(failure_);
  failure_ = Status::Ok();
  return failure;
}

void Publisher::Send(JsRequest request, std::optional<JsRequest> mark) {
  Pending p;
  p.ticket = client_->requests().Send(request);
  p.request = std::move(request);
  p.sent = std::chrono::steady_clock::now();
  p.mark = std::move(mark);
  in_flight_.push_back(std::move(p));
  sent_.notify_one();
}

void Publisher::Confirm(const JsReply& reply) {
  std::optional<JsRequest> mark = std::move(in_flight_.front().mark);
  in_flight_.pop_front();
  const PubAckReply ack = ParsePubAck(reply.body);
  if (ack.code != 0) {
    client_->BrokerErrors("publish").Increment();
    if (failure_.ok()) failure_ = Status::IoError("cluster: publish refused: " + ack.description);
    return;
  }
  if (mark) {
    published_[ack.duplicate ? "duplicate" : "new"]->Increment();
    Send(std::move(*mark), std::nullopt);
  }
}

void Publisher::ConfirmArrived() {
  AsyncRequests& requests = client_->requests();
  while (!in_flight_.empty()) {
    const Pending& oldest = in_flight_.front();
    if (!requests.Ready(oldest.ticket) &&
        std::chrono::steady_clock::now() < oldest.sent + options_.request_timeout)
      return;
    JsReply reply = requests.Take(oldest.ticket);
    if (IsTransientReply(reply)) {
      client_->NoteBrokerError("publish", ReplyError(reply, "publish"));
      Resend();
      return;
    }
    Confirm(reply);
  }
}

void Publisher::Resend() {
  AsyncRequests& requests = client_->requests();
  const auto now = std::chrono::steady_clock::now();
  for (Pending& p : in_flight_) {
    const bool oldest = &p == &in_flight_.front();
    if (!oldest && (requests.Ready(p.ticket) || now < p.sent + options_.request_timeout))
      continue;  // a reply in hand is looked at in turn; a recent send may still be answered
    (void)requests.Take(p.ticket);        // a late reply to the old send is dropped
    p.ticket = requests.Send(p.request);  // the same Nats-Msg-Id: never a second message
    p.sent = now;
  }
}

void Publisher::ConfirmLoop() {
  constexpr auto kTick = std::chrono::milliseconds(100);  // bounds a missed wake-up and Stop
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    ConfirmArrived();
    if (in_flight_.empty()) {
      sent_.wait_for(lock, kTick);
      continue;
    }
    const AsyncRequests::Ticket oldest = in_flight_.front().ticket;
    const auto until = std::min(std::chrono::steady_clock::now() + kTick,
                                in_flight_.front().sent + options_.request_timeout);
    lock.unlock();  // Publish and Flush go on while this waits for the reply
    client_->requests().Wait({oldest}, until);
    lock.lock();
  }
}

void Publisher::Settle(size_t keep, std::chrono::steady_clock::time_point deadline) {
  auto backoff = std::chrono::milliseconds(50);
  while (in_flight_.size() > keep) {
    Pending& oldest = in_flight_.front();
    client_->requests().Wait({oldest.ticket},
                             std::min(deadline, oldest.sent + options_.request_timeout));
    JsReply reply = client_->requests().Take(oldest.ticket);
    if (IsTransientReply(reply)) {
      const Status error = ReplyError(reply, "publish");
      client_->NoteBrokerError("publish", error);
      // A reply that did not come was waited for already; an immediate refusal (no responders
      // during an election) is paced by the backoff.
      const bool waited = reply.status == NATS_TIMEOUT;
      if (client_->stopping() ||
          std::chrono::steady_clock::now() + (waited ? std::chrono::milliseconds(0) : backoff) >
              deadline) {
        // Given up: every unconfirmed publish is dropped and the caller publishes again.
        if (failure_.ok())
          failure_ =
              Status::Unavailable(error.message() + "; " + std::to_string(in_flight_.size()) +
                                  " publishes not confirmed");
        in_flight_.clear();
        return;
      }
      if (!waited) {
        std::this_thread::sleep_for(backoff);
        backoff = std::min(backoff * 2, std::chrono::milliseconds(1000));
      }
      Resend();
      continue;
    }
    backoff = std::chrono::milliseconds(50);
    Confirm(reply);
  }
}

}  // namespace newscrawl::cluster
