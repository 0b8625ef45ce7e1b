// ShardLeases: the lease rounds (see "Shard leases" in nats_cluster.h) and the URL subscription
// of every owned shard.
#include "cluster/shard_leases.h"

#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <algorithm>
#include <thread>

namespace newscrawl::cluster {

namespace {

std::string ShardKey(int shard) { return "shard." + std::to_string(shard); }

constexpr std::string_view kMemberPrefix = "member.";

}  // namespace

// ---------------------------------------------------------------------------------------------
// ShardLeases.

ShardLeases::ShardLeases(JsClient* client, const NatsClusterOptions& options,
                         const ClusterNames& names)
    : client_(client),
      options_(options),
      names_(names),
      renew_interval_(options.renew_interval.count() > 0 ? options.renew_interval
                                                         : options.lease_ttl / 3),
      shard_states_(static_cast<size_t>(options.shards)) {
  MetricsRegistry& r = client_->metrics();
  shards_owned_ =
      &r.GetGauge("newscrawl_cluster_shards_owned", "Host shards whose lease this instance holds.");
  live_instances_ = &r.GetGauge("newscrawl_cluster_live_instances",
                                "Instances with a live heartbeat at the last lease round.");
  delivered_ = &r.GetCounter("newscrawl_cluster_delivered_total",
                             "URLs of owned shards handed to the local frontier.");
  for (const char* change : {"acquired", "lost", "released"})
    lease_changes_[change] =
        &r.GetCounter("newscrawl_cluster_lease_changes_total",
                      "Shard lease changes of this instance.", {{"change", change}});
}

ShardLeases::~ShardLeases() { Stop(); }

void ShardLeases::Start(kvStore* leases_kv, pipeline::ClusterHooks::UrlSink sink) {
  leases_kv_ = leases_kv;
  sink_ = std::move(sink);
  started_ = true;
  Status first = LeaseRound();
  if (!first.ok()) spdlog::warn("cluster: first lease round: {}", first.ToString());
  lease_thread_ = std::thread([this] { LeaseLoop(); });
}

void ShardLeases::Stop() {
  if (!started_) return;
  started_ = false;
  {
    std::lock_guard<std::mutex> lock(loop_mu_);
    stopping_.store(true);
  }
  loop_cv_.notify_all();
  if (lease_thread_.joinable()) lease_thread_.join();
  ReleaseAll();
  WaitForSubscriptions();
}

int64_t ShardLeases::SteadyNowNs() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             client_->clock().SteadyNow().time_since_epoch())
      .count();
}

bool ShardLeases::OwnsShard(int shard) const {
  if (shard < 0 || shard >= static_cast<int>(shard_states_.size())) return false;
  return shard_states_[static_cast<size_t>(shard)].valid_until_ns.load(std::memory_order_acquire) >
         SteadyNowNs();
}

void ShardLeases::Drop(int shard, const char* change) {
  ShardState& st = shard_states_[static_cast<size_t>(shard)];
  st.valid_until_ns.store(0, std::memory_order_release);
  st.revision = 0;
  Unsubscribe(shard);
  lease_changes_[change]->Increment();
  spdlog::info("cluster: instance {} {} shard {}", options_.instance_name, change, shard);
}

Status ShardLeases::LeaseRound() {
  std::lock_guard<std::mutex> lock(lease_mu_);
  if (stopping_.load()) return Status::Cancelled("cluster stopping");
  const std::string& self = options_.instance_name;
  const auto budget = renew_interval_;
  const int64_t ttl_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                             options_.lease_ttl - options_.safety_margin)
                             .count();
  Status first_error;
  auto note = [&](const Status& s) {
    if (first_error.ok() && !s.ok()) first_error = s;
  };

  // 1. Heartbeat, then the live_ instances.
  note(client_
           ->KvPut(names_.leases_bucket, std::string(kMemberPrefix) + self, "", std::nullopt,
                   "heartbeat", budget)
           .status());
  std::vector<std::string> members;
  {
    kvKeysList keys;
    kvWatchOptions wo;
    kvWatchOptions_Init(&wo);
    wo.Timeout = budget.count();
    Status s = client_->Retry(
        "list_members", [&] { return kvStore_Keys(&keys, leases_kv_, &wo); },
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
      std::lock_guard<std::mutex> l(live_mu_);
      members = live_;
    }
    if (std::find(members.begin(), members.end(), self) == members.end()) members.push_back(self);
  }
  std::sort(members.begin(), members.end());
  {
    std::lock_guard<std::mutex> l(live_mu_);
    live_ = members;
  }
  live_instances_->Set(static_cast<double>(members.size()));

  // 2. Renew what we hold. After one renew fails for broker trouble the others are not tried
  // this round (each would wait for its own timeout and delay the round past the leases); they
  // stay owned while valid and are renewed next round.
  const int shards = options_.shards;
  std::vector<int> owned;
  bool broker_trouble = !first_error.ok();
  for (int s = 0; s < shards; ++s) {
    ShardState& st = shard_states_[static_cast<size_t>(s)];
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
    auto put =
        client_->KvPut(names_.leases_bucket, ShardKey(s), self, st.revision, "renew_lease", budget);
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
    ShardState& st = shard_states_[static_cast<size_t>(s)];
    st.valid_until_ns.store(0, std::memory_order_release);  // stop owning BEFORE releasing
    const uint64_t revision = st.revision;
    Drop(s, "released");
    note(client_->KvPut(names_.leases_bucket, ShardKey(s), "", revision, "release_lease", budget)
             .status());
  }
  std::vector<Taken> taken;
  if (static_cast<int>(owned.size()) < target && !broker_trouble) {
    const int start =
        static_cast<int>(XXH3_64bits(self.data(), self.size()) % static_cast<uint64_t>(shards));
    for (int i = 0; i < shards && static_cast<int>(owned.size()) < target; ++i) {
      if (stopping_.load()) break;
      const int s = (start + i) % shards;
      ShardState& st = shard_states_[static_cast<size_t>(s)];
      if (st.revision != 0) continue;
      auto current = client_->KvGet(leases_kv_, ShardKey(s), "get_lease", budget);
      uint64_t expected = 0;
      if (current.ok()) {
        if (!current->value.empty() && current->value != self) continue;  // someone else's
        expected = current->revision;  // released, or ours from a previous life
      } else if (current.status().code() != StatusCode::kNotFound) {
        note(current.status());
        continue;
      }
      const int64_t sent = SteadyNowNs();
      auto put = client_->KvPut(names_.leases_bucket, ShardKey(s), self, expected, "acquire_lease",
                                budget);
      if (!put.ok()) {
        if (put.status().code() != StatusCode::kAlreadyExists) note(put.status());
        continue;
      }
      taken.push_back({s, *put, sent});
      owned.push_back(s);  // counted against the fair share while it is confirmed
    }
  }
  ConfirmAcquired(taken, budget, &owned);
  shards_owned_->Set(static_cast<double>(owned.size()));
  if (!broker_trouble) CheckSubscriptions(owned);
  return first_error;
}

