// ShardLeases: the URL subscription of every owned shard, which hands the shard's routed URLs to
// the UrlSink (see "URL routing" in nats_cluster.h); the lease rounds are in shard_leases.cc.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "cluster/shard_leases.h"

namespace newscrawl::cluster {

// ---------------------------------------------------------------------------------------------
// Routed entries: the URL on the first line, then the frontier entry JSON (pipeline/frontier.h).

std::string EncodeRoutedEntry(const pipeline::FrontierEntry& entry) {
  return entry.url + "\n" + pipeline::EncodeEntry(entry);
}

Result<pipeline::FrontierEntry> DecodeRoutedEntry(std::string_view body) {
  size_t nl = body.find('\n');
  if (nl == std::string_view::npos || nl == 0)
    return Status::Corruption("cluster: routed URL message without a URL line");
  return pipeline::DecodeEntry(body.substr(0, nl), body.substr(nl + 1));
}

// ---------------------------------------------------------------------------------------------
// Subscriptions.

void ShardLeases::OnUrlMsg(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* ctx = static_cast<SubContext*>(closure);
  ctx->leases->OnUrlMessage(ctx, msg);
}

void ShardLeases::OnSubscriptionComplete(void* closure) {
  static_cast<ShardLeases*>(closure)->active_subscriptions_.fetch_sub(1);
}

void ShardLeases::Subscribe(int shard) {
  ShardState& st = shard_states_[static_cast<size_t>(shard)];
  st.subscription.reset();
  const uint64_t generation = st.generation.fetch_add(1) + 1;
  const std::string subject = names_.urls_subject_prefix + std::to_string(shard);
  // What was routed before now is a replay; when the broker cannot say (one attempt, not to
  // hold up the lease round), everything is.
  uint64_t replay_through = UINT64_MAX;
  const AsyncRequests::Ticket ticket =
      client_->requests().Send(LastMessageRequest(names_.urls_stream, subject));
  client_->requests().Wait({ticket}, std::chrono::steady_clock::now() + options_.request_timeout);
  if (const JsReply reply = client_->requests().Take(ticket); reply.status == NATS_OK) {
    auto last = ParseKvGet(reply.body);
    if (last.ok()) replay_through = last->revision;
    if (last.status().code() == StatusCode::kNotFound) replay_through = 0;
  }
  sub_contexts_.push_back(
      std::make_unique<SubContext>(SubContext{this, shard, generation, replay_through}));
  SubContext* ctx = sub_contexts_.back().get();
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = names_.urls_stream.c_str();
  so.Ordered = true;  // replays from the start; recreated by nats.c after gaps / lost heartbeats
  so.Config.DeliverPolicy = js_DeliverAll;
  natsSubscription* sub = nullptr;
  Status s = client_->Retry(
      "subscribe_urls",
      [&] {
        jsErrCode code = static_cast<jsErrCode>(0);
        return js_Subscribe(&sub, client_->js(), subject.c_str(), OnUrlMsg, ctx, nullptr, &so,
                            &code);
      },
      {}, renew_interval_);
  if (!s.ok()) {
    // Retried at the next round (the subscription is checked there).
    spdlog::warn("cluster: shard {}: {}", shard, s.ToString());
    return;
  }
  active_subscriptions_.fetch_add(1);
  if (natsSubscription_SetOnCompleteCB(sub, OnSubscriptionComplete, this) != NATS_OK)
    active_subscriptions_.fetch_sub(1);
  st.subscription.reset(sub);
}

void ShardLeases::Unsubscribe(int shard) {
  ShardState& st = shard_states_[static_cast<size_t>(shard)];
  st.generation.fetch_add(1);  // late messages of the old subscription are ignored
  st.subscription.reset();
}

void ShardLeases::OnUrlMessage(SubContext* ctx, natsMsg* raw) {
  NatsMsgPtr msg(raw);
  try {
    ShardState& st = shard_states_[static_cast<size_t>(ctx->shard)];
    auto current = [&] {
      return !stopping_.load() && st.generation.load() == ctx->generation && OwnsShard(ctx->shard);
    };
    if (!current()) return;
    std::string_view body(natsMsg_GetData(raw), static_cast<size_t>(natsMsg_GetDataLength(raw)));
    auto entry = DecodeRoutedEntry(body);
    uint64_t sequence = 0;  // in the stream; 0 when unknown (taken as a replay)
    jsMsgMetaData* meta = nullptr;
    if (natsMsg_GetMetaData(&meta, raw) == NATS_OK) {
      sequence = meta->Sequence.Stream;
      jsMsgMetaData_Destroy(meta);
    }
    const bool replayed = sequence == 0 || sequence <= ctx->replay_through;
    if (!entry.ok()) {
      client_->BrokerErrors("decode_url").Increment();
      spdlog::warn("cluster: shard {}: dropping a bad routed message: {}", ctx->shard,
                   entry.status().ToString());
      return;
    }
    auto backoff = std::chrono::milliseconds(100);
    while (current()) {
      Status s;
      {
        std::lock_guard<std::mutex> lock(sink_mu_);
        if (stopping_.load()) return;
        s = sink_(*entry, replayed);
      }
      if (s.ok()) {
        delivered_->Increment();
        return;
      }
      spdlog::warn("cluster: shard {}: the frontier refused {}: {} (retrying)", ctx->shard,
                   entry->url, s.ToString());
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    }
  } catch (const std::exception& e) {
    spdlog::error("cluster: URL delivery failed: {}", e.what());
  } catch (...) {
    spdlog::error("cluster: URL delivery failed (unknown exception)");
  }
}

void ShardLeases::CheckSubscriptions(const std::vector<int>& owned) {
  // After trouble (and every 30th round anyway) for 10 rounds: does the server still have each
  // ordered consumer? nats.c recreates one after a gap or missed heartbeats, but not always when
  // its node died during an election; a lost one is recreated here (replaying the shard).
  static constexpr int kRoundsAfterTrouble = 10;
  const uint64_t epoch = client_->trouble_epoch();
  if (epoch != checked_epoch_) {
    checked_epoch_ = epoch;
    check_rounds_left_ = kRoundsAfterTrouble;
  }
  if (++rounds_since_check_ >= 30) {
    rounds_since_check_ = 0;
    check_rounds_left_ = std::max(check_rounds_left_, 1);
  }
  if (check_rounds_left_ <= 0) return;
  --check_rounds_left_;
  for (int s : owned) {
    ShardState& st = shard_states_[static_cast<size_t>(s)];
    if (!st.subscription) {
      Subscribe(s);
      continue;
    }
    jsConsumerInfo* ci = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus ns = natsSubscription_GetConsumerInfo(&ci, st.subscription.get(), nullptr, &code);
    jsConsumerInfo_Destroy(ci);
    if (ns == NATS_OK) continue;
    if (ns == NATS_NOT_FOUND || code == JSConsumerNotFoundErr) {
      client_->BrokerErrors("lost_url_consumer").Increment();
      spdlog::warn("cluster: shard {}: its URL consumer is gone; replaying the shard", s);
      Subscribe(s);
    } else {
      check_rounds_left_ = std::max(check_rounds_left_, 1);  // ask again next round
      break;
    }
  }
}

void ShardLeases::WaitForSubscriptions() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (active_subscriptions_.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (active_subscriptions_.load() > 0)
    spdlog::warn("cluster: {} URL subscriptions did not complete within 5 s",
                 active_subscriptions_.load());
}

}  // namespace newscrawl::cluster
