#include "crawler/host_table.h"

#include <algorithm>

namespace newscrawl::crawler {

using Millis = std::chrono::milliseconds;

HostTable::HostTable(boost::asio::io_context& io, const FetcherOptions& options, const Clock& clock,
                     const HostPolicy& host_policy, const RobotsPolicy& robots_policy,
                     HostStateStore* state, std::function<bool(const Host&)> busy)
    : io_(io),
      options_(options),
      clock_(clock),
      host_policy_(host_policy),
      robots_policy_(robots_policy),
      state_(state),
      busy_(std::move(busy)),
      flush_timer_(io),
      evict_timer_(io) {}

Host& HostTable::Get(const std::string& key) {
  auto& slot = hosts_[key];
  if (!slot) {
    slot = std::make_unique<Host>(io_, key);
    num_hosts_.store(hosts_.size(), std::memory_order_relaxed);
    Load(*slot);
    ArmEvict();
  }
  return *slot;
}

void HostTable::Load(Host& h) {
  if (!state_) return;
  const SteadyTime now = clock_.SteadyNow();
  const int64_t unix_now = clock_.UnixNowMs();
  if (auto snap = state_->LoadHost(h.key)) {
    h.times = HostTimesFrom(*snap, now, unix_now);
    h.saved = *snap;
  }
  if (!options_.respect_robots) return;
  if (auto robots = state_->LoadRobots(h.key))
    robots_policy_.Restore(&h.robots, *robots, now, unix_now);
}

void HostTable::Save(Host& h) {
  if (h.dirty) {
    h.dirty = false;
    dirty_.erase(&h);
  }
  if (!state_) return;
  HostSnapshot snap = SnapshotOf(h.times, clock_.SteadyNow(), clock_.UnixNowMs());
  if (snap == h.saved) return;
  state_->SaveHost(h.key, snap);
  h.saved = snap;
}

void HostTable::MarkDirty(Host& h) {
  if (!state_ || h.dirty) return;
  h.dirty = true;
  dirty_.insert(&h);
  if (flush_armed_) return;
  flush_armed_ = true;
  flush_timer_.expires_after(options_.host_state_flush_interval);
  flush_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    flush_armed_ = false;
    FlushDirty();
  });
}

void HostTable::FlushDirty() {
  while (!dirty_.empty()) Save(**dirty_.begin());
}

void HostTable::Flush() {
  FlushDirty();
  flush_timer_.cancel();
  evict_timer_.cancel();
}

void HostTable::ForEach(const std::function<void(Host&)>& fn) {
  for (auto& [key, host] : hosts_) fn(*host);
}

bool HostTable::Idle(const Host& h, SteadyTime now) const {
  return h.queue.empty() && h.in_flight == 0 && h.robots.state != HostRobots::State::kFetching &&
         !h.wake_armed && host_policy_.ReadyAt(h.times) <= now &&
         !host_policy_.CircuitOpen(h.times, now) && now - h.last_used >= options_.host_idle_evict &&
         !busy_(h);
}

void HostTable::ArmEvict() {
  if (evict_armed_ || options_.host_idle_evict.count() <= 0 || hosts_.empty()) return;
  evict_armed_ = true;
  evict_timer_.expires_after(std::max(Millis(10), options_.host_idle_evict / 2));
  evict_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    evict_armed_ = false;
    EvictIdle();
    ArmEvict();
  });
}

void HostTable::EvictIdle() {
  const SteadyTime now = clock_.SteadyNow();
  for (auto it = hosts_.begin(); it != hosts_.end();) {
    Host& h = *it->second;
    if (!Idle(h, now)) {
      ++it;
      continue;
    }
    Save(h);
    it = hosts_.erase(it);
    hosts_evicted_.fetch_add(1, std::memory_order_relaxed);
  }
  num_hosts_.store(hosts_.size(), std::memory_order_relaxed);
}

}  // namespace newscrawl::crawler
