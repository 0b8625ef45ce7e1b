// ClaimLog: the reader of NC_CLAIMLOG and the waits of the claims; see claim_log.h.
#include "cluster/claim_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

namespace newscrawl::cluster {

namespace {

// A waiting claim that sees no message applied for this long has the consumer recreated.
constexpr auto kStallLimit = std::chrono::seconds(1);
// How long a claim waits for the consumer before it reads the missing messages itself, and how
// many it reads at most (a longer gap is the start-up replay: the consumer's).
constexpr auto kCatchUpAfter = std::chrono::milliseconds(100);
constexpr uint64_t kMaxCatchUp = 4096;
constexpr uint64_t kCatchUpChunk = 256;

}  // namespace

ClaimLog::ClaimLog(JsClient* client, const NatsClusterOptions& options, const ClusterNames& names)
    : client_(client),
      options_(options),
      stream_(names.claimlog_stream),
      subject_(names.claimlog_subject),
      index_(options.near_dup_window) {
  MetricsRegistry& m = client_->metrics();
  entries_ = &m.GetGauge("newscrawl_cluster_claim_index_entries",
                         "Article ids in this instance's near-duplicate index (the window).");
  bytes_ = &m.GetGauge("newscrawl_cluster_claim_index_bytes",
                       "Approximate memory of this instance's near-duplicate index.");
  applied_gauge_ = &m.GetGauge("newscrawl_cluster_claim_index_applied_seq",
                               "The last claim log message applied to the near-duplicate index.");
}

ClaimLog::~ClaimLog() { Stop(); }

void ClaimLog::Start() {
  if (reader_.joinable()) return;
  reader_ = std::thread([this] { ReadLoop(); });
}

void ClaimLog::Stop() {
  stopping_.store(true);
  {
    std::lock_guard<std::mutex> lock(mu_);
    applied_cv_.notify_all();
  }
  if (reader_.joinable()) reader_.join();
  sub_.reset();
}

JsRequest ClaimLog::PublishRequest(const ClaimLogEntry& entry) const {
  JsRequest r;
  r.subject = subject_;
  r.body = EncodeClaimLogEntry(entry);
  return r;
}

Result<ClaimIndex::Verdict> ClaimLog::VerdictAfter(uint64_t seq, const ClaimLogEntry& entry) {
  // Server clocks may run ahead of ours; an hour covers any sane skew (see ClaimIndex::Predict).
  const int64_t latest_time_ns = (client_->clock().UnixNowMs() + 3600 * 1000) * 1000000;
  const auto deadline = std::chrono::steady_clock::now() + options_.claim_index_wait;
  std::unique_lock<std::mutex> lock(mu_);
  ++waiters_;
  std::optional<ClaimIndex::Verdict> verdict;
  // Every message before ours applied: ours is decided as the index will decide it.
  wanted_seq_ = std::max(wanted_seq_, seq - 1);
  auto before_ours = [&] { return applied_seq_ + 1 >= seq || stopping_.load(); };
  applied_cv_.wait_until(lock, std::min(deadline, std::chrono::steady_clock::now() + kCatchUpAfter),
                         before_ours);
  if (!before_ours() && seq - 1 - applied_seq_ <= kMaxCatchUp && !catch_up_paused_.load()) {
    lock.unlock();
    Status caught_up = CatchUp(seq - 1);
    if (!caught_up.ok()) spdlog::warn("cluster: reading the claim log: {}", caught_up.ToString());
    lock.lock();
  }
  applied_cv_.wait_until(lock, deadline, before_ours);
  if (applied_seq_ + 1 == seq) verdict = index_.Predict(entry, latest_time_ns);
  if (!verdict) {
    // Applied already, or the prediction depends on an entry at the edge of the window: the
    // verdict the index gave our message.
    wanted_seq_ = std::max(wanted_seq_, seq);
    applied_cv_.wait_until(lock, deadline, [&] { return applied_seq_ >= seq || stopping_.load(); });
    if (applied_seq_ >= seq) verdict = index_.VerdictOf(entry.id);
  }
  --waiters_;
  const uint64_t applied = applied_seq_;
  lock.unlock();
  if (verdict) return *verdict;
  if (applied >= seq) {
    // Its message was applied, so only a window shorter than the wait could drop it.
    return Status::Internal("cluster: claim log message " + std::to_string(seq) + " of " +
                            entry.id + " applied but not in the index");
  }
  const Status behind = Status::Unavailable(
      "cluster: the near-duplicate index has applied the claim log through message " +
      std::to_string(applied) + ", this claim is message " + std::to_string(seq) + "; retry later");
  client_->NoteBrokerError("claim_index", behind);
  return behind;
}

bool ClaimLog::Subscribe() {
  sub_.reset();
  uint64_t from = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    from = applied_seq_ + 1;
  }
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream_.c_str();
  so.Ordered = true;  // recreated by nats.c after gaps and missed heartbeats, in order
  if (from <= 1) {
    so.Config.DeliverPolicy = js_DeliverAll;
  } else {
    so.Config.DeliverPolicy = js_DeliverByStartSequence;
    so.Config.OptStartSeq = from;
  }
  natsSubscription* sub = nullptr;
  Status s = client_->Retry(
      "claim_log",
      [&] {
        jsErrCode code = static_cast<jsErrCode>(0);
        return js_SubscribeSync(&sub, client_->js(), subject_.c_str(), nullptr, &so, &code);
      },
      {}, options_.request_timeout);
  if (!s.ok()) {
    spdlog::warn("cluster: subscribing to the claim log: {}", s.ToString());
    return false;
  }
  sub_.reset(sub);
  natsSubscription_SetPendingLimits(sub, -1, -1);  // the replay may be long; memory bounds it
  return true;
}

