// Per-host politeness, measured from the TestServer's request log.
#include <gtest/gtest.h>

#include <algorithm>

#include "crawler/fetcher.h"
#include "tests/crawler/fetch_test_util.h"
#include "tests/support/test_server.h"

namespace newscrawl::crawler {
namespace {

using std::chrono::milliseconds;
using testing::StandardRoute;
using testing::TestRequest;
using testing::TestServer;

// Arrival times on the server may be closer than the client's start times by the jitter of
// loopback latency; a few ms of tolerance keeps the tests deterministic.
constexpr long long kToleranceMs = 8;

std::vector<std::string> Urls(const TestServer& server, int host, const std::string& path, int n) {
  std::vector<std::string> urls;
  for (int i = 0; i < n; ++i) urls.push_back(server.BaseUrl(host) + path + std::to_string(i));
  return urls;
}

long long MinGapMs(const std::vector<TestRequest>& log) {
  long long min_gap = 1'000'000;
  for (size_t i = 1; i < log.size(); ++i) {
    min_gap = std::min(min_gap, MillisBetween(log[i - 1].received_at, log[i].received_at));
  }
  return min_gap;
}

TEST(PolitenessTest, MinDelayBetweenRequestsToOneHostButHostsInParallel) {
  auto server = TestServer::Start(2, StandardRoute);
  FetcherOptions o = TestOptions();
  o.min_host_delay = milliseconds(120);
  Fetcher fetcher(o);
  std::vector<std::string> urls = Urls(*server, 0, "/page/", 4);
  for (auto& u : Urls(*server, 1, "/page/", 4)) urls.push_back(u);
  auto results = FetchAll(fetcher, urls);
  for (auto& r : results) EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.url << ": " << r.error;
  for (int host = 0; host < 2; ++host) {
    auto log = server->RequestsFor(host);
    ASSERT_EQ(log.size(), 4u);
    EXPECT_GE(MinGapMs(log), 120 - kToleranceMs) << "host " << host;
  }
  // Both hosts are served at the same time: host 1 starts before host 0 is finished.
  EXPECT_LT(server->RequestsFor(1).front().received_at, server->RequestsFor(0).back().received_at);
}

TEST(PolitenessTest, OneConnectionPerHostMeansNoOverlap) {
  auto server = TestServer::Start(1, StandardRoute);
  FetcherOptions o = TestOptions();
  o.max_connections_per_host = 1;
  Fetcher fetcher(o);
  auto results = FetchAll(fetcher, Urls(*server, 0, "/slow-headers/8", 4));  // 80..83 ms
  for (auto& r : results) EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  auto log = server->Requests();
  ASSERT_EQ(log.size(), 4u);
  // Each request arrives only after the previous answer (>= 80 ms) was complete.
  EXPECT_GE(MinGapMs(log), 80 - kToleranceMs);
  EXPECT_EQ(server->connections_accepted(), 1u);  // and the connection was reused
}

TEST(PolitenessTest, SeveralConnectionsPerHostWhenAllowed) {
  auto server = TestServer::Start(1, StandardRoute);
  FetcherOptions o = TestOptions();
  o.max_connections_per_host = 3;
  Fetcher fetcher(o);
  auto results = FetchAll(fetcher, Urls(*server, 0, "/slow-headers/40", 3));  // 400..402 ms
  for (auto& r : results) EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  auto log = server->Requests();
  ASSERT_EQ(log.size(), 3u);
  // All three arrive before the first answer (400 ms) was sent: three parallel connections.
  EXPECT_LT(MillisBetween(log[0].received_at, log[2].received_at), 400);
  EXPECT_EQ(server->connections_accepted(), 3u);
}

TEST(PolitenessTest, RetryAfterPausesTheHost) {
  auto server = TestServer::Start(1, StandardRoute);
  FetcherOptions o = TestOptions();
  o.max_retries = 1;
  Fetcher fetcher(o);
  FetchResult r = FetchOne(fetcher, server->BaseUrl(0) + "/retry-after/1");
  EXPECT_EQ(r.outcome, FetchOutcome::kHttp4xx);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.error, "HTTP 429 (Retry-After: 1)");
  auto log = server->Requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_GE(MillisBetween(log[0].received_at, log[1].received_at), 1000 - kToleranceMs);
}

TEST(PolitenessTest, RetryAfterBeyondTheCapIsNotWaitedFor) {
  auto server = TestServer::Start(1, StandardRoute);
  FetcherOptions o = TestOptions();
  o.max_retry_after = milliseconds(500);
  Fetcher fetcher(o);
  FetchResult r = FetchOne(fetcher, server->BaseUrl(0) + "/retry-after/3600");
  EXPECT_EQ(r.outcome, FetchOutcome::kHttp4xx);
  EXPECT_LT(r.seconds, 1.0);
  EXPECT_EQ(server->Requests().size(), 1u);
}

TEST(PolitenessTest, CircuitBreakerOpensAfterRepeatedFailures) {
  auto server = TestServer::Start(1, StandardRoute);
  FetcherOptions o = TestOptions();
  o.max_retries = 0;
  o.circuit_breaker_failures = 3;
  o.backoff_base = milliseconds(5);
  o.backoff_max = milliseconds(10);
  Fetcher fetcher(o);
  auto results = FetchAll(fetcher, Urls(*server, 0, "/status/500?", 6));
  int failed = 0, unavailable = 0;
  for (auto& r : results) {
    if (r.outcome == FetchOutcome::kHttp5xx) ++failed;
    if (r.outcome == FetchOutcome::kHostUnavailable) ++unavailable;
  }
  EXPECT_EQ(failed, 3);
  EXPECT_EQ(unavailable, 3);
  EXPECT_EQ(server->Requests().size(), 3u);
  EXPECT_NE(results.back().error.find("circuit open"), std::string::npos) << results.back().error;
}

TEST(PolitenessTest, CircuitClosesAgainAfterTheOpenTime) {
  auto server = TestServer::Start(1, StandardRoute);
  FetcherOptions o = TestOptions();
  o.max_retries = 0;
  o.circuit_breaker_failures = 2;
  o.circuit_open_time = milliseconds(150);
  o.backoff_base = milliseconds(5);
  o.backoff_max = milliseconds(10);
  Fetcher fetcher(o);
  FetchAll(fetcher, Urls(*server, 0, "/status/503?", 2));
  EXPECT_EQ(FetchOne(fetcher, server->BaseUrl(0) + "/page/1").outcome,
            FetchOutcome::kHostUnavailable);
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(FetchOne(fetcher, server->BaseUrl(0) + "/page/1").outcome, FetchOutcome::kOk);
}

}  // namespace
}  // namespace newscrawl::crawler