// nats-server 2.9.10 (Debian 12) can accept two compare-and-set writes of one key sent within
// milliseconds of each other (nats-io/nats-server#4320), so a won CAS does not yet prove the lease
// is ours. A lease taken is owned only once, a moment later, the key still holds our revision: of
// two such winners only the last writer sees its own, the other drops it before ever owning it.
void ShardLeases::ConfirmAcquired(const std::vector<Taken>& taken, std::chrono::milliseconds budget,
                                  std::vector<int>* owned) {
  if (taken.empty()) return;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const int64_t ttl_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.lease_ttl).count();
  const std::string& self = options_.instance_name;
  for (const Taken& t : taken) {
    ShardState& st = shard_states_[static_cast<size_t>(t.shard)];
    auto current = client_->KvGet(leases_kv_, ShardKey(t.shard), "confirm_lease", budget);
    if (!current.ok() || current->revision != t.revision || current->value != self) {
      owned->erase(std::remove(owned->begin(), owned->end(), t.shard), owned->end());
      if (current.ok())
        spdlog::info(
            "cluster: instance {}: shard {} was taken at the same moment by another "
            "instance; left to it",
            self, t.shard);
      continue;  // not ours (or unknown: tried again next round)
    }
    st.revision = t.revision;
    st.valid_until_ns.store(t.sent_ns + ttl_ns, std::memory_order_release);
    lease_changes_["acquired"]->Increment();
    spdlog::info("cluster: instance {} acquired shard {}", self, t.shard);
    Subscribe(t.shard);
  }
}

void ShardLeases::LeaseLoop() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(loop_mu_);
      loop_cv_.wait_for(lock, renew_interval_, [this] { return stopping_.load(); });
      if (stopping_.load()) return;
    }
    if (paused_.load()) continue;
    Status s = LeaseRound();
    if (!s.ok() && s.code() != StatusCode::kCancelled)
      spdlog::warn("cluster: lease round: {}", s.ToString());
  }
}

void ShardLeases::ReleaseAll() {
  {
    // No sink_ call after this block: a running one finishes first, later ones see `stopping_`.
    std::lock_guard<std::mutex> sink_lock(sink_mu_);
  }
  std::lock_guard<std::mutex> lock(lease_mu_);
  const auto budget = std::min(renew_interval_, options_.request_timeout);
  for (int s = 0; s < options_.shards; ++s) {
    ShardState& st = shard_states_[static_cast<size_t>(s)];
    if (st.revision == 0) {
      Unsubscribe(s);
      continue;
    }
    const bool valid = OwnsShard(s);
    const uint64_t revision = st.revision;
    Drop(s, "released");
    // Only a lease still valid is surely still ours; an expired one may have a new owner.
    if (valid && client_->connected()) {
      Status r =
          client_->KvPut(names_.leases_bucket, ShardKey(s), "", revision, "release_lease", budget)
              .status();
      if (!r.ok() && r.code() != StatusCode::kAlreadyExists)
        spdlog::warn("cluster: releasing shard {}: {}", s, r.ToString());
    }
  }
  if (client_->connected()) {
    const std::string member = std::string(kMemberPrefix) + options_.instance_name;
    (void)client_->Retry(
        "leave", [&] { return kvStore_Delete(leases_kv_, member.c_str()); }, {}, budget);
  }
  shards_owned_->Set(0);
}

// ---------------------------------------------------------------------------------------------
// Inspection.

std::vector<int> ShardLeases::OwnedShards() const {
  std::vector<int> out;
  for (int s = 0; s < options_.shards; ++s)
    if (OwnsShard(s)) out.push_back(s);
  return out;
}

std::vector<std::string> ShardLeases::LiveInstances() const {
  std::lock_guard<std::mutex> lock(live_mu_);
  return live_;
}

Result<bool> ShardLeases::InstanceAlive(const std::string& instance) {
  auto heartbeat =
      client_->KvGet(leases_kv_, std::string(kMemberPrefix) + instance, "claim_holder_alive");
  if (heartbeat.ok()) return true;
  if (heartbeat.status().code() == StatusCode::kNotFound) return false;
  return heartbeat.status();
}

Status ShardLeases::RenewNow() {
  if (!started_) return Status::FailedPrecondition("cluster not started");
  return LeaseRound();
}

}  // namespace newscrawl::cluster
