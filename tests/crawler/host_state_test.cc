// Per-host state beyond one fetcher's life: the HostStateStore (pause, robots.txt cache), the
// robots.txt answered from the cache, per-request host delays and idle-host eviction. Measured
// from the TestServer's request log.
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "crawler/fetcher.h"
#include "crawler/host_state_store.h"
#include "tests/crawler/fetch_test_util.h"
#include "tests/support/test_server.h"

namespace newscrawl::crawler {
namespace {

using std::chrono::milliseconds;
using testing::StandardRoute;
using testing::TestRequest;
using testing::TestResponse;
using testing::TestServer;

constexpr long long kToleranceMs = 8;

// The fake the fetcher's users would write: a map (what the pipeline keeps in RocksDB).
class MemoryHostStateStore : public HostStateStore {
 public:
  std::optional<HostSnapshot> LoadHost(const std::string& key) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++host_loads;
    auto it = hosts.find(key);
    if (it == hosts.end()) return std::nullopt;
    return it->second;
  }
  void SaveHost(const std::string& key, const HostSnapshot& s) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++host_saves;
    hosts[key] = s;
  }
  std::optional<RobotsSnapshot> LoadRobots(const std::string& key) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = robots.find(key);
    if (it == robots.end()) return std::nullopt;
    return it->second;
  }
  void SaveRobots(const std::string& key, const RobotsSnapshot& s) override {
    std::lock_guard<std::mutex> lock(mu_);
    robots[key] = s;
  }
  std::map<std::string, HostSnapshot> hosts;
  std::map<std::string, RobotsSnapshot> robots;
  int host_loads = 0, host_saves = 0;

 private:
  std::mutex mu_;
};

std::unique_ptr<TestServer> ServerWithRobots(std::string robots) {
  return TestServer::Start(2, [robots](const TestRequest& r) {
    if (r.path() != "/robots.txt") return StandardRoute(r);
    TestResponse response;
    response.headers.emplace_back("Content-Type", "text/plain");
    response.body = robots;
    return response;
  });
}

size_t CountPath(const TestServer& server, const std::string& path) {
  size_t n = 0;
  for (auto& r : server.Requests()) n += r.path() == path;
  return n;
}

FetcherOptions RobotsOptions() {
  FetcherOptions o = TestOptions();
  o.respect_robots = true;
  return o;
}

TEST(HostStateTest, RetryAfterPauseSurvivesARestart) {
  auto server = TestServer::Start(1, StandardRoute);
  MemoryHostStateStore state;
  FetcherOptions o = TestOptions();
  o.max_retries = 0;  // the 429 is reported at once; the host stays paused for 2 s
  {
    Fetcher fetcher(o, &state);
    FetchResult r = FetchOne(fetcher, server->BaseUrl(0) + "/retry-after/2");
    EXPECT_EQ(r.status, 429);
  }  // "restart"
  const std::string key = "http://127.0.0.1:" + std::to_string(server->port(0));
  ASSERT_EQ(state.hosts.count(key), 1u);
  EXPECT_GT(state.hosts[key].paused_until_ms, 0);
  EXPECT_EQ(state.hosts[key].failures, 1);
  Fetcher fetcher(o, &state);
  FetchResult r = FetchOne(fetcher, server->BaseUrl(0) + "/page/1");
  EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  auto log = server->Requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_GE(MillisBetween(log[0].received_at, log[1].received_at), 2000 - kToleranceMs);
}

TEST(HostStateTest, RobotsCacheSurvivesARestartUntilItsTtl) {
  auto server = ServerWithRobots("User-agent: *\nDisallow: /page/2\n");
  MemoryHostStateStore state;
  {
    Fetcher fetcher(RobotsOptions(), &state);
    EXPECT_EQ(FetchOne(fetcher, server->BaseUrl(0) + "/page/1").outcome, FetchOutcome::kOk);
  }
  EXPECT_EQ(state.robots.size(), 1u);
  {
    Fetcher fetcher(RobotsOptions(), &state);
    auto results =
        FetchAll(fetcher, {server->BaseUrl(0) + "/page/1", server->BaseUrl(0) + "/page/2"});
    EXPECT_EQ(results[0].outcome, FetchOutcome::kOk);
    EXPECT_EQ(results[1].outcome, FetchOutcome::kRobotsDisallowed);  // the cached rules apply
    EXPECT_EQ(fetcher.stats().robots_fetches, 0u);
  }
  EXPECT_EQ(CountPath(*server, "/robots.txt"), 1u);
  // An entry older than the TTL is fetched again.
  for (auto& [key, robots] : state.robots) robots.fetched_ms -= 25LL * 3600 * 1000;
  Fetcher fetcher(RobotsOptions(), &state);
  EXPECT_EQ(FetchOne(fetcher, server->BaseUrl(0) + "/page/1").outcome, FetchOutcome::kOk);
  EXPECT_EQ(CountPath(*server, "/robots.txt"), 2u);
}

TEST(HostStateTest, RobotsUnavailableIsNotCached) {
  auto server = TestServer::Start(1, [](const TestRequest& r) {
    if (r.path() == "/robots.txt") {
      TestResponse response;
      response.status = 503;
      return response;
    }
    return StandardRoute(r);
  });
  MemoryHostStateStore state;
  Fetcher fetcher(RobotsOptions(), &state);
  EXPECT_EQ(FetchOne(fetcher, server->BaseUrl(0) + "/page/1").outcome,
            FetchOutcome::kRobotsUnavailable);
  EXPECT_TRUE(state.robots.empty());
}

