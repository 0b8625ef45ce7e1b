// HostPolicy: the politeness and failure rules of one host, table-tested with a FakeClock (no
// sockets, no sleeps: each case runs in microseconds).
#include "crawler/host_policy.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "common/clock.h"

namespace newscrawl::crawler {
namespace {

using std::chrono::milliseconds;

FetcherOptions PolicyOptions() {
  FetcherOptions o;
  o.min_host_delay = milliseconds(1'000);
  o.max_retry_after = milliseconds(120'000);
  o.max_retries = 2;
  o.backoff_base = milliseconds(1'000);
  o.backoff_max = milliseconds(300'000);
  o.circuit_breaker_failures = 4;
  o.circuit_open_time = milliseconds(600'000);
  return o;
}

long long Ms(SteadyTime t, SteadyTime origin) {
  return std::chrono::duration_cast<milliseconds>(t - origin).count();
}

TEST(HostPolicyTest, DelayIsTheLongestOfMinDelayCrawlDelayAndRequestDelay) {
  struct Case {
    long long crawl_delay, request_delay, want;
  };
  const std::vector<Case> cases = {
      {0, 0, 1'000},      // min_host_delay alone
      {5'000, 0, 5'000},  // robots.txt Crawl-delay (already capped by the robots policy)
      {0, 2'500, 2'500},  // the site's own min_delay
      {3'000, 4'000, 4'000}, {500, 200, 1'000},  // shorter ones never lower the minimum
  };
  HostPolicy policy(PolicyOptions());
  for (const Case& c : cases) {
    EXPECT_EQ(policy.Delay(milliseconds(c.crawl_delay), milliseconds(c.request_delay)).count(),
              c.want)
        << c.crawl_delay << " / " << c.request_delay;
  }
}

TEST(HostPolicyTest, BackoffDoublesPerFailureUpToTheCapTimesJitter) {
  struct Case {
    int failures;
    double jitter;
    long long want_ms;
  };
  const std::vector<Case> cases = {
      {1, 1.0, 1'000},    {2, 1.0, 2'000},    {3, 1.0, 4'000},
      {9, 1.0, 256'000},  {10, 1.0, 300'000},  // capped at backoff_max
      {60, 1.0, 300'000},                      // no overflow for a host failing for days
      {1, 0.5, 500},      {3, 1.5, 6'000},    {10, 1.5, 450'000},  // jitter applies after the cap
  };
  HostPolicy policy(PolicyOptions());
  for (const Case& c : cases) {
    EXPECT_EQ(policy.Backoff(c.failures, c.jitter).count(), c.want_ms)
        << c.failures << " failures, jitter " << c.jitter;
  }
}

TEST(HostPolicyTest, TransientFailurePausesRetriesAndOpensTheCircuit) {
  struct Case {
    const char* name;
    int failures_before;  // consecutive failures of the host so far
    int status;           // HTTP status of the failed answer (0: transport failure)
    std::optional<long long> retry_after_ms;
    int attempts;  // transfers of the URL so far, this one included
    long long want_pause_ms;
    bool want_from_retry_after, want_retry, want_circuit;
  };
  const std::vector<Case> cases = {
      {"5xx: backoff, retried", 0, 500, std::nullopt, 1, 1'000, false, true, false},
      {"timeout: backoff doubles", 1, 0, std::nullopt, 1, 2'000, false, true, false},
      {"503 Retry-After honoured", 0, 503, 30'000, 1, 30'000, true, true, false},
      {"429 Retry-After honoured", 0, 429, 5'000, 1, 5'000, true, true, false},
      {"500 ignores Retry-After", 0, 500, 30'000, 1, 1'000, false, true, false},
      {"429 without Retry-After: backoff", 0, 429, std::nullopt, 1, 1'000, false, true, false},
      {"Retry-After 0: retried at once", 0, 429, 0, 1, 0, true, true, false},
      {"Retry-After beyond the cap: reported", 0, 503, 121'000, 1, 121'000, true, false, false},
      {"retries used up: reported", 0, 500, std::nullopt, 3, 1'000, false, false, false},
      {"last retry still allowed", 0, 500, std::nullopt, 2, 1'000, false, true, false},
      {"fourth failure opens the circuit", 3, 500, std::nullopt, 1, 8'000, false, false, true},
  };
  HostPolicy policy(PolicyOptions());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FakeClock clock;
    const SteadyTime now = clock.SteadyNow();
    HostTimes host;
    host.failures = c.failures_before;
    std::optional<milliseconds> retry_after;
    if (c.retry_after_ms) retry_after = milliseconds(*c.retry_after_ms);
    FailureDecision d =
        policy.OnTransientFailure(&host, now, c.status, retry_after, c.attempts, /*jitter=*/1.0);
    EXPECT_EQ(d.pause.count(), c.want_pause_ms);
    EXPECT_EQ(d.from_retry_after, c.want_from_retry_after);
    EXPECT_EQ(d.retry, c.want_retry);
    EXPECT_EQ(d.circuit_opened, c.want_circuit);
    EXPECT_EQ(host.failures, c.failures_before + 1);
    EXPECT_EQ(Ms(host.paused_until, now), c.want_pause_ms);
    EXPECT_EQ(policy.CircuitOpen(host, now), c.want_circuit);
  }
}

TEST(HostPolicyTest, APauseIsNeverShortenedByALaterFailure) {
  FakeClock clock;
  const SteadyTime t0 = clock.SteadyNow();
  HostPolicy policy(PolicyOptions());
  HostTimes host;
  policy.OnTransientFailure(&host, t0, 503, milliseconds(60'000), 1, 1.0);
  clock.Advance(milliseconds(1'000));
  policy.OnTransientFailure(&host, clock.SteadyNow(), 500, std::nullopt, 1, 1.0);  // 2 s backoff
  EXPECT_EQ(Ms(host.paused_until, t0), 60'000);
  EXPECT_EQ(Ms(policy.ReadyAt(host), t0), 60'000);
}

TEST(HostPolicyTest, PolitenessClockAcrossStartsAndAnswers) {
  FakeClock clock;
  const SteadyTime t0 = clock.SteadyNow();
  HostPolicy policy(PolicyOptions());
  HostTimes host;
  EXPECT_LE(policy.ReadyAt(host), t0);  // a new host may start at once
  policy.OnStart(&host, t0, milliseconds(1'000));
  EXPECT_EQ(Ms(policy.ReadyAt(host), t0), 1'000);
  clock.Advance(milliseconds(1'500));  // a slow answer: the delay counts from its end
  policy.OnAnswer(&host, clock.SteadyNow(), milliseconds(1'000));
  EXPECT_EQ(Ms(policy.ReadyAt(host), t0), 2'500);
  policy.OnAnswer(&host, t0, milliseconds(1'000));  // an earlier answer never moves it back
  EXPECT_EQ(Ms(policy.ReadyAt(host), t0), 2'500);
}

TEST(HostPolicyTest, CircuitClosesAfterTheOpenTimeAndSuccessResetsTheCount) {
  FakeClock clock;
  HostPolicy policy(PolicyOptions());
  HostTimes host;
  for (int i = 0; i < 4; ++i)
    policy.OnTransientFailure(&host, clock.SteadyNow(), 500, std::nullopt, 1, 1.0);
  EXPECT_TRUE(policy.CircuitOpen(host, clock.SteadyNow()));
  clock.Advance(milliseconds(599'999));
  EXPECT_TRUE(policy.CircuitOpen(host, clock.SteadyNow()));
  clock.Advance(milliseconds(1));
  EXPECT_FALSE(policy.CircuitOpen(host, clock.SteadyNow()));
  policy.OnSuccess(&host);
  EXPECT_EQ(host.failures, 0);
}

TEST(HostPolicyTest, SnapshotRoundTripsThroughUnixMilliseconds) {
  FakeClock clock;
  const SteadyTime now = clock.SteadyNow();
  const int64_t unix_now = clock.UnixNowMs();
  HostTimes host;
  host.next_start = now + milliseconds(1'000);
  host.paused_until = now + milliseconds(30'000);
  host.failures = 3;
  host.circuit_open_until = now - milliseconds(5);  // in the past: stored as 0
  HostSnapshot s = SnapshotOf(host, now, unix_now);
  EXPECT_EQ(s.next_start_ms, unix_now + 1'000);
  EXPECT_EQ(s.paused_until_ms, unix_now + 30'000);
  EXPECT_EQ(s.failures, 3);
  EXPECT_EQ(s.circuit_open_until_ms, 0);

  // Loaded 10 s later by a process whose steady clock has another origin.
  FakeClock later(unix_now + 10'000);
  HostTimes back = HostTimesFrom(s, later.SteadyNow(), later.UnixNowMs());
  EXPECT_LE(back.next_start, later.SteadyNow());  // its time has passed
  EXPECT_EQ(Ms(back.paused_until, later.SteadyNow()), 20'000);
  EXPECT_EQ(back.failures, 3);
  EXPECT_EQ(back.circuit_open_until, SteadyTime{});
}

}  // namespace
}  // namespace newscrawl::crawler