void ClaimLog::ReadLoop() {
  auto last_progress = std::chrono::steady_clock::now();
  auto backoff = std::chrono::milliseconds(50);
  while (!stopping_.load()) {
    if (!sub_ && !Subscribe()) {
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
      continue;
    }
    backoff = std::chrono::milliseconds(50);
    if (paused_.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      last_progress = std::chrono::steady_clock::now();
      continue;
    }
    natsMsg* raw = nullptr;
    const natsStatus s = natsSubscription_NextMsg(&raw, sub_.get(), 100);
    const auto now = std::chrono::steady_clock::now();
    if (s == NATS_OK) {
      NatsMsgPtr msg(raw);
      while (paused_.load() && !stopping_.load())  // paused while this message was on its way
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      ApplyMessage(raw);
      last_progress = now;
      continue;
    }
    bool stalled = false;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stalled = waiters_ > 0 && wanted_seq_ > applied_seq_ && now - last_progress > kStallLimit;
    }
    if (s == NATS_TIMEOUT && !stalled) continue;
    // A lost subscription, or a claim waiting for messages that do not come: start again from
    // the message after the last one applied.
    client_->NoteBrokerError("claim_log", NatsError(s, "reading the claim log"));
    spdlog::warn("cluster: claim log consumer recreated ({})", natsStatus_GetText(s));
    sub_.reset();
    last_progress = now;
  }
}

void ClaimLog::ApplyMessage(natsMsg* raw) {
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, raw) != NATS_OK) return;  // not a stream message
  const uint64_t seq = meta->Sequence.Stream;
  const int64_t time_ns = meta->Timestamp;
  jsMsgMetaData_Destroy(meta);
  const char* data = natsMsg_GetData(raw);
  std::lock_guard<std::mutex> lock(mu_);
  ApplyLocked(seq, time_ns,
              std::string_view(data != nullptr ? data : "",
                               static_cast<size_t>(natsMsg_GetDataLength(raw))),
              /*missing=*/false);
}

void ClaimLog::ApplyLocked(uint64_t seq, int64_t time_ns, std::string_view body, bool missing) {
  if (seq <= applied_seq_) return;  // delivered again after a resubscribe, or read by a claim
  if (!missing) {
    auto entry = DecodeClaimLogEntry(body);
    if (entry.ok()) {
      index_.Apply(seq, time_ns, *entry);
    } else {
      client_->BrokerErrors("decode_claim_log").Increment();
    }
  }
  applied_seq_ = seq;
  entries_->Set(static_cast<double>(index_.size()));
  bytes_->Set(static_cast<double>(index_.ApproximateBytes()));
  applied_gauge_->Set(static_cast<double>(seq));
  applied_cv_.notify_all();
}

Status ClaimLog::CatchUp(uint64_t through) {
  while (!stopping_.load()) {
    uint64_t from = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      from = applied_seq_ + 1;
    }
    if (from > through) return Status::Ok();
    const uint64_t to = std::min(through, from + kCatchUpChunk - 1);
    std::vector<JsRequest> requests;
    for (uint64_t seq = from; seq <= to; ++seq)
      requests.push_back(MessageBySeqRequest(stream_, seq));
    std::vector<JsReply> replies;
    NC_RETURN_IF_ERROR(client_->RoundTrip("claim_log_read", requests, &replies));
    std::lock_guard<std::mutex> lock(mu_);
    for (size_t i = 0; i < replies.size(); ++i) {
      auto message = ParseKvGet(replies[i].body);
      const bool missing = message.status().code() == StatusCode::kNotFound;  // aged out
      if (!message.ok() && !missing) return message.status();
      if (!missing && message->time_ns == 0)
        return Status::Corruption("cluster: claim log message " + std::to_string(from + i) +
                                  " read without a readable time");
      ApplyLocked(from + i, missing ? 0 : message->time_ns, missing ? "" : message->value, missing);
    }
  }
  return Status::Ok();
}

}  // namespace newscrawl::cluster
