#include "cluster/js_requests.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>

namespace newscrawl::cluster {
namespace {

// Standard base64 (JetStream's encoding of message data and headers in API replies); stops at
// '=' or the first byte outside the alphabet.
std::string Base64Decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(in.size() * 3 / 4);
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    const int v = value(c);
    if (v < 0) break;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xff));
    }
  }
  return out;
}

// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// A JetStream time ("2026-12-07T15:00:58.123456789Z", UTC as the server writes it) in ns since
// the epoch; 0 when it does not parse.
int64_t ParseServerTime(const std::string& t) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, used = 0;
  if (std::sscanf(t.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s, &used) != 6)
    return 0;
  int64_t ns = 0;
  size_t i = static_cast<size_t>(used);
  if (i < t.size() && t[i] == '.') {
    int64_t scale = 100000000;
    for (++i; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i, scale /= 10)
      ns += (t[i] - '0') * scale;
  }
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  return ((days * 24 + h) * 60 + mi) * 60 * int64_t{1000000000} + s * int64_t{1000000000} + ns;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// AsyncRequests.

struct AsyncRequests::Slot {
  uint64_t token = 0;
  bool done = false;  // guarded by AsyncRequests::mu_
  JsReply reply;      // guarded by AsyncRequests::mu_
};

Result<std::unique_ptr<AsyncRequests>> AsyncRequests::Start(natsConnection* conn) {
  natsInbox* inbox = nullptr;
  natsStatus s = natsInbox_Create(&inbox);
  if (s != NATS_OK) return NatsError(s, "creating a reply inbox");
  std::string name(inbox);
  natsInbox_Destroy(inbox);
  natsSubscription* sub = nullptr;
  s = natsConnection_SubscribeSync(&sub, conn, (name + ".*").c_str());
  if (s != NATS_OK) return NatsError(s, "subscribing to the reply inbox");
  NatsSubscriptionPtr owned(sub);
  // Replies are small and many may be in flight: no limit but memory.
  natsSubscription_SetPendingLimits(sub, -1, -1);
  return std::unique_ptr<AsyncRequests>(new AsyncRequests(conn, std::move(name), std::move(owned)));
}

AsyncRequests::AsyncRequests(natsConnection* conn, std::string inbox, NatsSubscriptionPtr sub)
    : conn_(conn), inbox_(std::move(inbox)), sub_(std::move(sub)) {
  reader_ = std::thread([this] { ReadReplies(); });
}

AsyncRequests::~AsyncRequests() {
  stopping_.store(true);
  if (reader_.joinable()) reader_.join();
  sub_.reset();
  std::lock_guard<std::mutex> lock(mu_);
  outstanding_.clear();
  replied_.notify_all();
}

void AsyncRequests::ReadReplies() {
  while (!stopping_.load()) {
    natsMsg* raw = nullptr;
    natsStatus s = natsSubscription_NextMsg(&raw, sub_.get(), 100);
    if (s == NATS_TIMEOUT) continue;
    if (s != NATS_OK) {
      // Closed or invalid (the connection is going away): wait to be stopped.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      continue;
    }
    NatsMsgPtr msg(raw);
    const std::string_view subject(natsMsg_GetSubject(raw));
    const uint64_t token =
        std::strtoull(std::string(subject.substr(subject.rfind('.') + 1)).c_str(), nullptr, 10);
    JsReply reply;
    reply.status = natsMsg_IsNoResponders(raw) ? NATS_NO_RESPONDERS : NATS_OK;
    const char* data = natsMsg_GetData(raw);
    if (data != nullptr) reply.body.assign(data, static_cast<size_t>(natsMsg_GetDataLength(raw)));
    if (reply.status == NATS_OK && reply.body.empty()) reply.status = NATS_ERR;  // a bare status
    std::lock_guard<std::mutex> lock(mu_);
    auto it = outstanding_.find(token);
    if (it == outstanding_.end()) continue;  // given up on, or a stray
    it->second->reply = std::move(reply);
    it->second->done = true;
    outstanding_.erase(it);
    replied_.notify_all();
  }
}

AsyncRequests::Ticket AsyncRequests::Send(const JsRequest& request) {
  auto slot = std::make_shared<Slot>();
  {
    std::lock_guard<std::mutex> lock(mu_);
    slot->token = next_token_++;
    outstanding_.emplace(slot->token, slot);
  }
  const std::string reply_to = inbox_ + "." + std::to_string(slot->token);
  natsMsg* raw = nullptr;
  natsStatus s = natsMsg_Create(&raw, request.subject.c_str(), reply_to.c_str(),
                                request.body.data(), static_cast<int>(request.body.size()));
  NatsMsgPtr msg(raw);
  for (const auto& [key, value] : request.headers)
    if (s == NATS_OK) s = natsMsgHeader_Set(raw, key.c_str(), value.c_str());
  if (s == NATS_OK) s = natsConnection_PublishMsg(conn_, raw);
  if (s != NATS_OK) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!slot->done) {
      outstanding_.erase(slot->token);
      slot->reply.status = s;
      slot->done = true;
    }
  }
  return slot;
}

