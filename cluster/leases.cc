// Shard leases (see cluster/nats_cluster.h: "Shard leases") and the URL subscription of every
// owned shard.
#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <algorithm>

#include "cluster/cluster_impl.h"

namespace newscrawl::cluster {

namespace {

std::string ShardKey(int shard) { return "shard." + std::to_string(shard); }

constexpr std::string_view kMemberPrefix = "member.";

void OnUrlMsg(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
  auto* ctx = static_cast<SubContext*>(closure);
  ctx->impl->OnUrlMessage(ctx, msg);
}

void OnSubscriptionComplete(void* closure) {
  static_cast<NatsCluster::Impl*>(closure)->active_subscriptions.fetch_sub(1);
}

}  // namespace

bool NatsCluster::Impl::OwnsShard(int shard) const {
  if (shard < 0 || shard >= static_cast<int>(shard_states.size())) return false;
  return shard_states[static_cast<size_t>(shard)].valid_until_ns.load(std::memory_order_acquire) >
         SteadyNowNs();
}

void NatsCluster::Impl::Subscribe(int shard) {
  ShardState& st = shard_states[static_cast<size_t>(shard)];
  st.subscription.reset();
  const uint64_t generation = st.generation.fetch_add(1) + 1;
  sub_contexts.push_back(std::make_unique<SubContext>(SubContext{this, shard, generation}));
  SubContext* ctx = sub_contexts.back().get();
  const std::string subject = urls_subject_prefix + std::to_string(shard);
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = urls_stream.c_str();
  so.Ordered = true;  // replays from the start; recreated by nats.c after gaps / lost heartbeats
  so.Config.DeliverPolicy = js_DeliverAll;
  natsSubscription* sub = nullptr;
  Status s = Retry(
      "subscribe_urls",
      [&] {
        jsErrCode code = static_cast<jsErrCode>(0);
        return js_Subscribe(&sub, js.get(), subject.c_str(), OnUrlMsg, ctx, nullptr, &so, &code);
      },
      {}, renew_interval);
  if (!s.ok()) {
    // Retried at the next round (the subscription is checked there).
    spdlog::warn("cluster: shard {}: {}", shard, s.ToString());
    return;
  }
  active_subscriptions.fetch_add(1);
  if (natsSubscription_SetOnCompleteCB(sub, OnSubscriptionComplete, this) != NATS_OK)
    active_subscriptions.fetch_sub(1);
  st.subscription.reset(sub);
}

void NatsCluster::Impl::Unsubscribe(int shard) {
  ShardState& st = shard_states[static_cast<size_t>(shard)];
  st.generation.fetch_add(1);  // late messages of the old subscription are ignored
  st.subscription.reset();
}

void NatsCluster::Impl::Drop(int shard, const char* change) {
  ShardState& st = shard_states[static_cast<size_t>(shard)];
  st.valid_until_ns.store(0, std::memory_order_release);
  st.revision = 0;
  Unsubscribe(shard);
  lease_changes[change]->Increment();
  spdlog::info("cluster: instance {} {} shard {}", options.instance_name, change, shard);
}

void NatsCluster::Impl::OnUrlMessage(SubContext* ctx, natsMsg* raw) {
  NatsMsgPtr msg(raw);
  try {
    ShardState& st = shard_states[static_cast<size_t>(ctx->shard)];
    auto current = [&] {
      return !stopping.load() && st.generation.load() == ctx->generation && OwnsShard(ctx->shard);
    };
    if (!current()) return;
    std::string_view body(natsMsg_GetData(raw), static_cast<size_t>(natsMsg_GetDataLength(raw)));
    auto entry = DecodeRoutedEntry(body);
    if (!entry.ok()) {
      BrokerErrors("decode_url").Increment();
      spdlog::warn("cluster: shard {}: dropping a bad routed message: {}", ctx->shard,
                   entry.status().ToString());
      return;
    }
    auto backoff = std::chrono::milliseconds(100);
    while (current()) {
      Status s;
      {
        std::lock_guard<std::mutex> lock(sink_mu);
        if (stopping.load()) return;
        s = sink(*entry);
      }
      if (s.ok()) {
        delivered->Increment();
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

Status NatsCluster::Impl::LeaseRound() {
  std::lock_guard<std::mutex> lock(lease_mu);
  if (stopping.load()) return Status::Cancelled("cluster stopping");
  const std::string& self = options.instance_name;
  const auto budget = renew_interval;
  const int64_t ttl_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(options.lease_ttl -
                                                                              options.safety_margin)
                             .count();
  Status first_error;
  auto note = [&](const Status& s) {
    if (first_error.ok() && !s.ok()) first_error = s;
  };

  // 1. Heartbeat, then the live instances.
  note(
      KvPut(leases_bucket, std::string(kMemberPrefix) + self, "", std::nullopt, "heartbeat", budget)
          .status());
  std::vector<std::string> members;
  {
    kvKeysList keys;
    kvWatchOptions wo;
    kvWatchOptions_Init(&wo);
    wo.Timeout = budget.count();
    Status s = Retry(
        "list_members", [&] { return kvStore_Keys(&keys, leases_kv.get(), &wo); },
        [](natsStatus st) { return st == NATS_NOT_FOUND; }, budget);
    if (s.ok()) {
      for (int i = 0; i < keys.Count; ++i) {
        std::string_view k(keys.Keys[i]);
        if (k.substr(0, kMemberPrefix.size()) == kMemberPrefix)
          members.emplace_back(k.substr(kMemberPrefix.size()));
      }
      kvKeysList_Destroy(&keys);
    } else if (s.code() != StatusCode::kNotFound) {
      note(s);
    }
  }
  if (std::find(members.begin(), members.end(), self) == members.end()) {
    if (members.empty() && !first_error.ok()) {
      // Could not list: keep the previous view.
      std::lock_guard<std::mutex> l(live_mu);
      members = live;
    }
    if (std::find(members.begin(), members.end(), self) == members.end()) members.push_back(self);
  }
  std::sort(members.begin(), members.end());
  {
    std::lock_guard<std::mutex> l(live_mu);
    live = members;
  }
  live_instances->Set(static_cast<double>(members.size()));

  // 2. Renew what we hold. After one renew fails for broker trouble the others are not tried
  // this round (each would wait for its own timeout and delay the round past the leases); they
  // stay owned while valid and are renewed next round.
  const int shards = options.shards;
  std::vector<int> owned;
  bool broker_trouble = !first_error.ok();
  for (int s = 0; s < shards; ++s) {
    ShardState& st = shard_states[static_cast<size_t>(s)];
    if (st.revision == 0) continue;
    if (broker_trouble) {
      if (OwnsShard(s)) {
        owned.push_back(s);
      } else {
        Drop(s, "lost");
      }
      continue;
    }
    const int64_t sent = SteadyNowNs();
    auto put = KvPut(leases_bucket, ShardKey(s), self, st.revision, "renew_lease", budget);
    if (put.ok()) {
      st.revision = *put;
      st.valid_until_ns.store(sent + ttl_ns, std::memory_order_release);
      owned.push_back(s);
      if (!st.subscription || !natsSubscription_IsValid(st.subscription.get())) Subscribe(s);
    } else if (put.status().code() == StatusCode::kAlreadyExists) {
      Drop(s, "lost");
    } else {
      note(put.status());
      broker_trouble = true;
      if (!OwnsShard(s)) {
        Drop(s, "lost");
      } else {
        owned.push_back(s);
      }
    }
  }

  // 3. Fair share: release surplus, take free shards while short.
  const int target = FairShare(members, self, shards);
  while (static_cast<int>(owned.size()) > target) {
    const int s = owned.back();
    owned.pop_back();
    ShardState& st = shard_states[static_cast<size_t>(s)];
    st.valid_until_ns.store(0, std::memory_order_release);  // stop owning BEFORE releasing
    const uint64_t revision = st.revision;
    Drop(s, "released");
    note(KvPut(leases_bucket, ShardKey(s), "", revision, "release_lease", budget).status());
  }
  if (static_cast<int>(owned.size()) < target && !broker_trouble) {
    const int start =
        static_cast<int>(XXH3_64bits(self.data(), self.size()) % static_cast<uint64_t>(shards));
    for (int i = 0; i < shards && static_cast<int>(owned.size()) < target; ++i) {
      if (stopping.load()) break;
      const int s = (start + i) % shards;
      ShardState& st = shard_states[static_cast<size_t>(s)];
      if (st.revision != 0) continue;
      auto current = KvGet(leases_kv.get(), ShardKey(s), "get_lease", budget);
      uint64_t expected = 0;
      if (current.ok()) {
        if (!current->value.empty() && current->value != self) continue;  // someone else's
        expected = current->revision;  // released, or ours from a previous life
      } else if (current.status().code() != StatusCode::kNotFound) {
        note(current.status());
        continue;
      }
      const int64_t sent = SteadyNowNs();
      auto put = KvPut(leases_bucket, ShardKey(s), self, expected, "acquire_lease", budget);
      if (!put.ok()) {
        if (put.status().code() != StatusCode::kAlreadyExists) note(put.status());
        continue;
      }
      st.revision = *put;
      st.valid_until_ns.store(sent + ttl_ns, std::memory_order_release);
      owned.push_back(s);
      lease_changes["acquired"]->Increment();
      spdlog::info("cluster: instance {} acquired shard {}", self, s);
      Subscribe(s);
    }
  }
  shards_owned->Set(static_cast<double>(owned.size()));
  if (!broker_trouble) CheckSubscriptions(owned);
  return first_error;
}

void NatsCluster::Impl::CheckSubscriptions(const std::vector<int>& owned) {
  // After trouble (and every 30th round anyway) for 10 rounds: does the server still have each
  // ordered consumer? nats.c recreates one after a gap or missed heartbeats, but not always when
  // its node died during an election; a lost one is recreated here (replaying the shard).
  static constexpr int kRoundsAfterTrouble = 10;
  const uint64_t epoch = trouble_epoch.load();
  if (epoch != checked_epoch) {
    checked_epoch = epoch;
    check_rounds_left = kRoundsAfterTrouble;
  }
  if (++rounds_since_check >= 30) {
    rounds_since_check = 0;
    check_rounds_left = std::max(check_rounds_left, 1);
  }
  if (check_rounds_left <= 0) return;
  --check_rounds_left;
  for (int s : owned) {
    ShardState& st = shard_states[static_cast<size_t>(s)];
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
      BrokerErrors("lost_url_consumer").Increment();
      spdlog::warn("cluster: shard {}: its URL consumer is gone; replaying the shard", s);
      Subscribe(s);
    } else {
      check_rounds_left = std::max(check_rounds_left, 1);  // ask again next round
      break;
    }
  }
}

void NatsCluster::Impl::LeaseLoop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(loop_mu);
      loop_cv.wait_for(lock, renew_interval, [this] { return stopping.load(); });
      if (stopping.load()) return;
    }
    if (paused.load()) continue;
    Status s = LeaseRound();
    if (!s.ok() && s.code() != StatusCode::kCancelled)
      spdlog::warn("cluster: lease round: {}", s.ToString());
  }
}

void NatsCluster::Impl::ReleaseAll() {
  {
    // No sink call after this block: a running one finishes first, later ones see `stopping`.
    std::lock_guard<std::mutex> sink_lock(sink_mu);
  }
  std::lock_guard<std::mutex> lock(lease_mu);
  const auto budget = std::min(renew_interval, options.request_timeout);
  for (int s = 0; s < options.shards; ++s) {
    ShardState& st = shard_states[static_cast<size_t>(s)];
    if (st.revision == 0) {
      Unsubscribe(s);
      continue;
    }
    const bool valid = OwnsShard(s);
    const uint64_t revision = st.revision;
    Drop(s, "released");
    // Only a lease still valid is surely still ours; an expired one may have a new owner.
    if (valid && connected.load()) {
      Status r = KvPut(leases_bucket, ShardKey(s), "", revision, "release_lease", budget).status();
      if (!r.ok() && r.code() != StatusCode::kAlreadyExists)
        spdlog::warn("cluster: releasing shard {}: {}", s, r.ToString());
    }
  }
  if (connected.load()) {
    const std::string member = std::string(kMemberPrefix) + options.instance_name;
    (void)Retry(
        "leave", [&] { return kvStore_Delete(leases_kv.get(), member.c_str()); }, {}, budget);
  }
  shards_owned->Set(0);
}

void NatsCluster::Impl::WaitForSubscriptions() {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (active_subscriptions.load() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (active_subscriptions.load() > 0)
    spdlog::warn("cluster: {} URL subscriptions did not complete within 5 s",
                 active_subscriptions.load());
}

// ---------------------------------------------------------------------------------------------
// NatsCluster methods that are about leases.

std::vector<int> NatsCluster::OwnedShards() const {
  std::vector<int> out;
  for (int s = 0; s < impl_->options.shards; ++s)
    if (impl_->OwnsShard(s)) out.push_back(s);
  return out;
}

std::vector<std::string> NatsCluster::LiveInstances() const {
  std::lock_guard<std::mutex> lock(impl_->live_mu);
  return impl_->live;
}

bool NatsCluster::Connected() const { return impl_->connected.load(); }

Status NatsCluster::RenewNow() {
  if (!impl_->started) return Status::FailedPrecondition("cluster not started");
  return impl_->LeaseRound();
}

void NatsCluster::PauseRenewalsForTesting() { impl_->paused.store(true); }

}  // namespace newscrawl::cluster
