#include "crawler/host_policy.h"

#include <algorithm>
#include <cmath>

namespace newscrawl::crawler {
namespace {

using Millis = std::chrono::milliseconds;

int64_t ToUnixMs(SteadyTime t, SteadyTime now, int64_t unix_now) {
  if (t <= now) return 0;
  return unix_now + std::chrono::duration_cast<Millis>(t - now).count();
}

SteadyTime FromUnixMs(int64_t ms, SteadyTime now, int64_t unix_now) {
  if (ms <= unix_now) return SteadyTime{};
  return now + Millis(ms - unix_now);
}

}  // namespace

HostPolicy::HostPolicy(const FetcherOptions& o)
    : min_host_delay_(o.min_host_delay),
      max_retry_after_(o.max_retry_after),
      max_retries_(o.max_retries),
      backoff_base_(o.backoff_base),
      backoff_max_(o.backoff_max),
      circuit_breaker_failures_(o.circuit_breaker_failures),
      circuit_open_time_(o.circuit_open_time) {}

Millis HostPolicy::Delay(Millis crawl_delay, Millis request_delay) const {
  return std::max({min_host_delay_, crawl_delay, request_delay});
}

bool HostPolicy::CircuitOpen(const HostTimes& host, SteadyTime now) const {
  return host.circuit_open_until > now;
}

SteadyTime HostPolicy::ReadyAt(const HostTimes& host) const {
  return std::max(host.next_start, host.paused_until);
}

void HostPolicy::OnStart(HostTimes* host, SteadyTime now, Millis delay) const {
  host->next_start = now + delay;
}

void HostPolicy::OnAnswer(HostTimes* host, SteadyTime now, Millis delay) const {
  host->next_start = std::max(host->next_start, now + delay);
}

void HostPolicy::OnSuccess(HostTimes* host) const { host->failures = 0; }

FailureDecision HostPolicy::OnTransientFailure(HostTimes* host, SteadyTime now, int status,
                                               std::optional<Millis> retry_after, int attempts,
                                               double jitter) const {
  FailureDecision d;
  ++host->failures;
  d.pause = Backoff(host->failures, jitter);
  if ((status == 429 || status == 503) && retry_after) {
    d.pause = *retry_after;
    d.from_retry_after = true;
  }
  host->paused_until = std::max(host->paused_until, now + d.pause);
  if (host->failures >= circuit_breaker_failures_) {
    host->circuit_open_until = now + circuit_open_time_;
    d.circuit_opened = true;
    return d;
  }
  d.retry = attempts <= max_retries_ && d.pause <= max_retry_after_;
  return d;
}

Millis HostPolicy::Backoff(int failures, double jitter) const {
  double raw =
      static_cast<double>(backoff_base_.count()) * std::pow(2.0, std::clamp(failures - 1, 0, 30));
  raw = std::min(raw, static_cast<double>(backoff_max_.count()));
  return Millis(static_cast<long long>(raw * jitter));
}

HostSnapshot SnapshotOf(const HostTimes& host, SteadyTime now, int64_t unix_now_ms) {
  HostSnapshot s;
  s.next_start_ms = ToUnixMs(host.next_start, now, unix_now_ms);
  s.paused_until_ms = ToUnixMs(host.paused_until, now, unix_now_ms);
  s.failures = host.failures;
  s.circuit_open_until_ms = ToUnixMs(host.circuit_open_until, now, unix_now_ms);
  return s;
}

HostTimes HostTimesFrom(const HostSnapshot& snapshot, SteadyTime now, int64_t unix_now_ms) {
  HostTimes t;
  t.next_start = FromUnixMs(snapshot.next_start_ms, now, unix_now_ms);
  t.paused_until = FromUnixMs(snapshot.paused_until_ms, now, unix_now_ms);
  t.failures = snapshot.failures;
  t.circuit_open_until = FromUnixMs(snapshot.circuit_open_until_ms, now, unix_now_ms);
  return t;
}

}  // namespace newscrawl::crawler
