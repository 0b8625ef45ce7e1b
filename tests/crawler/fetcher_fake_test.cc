// The Fetcher driven through its seams: a FakeClock and a FakeTransport answering from a script.
// Politeness, pauses, the circuit breaker, retries and robots.txt decided by the clock's time,
// with no sockets and no sleeps (waiting is only for the I/O thread to hand back results).
#include <gtest/gtest.h>

#include <map>
#include <mutex>

#include "common/clock.h"
#include "crawler/fetcher.h"
#include "tests/crawler/fake_transport.h"
#include "tests/crawler/fetch_test_util.h"

namespace newscrawl::crawler {
namespace {

using std::chrono::milliseconds;

const std::string kBase = "https://news.example";

FetcherOptions FakeOptions() {
  FetcherOptions o;
  o.respect_robots = false;
  o.min_host_delay = milliseconds(0);
  o.max_retries = 0;
  o.backoff_base = milliseconds(0);  // pauses come from Retry-After only; the clock moves them
  o.circuit_breaker_failures = 2;
  o.circuit_open_time = milliseconds(60'000);
  return o;
}

HttpResponse RetryAfter(int status, std::string value) {
  HttpResponse r = TransportScript::Status(status);
  r.retry_after = std::move(value);
  return r;
}

class MemoryState : public HostStateStore {
 public:
  std::optional<HostSnapshot> LoadHost(const std::string& key) override {
    std::lock_guard<std::mutex> lock(mu);
    auto it = hosts.find(key);
    return it == hosts.end() ? std::nullopt : std::optional<HostSnapshot>(it->second);
  }
  void SaveHost(const std::string& key, const HostSnapshot& s) override {
    std::lock_guard<std::mutex> lock(mu);
    hosts[key] = s;
  }
  std::optional<RobotsSnapshot> LoadRobots(const std::string&) override { return std::nullopt; }
  void SaveRobots(const std::string&, const RobotsSnapshot&) override {}
  std::mutex mu;
  std::map<std::string, HostSnapshot> hosts;
};

TEST(FetcherFakeTest, ResultsCarryTheClocksTime) {
  FakeClock clock;  // 2026-01-01T00:00:00Z
  auto script = std::make_shared<TransportScript>();
  script->On(kBase + "/a", {TransportScript::Status(200, "<p>a</p>")});
  Fetcher fetcher(FakeOptions(), nullptr, FakeEnv(clock, script));
  FetchResult r = FetchOne(fetcher, kBase + "/a");
  EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  EXPECT_EQ(r.body, "<p>a</p>");
  EXPECT_EQ(r.fetched_at, "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(r.seconds, 0.0);
}

TEST(FetcherFakeTest, CircuitOpensAfterFailuresAndClosesWhenTheClockPassesItsTime) {
  FakeClock clock;
  auto script = std::make_shared<TransportScript>();
  script->On(kBase + "/down", {TransportScript::Status(500)});
  script->On(kBase + "/up", {TransportScript::Status(200)});
  Fetcher fetcher(FakeOptions(), nullptr, FakeEnv(clock, script));
  EXPECT_EQ(FetchOne(fetcher, kBase + "/down").outcome, FetchOutcome::kHttp5xx);
  EXPECT_EQ(FetchOne(fetcher, kBase + "/down").outcome, FetchOutcome::kHttp5xx);  // opens
  FetchResult fast = FetchOne(fetcher, kBase + "/up");
  EXPECT_EQ(fast.outcome, FetchOutcome::kHostUnavailable);
  EXPECT_EQ(fast.error, "https://news.example: circuit open after 2 consecutive failures");
  EXPECT_EQ(script->Requests().size(), 2u);  // failed fast, no transfer
  clock.Advance(milliseconds(60'000));
  EXPECT_EQ(FetchOne(fetcher, kBase + "/up").outcome, FetchOutcome::kOk);
  EXPECT_EQ(script->Requests().size(), 3u);
}

TEST(FetcherFakeTest, RetryAfterPausesTheHostUntilTheClockPassesIt) {
  FakeClock clock;
  auto script = std::make_shared<TransportScript>();
  script->On(kBase + "/busy", {RetryAfter(503, "30"), TransportScript::Status(200)});
  script->On(kBase + "/next", {TransportScript::Status(200)});
  script->On("https://other.example/x", {TransportScript::Status(200)});
  FetcherOptions o = FakeOptions();
  o.max_retries = 1;
  Fetcher fetcher(o, nullptr, FakeEnv(clock, script));
  std::promise<FetchResult> busy;
  FetchRequest request;
  request.url = kBase + "/busy";
  fetcher.Fetch(request, [&](FetchResult r) { busy.set_value(std::move(r)); });
  // Another host answers meanwhile (and, handled after /busy on the one I/O thread, shows that
  // /busy has had its 503): the paused host has made no second request.
  EXPECT_EQ(FetchOne(fetcher, "https://other.example/x").outcome, FetchOutcome::kOk);
  EXPECT_EQ(script->Requests(),
            (std::vector<std::string>{kBase + "/busy", "https://other.example/x"}));
  // 30 s later on the clock, the next request to the host finds the pause over: the retry goes
  // first.
  clock.Advance(milliseconds(30'000));
  EXPECT_EQ(FetchOne(fetcher, kBase + "/next").outcome, FetchOutcome::kOk);
  FetchResult r = busy.get_future().get();
  EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(script->Requests()[2], kBase + "/busy");
  EXPECT_EQ(script->Requests()[3], kBase + "/next");
}

TEST(FetcherFakeTest, RetryAfterBeyondTheCapIsReportedAndThePauseSaved) {
  FakeClock clock;
  auto script = std::make_shared<TransportScript>();
  script->On(kBase + "/busy", {RetryAfter(429, "600")});
  MemoryState state;
  {
    Fetcher fetcher(FakeOptions(), &state, FakeEnv(clock, script));
    FetchResult r = FetchOne(fetcher, kBase + "/busy");
    EXPECT_EQ(r.outcome, FetchOutcome::kHttp4xx);
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.error, "HTTP 429 (Retry-After: 600)");
  }
  ASSERT_EQ(state.hosts.count(kBase), 1u);
  EXPECT_EQ(state.hosts[kBase].paused_until_ms, clock.UnixNowMs() + 600'000);
  EXPECT_EQ(state.hosts[kBase].failures, 1);
}

TEST(FetcherFakeTest, TransientFailuresAreRetriedAsIsTransientOutcomeSays) {
  struct Case {
    HttpResponse response;
    int want_attempts;
  };
  HttpResponse dns;
  dns.transport = FetchOutcome::kDns;
  dns.error = "could not resolve";
  HttpResponse tls;
  tls.transport = FetchOutcome::kTls;
  tls.error = "bad certificate";
  const std::vector<Case> cases = {
      {TransportScript::Status(503), 3},
      {TransportScript::Status(429), 3},
      {dns, 3},
      {TransportScript::Status(404), 1},
      {tls, 1},
  };
  for (const Case& c : cases) {
    FakeClock clock;
    auto script = std::make_shared<TransportScript>();
    script->On(kBase + "/x", {c.response});
    FetcherOptions o = FakeOptions();
    o.max_retries = 2;
    o.circuit_breaker_failures = 100;
    Fetcher fetcher(o, nullptr, FakeEnv(clock, script));
    FetchResult r = FetchOne(fetcher, kBase + "/x");
    EXPECT_EQ(r.attempts, c.want_attempts) << FetchOutcomeName(r.outcome);
    EXPECT_EQ(IsTransientOutcome(r.outcome, r.status), c.want_attempts > 1);
  }
}

TEST(FetcherFakeTest, RobotsTxtIsFetchedOnceAndDecides) {
  FakeClock clock;
  auto script = std::make_shared<TransportScript>();
  script->On(kBase + "/robots.txt",
             {TransportScript::Status(200, "User-agent: *\nDisallow: /private/\n")});
  script->On(kBase + "/news/a", {TransportScript::Status(200)});
  FetcherOptions o = FakeOptions();
  o.respect_robots = true;
  Fetcher fetcher(o, nullptr, FakeEnv(clock, script));
  auto results =
      FetchAll(fetcher, {kBase + "/news/a", kBase + "/private/b", kBase + "/robots.txt"});
  EXPECT_EQ(results[0].outcome, FetchOutcome::kOk);
  EXPECT_EQ(results[1].outcome, FetchOutcome::kRobotsDisallowed);
  EXPECT_EQ(results[1].error, "robots.txt of https://news.example disallows /private/b");
  EXPECT_EQ(results[2].outcome, FetchOutcome::kOk);  // from the cache
  EXPECT_EQ(results[2].body, "User-agent: *\nDisallow: /private/\n");
  EXPECT_EQ(script->Requests(),
            (std::vector<std::string>{kBase + "/robots.txt", kBase + "/news/a"}));
  // A day later on the clock the cached answer has expired: fetched again before the next page.
  clock.Advance(milliseconds(24 * 3600 * 1000));
  EXPECT_EQ(FetchOne(fetcher, kBase + "/news/a").outcome, FetchOutcome::kOk);
  EXPECT_EQ(script->Requests().size(), 4u);
  EXPECT_EQ(script->Requests()[2], kBase + "/robots.txt");
}

TEST(FetcherFakeTest, RedirectsAreFollowedHopByHop) {
  FakeClock clock;
  auto script = std::make_shared<TransportScript>();
  HttpResponse moved = TransportScript::Status(301);
  moved.redirect_url = "https://www.news.example/a";
  script->On(kBase + "/a", {moved});
  script->On("https://www.news.example/a", {TransportScript::Status(200, "a")});
  Fetcher fetcher(FakeOptions(), nullptr, FakeEnv(clock, script));
  FetchResult r = FetchOne(fetcher, kBase + "/a");
  EXPECT_EQ(r.outcome, FetchOutcome::kOk);
  EXPECT_EQ(r.final_url, "https://www.news.example/a");
  EXPECT_EQ(r.redirects, std::vector<std::string>{"https://www.news.example/a"});
}

}  // namespace
}  // namespace newscrawl::crawler