TEST(HostStateTest, OwnRobotsTxtIsAnsweredFromTheCache) {
  auto server = ServerWithRobots("User-agent: *\nAllow: /\nSitemap: /sitemap.xml\n");
  Fetcher fetcher(RobotsOptions());
  FetchResult page = FetchOne(fetcher, server->BaseUrl(0) + "/page/1");
  EXPECT_EQ(page.outcome, FetchOutcome::kOk);
  FetchResult robots = FetchOne(fetcher, server->BaseUrl(0) + "/robots.txt");
  EXPECT_EQ(robots.outcome, FetchOutcome::kOk) << robots.error;
  EXPECT_EQ(robots.status, 200);
  EXPECT_EQ(robots.body, "User-agent: *\nAllow: /\nSitemap: /sitemap.xml\n");
  EXPECT_EQ(CountPath(*server, "/robots.txt"), 1u);
  EXPECT_EQ(fetcher.stats().robots_cache_answers, 1u);
  // A missing robots.txt (404) is answered as such.
  auto plain = TestServer::Start(1, StandardRoute);
  FetchResult missing = FetchOne(fetcher, plain->BaseUrl(0) + "/robots.txt");
  EXPECT_EQ(missing.outcome, FetchOutcome::kHttp4xx);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(CountPath(*plain, "/robots.txt"), 1u);
}

TEST(HostStateTest, RequestMinDelayAppliesToItsHostOnly) {
  auto server = TestServer::Start(2, StandardRoute);
  Fetcher fetcher(TestOptions());  // min_host_delay 0
  std::vector<std::promise<FetchResult>> promises(8);
  for (int i = 0; i < 8; ++i) {
    FetchRequest request;
    const int host = i % 2;
    request.url = server->BaseUrl(host) + "/page/" + std::to_string(i);
    if (host == 0) request.min_host_delay = milliseconds(150);
    fetcher.Fetch(request, [&promises, i](FetchResult r) { promises[i].set_value(std::move(r)); });
  }
  for (auto& p : promises) {
    auto f = p.get_future();
    ASSERT_EQ(f.wait_for(std::chrono::seconds(20)), std::future_status::ready);
    EXPECT_EQ(f.get().outcome, FetchOutcome::kOk);
  }
  auto slow = server->RequestsFor(0);
  ASSERT_EQ(slow.size(), 4u);
  for (size_t i = 1; i < slow.size(); ++i)
    EXPECT_GE(MillisBetween(slow[i - 1].received_at, slow[i].received_at), 150 - kToleranceMs);
  auto fast = server->RequestsFor(1);
  ASSERT_EQ(fast.size(), 4u);
  long long min_gap = 1'000'000;  // one gap is enough to show the delay is not applied there
  for (size_t i = 1; i < fast.size(); ++i)
    min_gap = std::min(min_gap, MillisBetween(fast[i - 1].received_at, fast[i].received_at));
  EXPECT_LT(min_gap, 150);
}

TEST(HostStateTest, IdleHostsAreEvictedAndComeBackFromTheStore) {
  auto server = ServerWithRobots("User-agent: *\nAllow: /\n");
  MemoryHostStateStore state;
  FetcherOptions o = RobotsOptions();
  o.host_idle_evict = milliseconds(50);
  Fetcher fetcher(o, &state);
  FetchAll(fetcher, {server->BaseUrl(0) + "/page/1", server->BaseUrl(1) + "/page/1"});
  EXPECT_EQ(CountPath(*server, "/robots.txt"), 2u);
  for (int i = 0; i < 100 && fetcher.stats().hosts > 0; ++i)
    std::this_thread::sleep_for(milliseconds(10));
  EXPECT_EQ(fetcher.stats().hosts, 0u);
  EXPECT_EQ(fetcher.stats().hosts_evicted, 2u);
  // Back: robots.txt comes from the store, not from the server.
  EXPECT_EQ(FetchOne(fetcher, server->BaseUrl(0) + "/page/2").outcome, FetchOutcome::kOk);
  EXPECT_EQ(CountPath(*server, "/robots.txt"), 2u);
  EXPECT_EQ(fetcher.stats().hosts, 1u);
}

TEST(HostStateTest, PausedHostIsNotEvicted) {
  auto server = TestServer::Start(1, StandardRoute);
  FetcherOptions o = TestOptions();
  o.max_retries = 0;
  o.host_idle_evict = milliseconds(20);
  Fetcher fetcher(o);  // no store: eviction would forget the pause
  EXPECT_EQ(FetchOne(fetcher, server->BaseUrl(0) + "/retry-after/1").status, 429);
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(fetcher.stats().hosts, 1u);
  FetchResult r = FetchOne(fetcher, server->BaseUrl(0) + "/page/1");
  EXPECT_EQ(r.outcome, FetchOutcome::kOk);
  auto log = server->Requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_GE(MillisBetween(log[0].received_at, log[1].received_at), 1000 - kToleranceMs);
}

}  // namespace
}  // namespace newscrawl::crawler
