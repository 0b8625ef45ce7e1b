// HostPolicy: the politeness and failure rules for one host, as pure decisions over times.
//
// The fetcher keeps a HostTimes per host and asks HostPolicy what each event does to it; the
// policy reads no clock (the caller passes `now`), draws no random numbers (the caller passes the
// backoff jitter) and does no I/O, so every rule is table-tested with a FakeClock in
// milliseconds (tests/crawler/host_policy_test.cc). The rules (FetcherOptions has the numbers):
//  - two requests start at least Delay() apart: the longest of min_host_delay, the robots.txt
//    Crawl-delay (capped at max_crawl_delay by the robots policy) and the host's request delay;
//    the next request also waits that long after an answer;
//  - a transient failure (IsTransientOutcome) pauses the host: Retry-After on 429/503 when it
//    parses, else exponential backoff base * 2^(failures-1), capped at backoff_max, times a
//    jitter in [0.5, 1.5]; the URL is retried while attempts <= max_retries and the pause is no
//    longer than max_retry_after;
//  - after circuit_breaker_failures consecutive failures the circuit opens for circuit_open_time
//    (the URL is reported, not retried); any answer that is not a transient failure resets the
//    count.
// Thread safety: const methods on an immutable object; HostTimes is the caller's to guard.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "crawler/fetcher_options.h"
#include "crawler/host_state_store.h"

namespace newscrawl::crawler {

using SteadyTime = std::chrono::steady_clock::time_point;

// The politeness clock and failure count of one host (steady time).
struct HostTimes {
  SteadyTime next_start{};          // no request starts before this
  SteadyTime paused_until{};        // Retry-After or backoff pause
  int failures = 0;                 // consecutive transient failures
  SteadyTime circuit_open_until{};  // circuit breaker open until
};

// What a transient failure does to the host and the URL.
struct FailureDecision {
  std::chrono::milliseconds pause{0};  // the host pauses this long from now
  bool from_retry_after = false;       // the pause is the server's Retry-After
  bool circuit_opened = false;         // the URL is reported; the host's URLs fail fast
  bool retry = false;                  // queue the URL again, first, for after the pause
};

class HostPolicy {
 public:
  using Millis = std::chrono::milliseconds;

  explicit HostPolicy(const FetcherOptions& options);

  // Time between two requests to a host.
  Millis Delay(Millis crawl_delay, Millis request_delay) const;

  // True while the circuit is open: the host's URLs fail with kHostUnavailable.
  bool CircuitOpen(const HostTimes& host, SteadyTime now) const;

  // The earliest time the next request may start (connection limits aside).
  SteadyTime ReadyAt(const HostTimes& host) const;

  // A request starts now / an answer arrived now; `delay` is Delay() for the host.
  void OnStart(HostTimes* host, SteadyTime now, Millis delay) const;
  void OnAnswer(HostTimes* host, SteadyTime now, Millis delay) const;

  // An answer that is not a transient failure: the failure count starts again.
  void OnSuccess(HostTimes* host) const;

  // A transient failure of a URL that has had `attempts` transfers. `status` is the HTTP status
  // (0 when none), `retry_after` the parsed Retry-After header (nullopt when absent or
  // unparsable), `jitter` the backoff factor in [0.5, 1.5]. Updates the host's pause, failure
  // count and circuit.
  FailureDecision OnTransientFailure(HostTimes* host, SteadyTime now, int status,
                                     std::optional<Millis> retry_after, int attempts,
                                     double jitter) const;

  // base * 2^(failures-1) capped at backoff_max, times `jitter`.
  Millis Backoff(int failures, double jitter) const;

 private:
  Millis min_host_delay_;
  Millis max_retry_after_;
  int max_retries_;
  Millis backoff_base_;
  Millis backoff_max_;
  int circuit_breaker_failures_;
  Millis circuit_open_time_;
};

// Between the steady times the fetcher schedules with and the unix milliseconds a HostStateStore
// keeps: a time not in the future is stored as 0, and 0 (or a past time) loads as "none".
HostSnapshot SnapshotOf(const HostTimes& host, SteadyTime now, int64_t unix_now_ms);
HostTimes HostTimesFrom(const HostSnapshot& snapshot, SteadyTime now, int64_t unix_now_ms);

}  // namespace newscrawl::crawler