void AsyncRequests::Wait(const std::vector<Ticket>& tickets,
                         std::chrono::steady_clock::time_point deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  replied_.wait_until(lock, deadline, [&] {
    for (const Ticket& t : tickets)
      if (!t->done) return stopping_.load();
    return true;
  });
}

bool AsyncRequests::Ready(const Ticket& ticket) {
  std::lock_guard<std::mutex> lock(mu_);
  return ticket->done;
}

JsReply AsyncRequests::Take(const Ticket& ticket) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!ticket->done) {
    outstanding_.erase(ticket->token);
    ticket->done = true;
    ticket->reply = JsReply{};  // NATS_TIMEOUT
  }
  return ticket->reply;
}

// ---------------------------------------------------------------------------------------------
// Wire format.

PubAckReply ParsePubAck(std::string_view body) {
  PubAckReply ack;
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) {
    ack.code = 500;
    ack.description = "unreadable PubAck: " + std::string(body.substr(0, 200));
    return ack;
  }
  if (auto e = json.find("error"); e != json.end() && e->is_object()) {
    ack.code = e->value("code", 500);
    ack.err_code = e->value("err_code", 0);
    ack.description = e->value("description", std::string("JetStream error"));
    return ack;
  }
  ack.sequence = json.value("seq", uint64_t{0});
  ack.duplicate = json.value("duplicate", false);
  return ack;
}

bool IsTransientReply(const JsReply& reply) {
  if (reply.status != NATS_OK) return IsTransient(reply.status) || reply.status == NATS_ERR;
  // Only JSON errors with code 503 (JetStream not available / no quorum) are broker trouble.
  const size_t error = reply.body.find("\"error\"");
  return error != std::string::npos && reply.body.find("\"code\":503", error) != std::string::npos;
}

Status ReplyError(const JsReply& reply, const std::string& op) {
  if (reply.status != NATS_OK) return NatsError(reply.status, op);
  return Status::Unavailable(op + ": " + ParsePubAck(reply.body).description);
}

JsRequest KvPutRequest(const std::string& bucket, const std::string& key, std::string value,
                       std::optional<uint64_t> expected_revision) {
  JsRequest r;
  r.subject = "$KV." + bucket + "." + key;
  if (expected_revision)
    r.headers.emplace_back("Nats-Expected-Last-Subject-Sequence",
                           std::to_string(*expected_revision));
  r.body = std::move(value);
  return r;
}

JsRequest KvDeleteRequest(const std::string& bucket, const std::string& key, uint64_t revision) {
  JsRequest r = KvPutRequest(bucket, key, "", revision);
  r.headers.emplace_back("KV-Operation", "DEL");
  return r;
}

JsRequest KvGetRequest(const std::string& bucket, const std::string& key) {
  return LastMessageRequest("KV_" + bucket, "$KV." + bucket + "." + key);
}

JsRequest MessageBySeqRequest(const std::string& stream, uint64_t seq) {
  JsRequest r;
  r.subject = "$JS.API.STREAM.MSG.GET." + stream;
  r.body = nlohmann::json{{"seq", seq}}.dump();
  return r;
}

JsRequest LastMessageRequest(const std::string& stream, const std::string& subject) {
  JsRequest r;
  r.subject = "$JS.API.STREAM.MSG.GET." + stream;
  r.body = nlohmann::json{{"last_by_subj", subject}}.dump();
  return r;
}

Result<KvRecord> ParseKvGet(std::string_view body) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return Status::Corruption("unreadable KV read reply");
  if (auto e = json.find("error"); e != json.end() && e->is_object()) {
    const int code = e->value("code", 500);
    std::string what = e->value("description", std::string("JetStream error"));
    if (code == 404) return Status::NotFound(what);
    if (code == 503) return Status::Unavailable(what);
    return Status::IoError(what);
  }
  auto m = json.find("message");
  if (m == json.end() || !m->is_object())
    return Status::Corruption("KV read reply without message");
  KvRecord record;
  record.revision = m->value("seq", uint64_t{0});
  record.value = Base64Decode(m->value("data", std::string()));
  record.time_ns = ParseServerTime(m->value("time", std::string()));
  const std::string headers = Base64Decode(m->value("hdrs", std::string()));
  record.deleted = headers.find("KV-Operation") != std::string::npos;  // DEL or PURGE
  return record;
}

}  // namespace newscrawl::cluster
