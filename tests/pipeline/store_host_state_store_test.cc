// StoreHostStateStore: the fetcher's per-host state in the store's reserved KV spaces, across a
// real restart (fetcher destroyed, store closed and opened again), checked in the server's log.
#include "pipeline/store_host_state_store.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "crawler/fetcher.h"
#include "tests/crawler/fetch_test_util.h"
#include "tests/support/test_server.h"

namespace newscrawl::pipeline {
namespace {

using namespace std::chrono_literals;
using crawler::FetchOutcome;
using testing::StandardRoute;
using testing::TestRequest;
using testing::TestResponse;
using testing::TestServer;

TEST(HostStateEncodingTest, RoundTripsAndRejectsGarbage) {
  crawler::HostSnapshot host{1764064800123, 1764064860000, 3, 1764065400000};
  EXPECT_EQ(DecodeHostSnapshot(EncodeHostSnapshot(host)), host);
  crawler::RobotsSnapshot robots{1764064800123, 200, std::string("User-agent: *\0\xff", 15)};
  auto decoded = DecodeRobotsSnapshot(EncodeRobotsSnapshot(robots));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->fetched_ms, robots.fetched_ms);
  EXPECT_EQ(decoded->status, 200);
  EXPECT_EQ(decoded->body, robots.body);
  EXPECT_FALSE(DecodeHostSnapshot("").has_value());
  EXPECT_FALSE(DecodeHostSnapshot(EncodeHostSnapshot(host).substr(0, 20)).has_value());
  EXPECT_FALSE(DecodeRobotsSnapshot(EncodeHostSnapshot(host)).has_value());
  EXPECT_FALSE(DecodeRobotsSnapshot("R").has_value());
}

class HostStateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) / "host_state_store_test";
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::unique_ptr<store::Store> Open() {
    auto s = store::Store::Open(dir_.string());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }
  std::filesystem::path dir_;
};

TEST_F(HostStateStoreTest, PauseAndRobotsCacheSurviveARestart) {
  // robots.txt allows everything but /private/; /busy answers 429 with Retry-After: 2.
  auto server = TestServer::Start(1, [](const TestRequest& r) {
    TestResponse response;
    if (r.path() == "/robots.txt") {
      response.body = "User-agent: *\nDisallow: /private/\n";
    } else if (r.path() == "/busy") {
      response.status = 429;
      response.headers.emplace_back("Retry-After", "2");
    } else {
      return StandardRoute(r);
    }
    return response;
  });
  crawler::FetcherOptions options = crawler::TestOptions();
  options.respect_robots = true;
  options.max_retries = 0;
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    StoreHostStateStore state(store.get());
    crawler::Fetcher fetcher(options, &state);
    auto results =
        crawler::FetchAll(fetcher, {server->BaseUrl(0) + "/page/1", server->BaseUrl(0) + "/busy"});
    EXPECT_EQ(results[0].outcome, FetchOutcome::kOk) << results[0].error;
    EXPECT_EQ(results[1].status, 429);
  }  // the daemon stops: fetcher, then store
  const auto paused_at = server->Requests().back().received_at;
  ASSERT_EQ(server->Requests().back().path(), "/busy");
  auto store = Open();
  ASSERT_NE(store, nullptr);
  StoreHostStateStore state(store.get());
  crawler::Fetcher fetcher(options, &state);
  auto results = crawler::FetchAll(
      fetcher, {server->BaseUrl(0) + "/page/2", server->BaseUrl(0) + "/private/x"});
  EXPECT_EQ(results[0].outcome, FetchOutcome::kOk) << results[0].error;
  EXPECT_EQ(results[1].outcome, FetchOutcome::kRobotsDisallowed);  // the stored rules
  auto log = server->Requests();
  ASSERT_EQ(log.size(), 4u);  // robots.txt, /page/1, /busy, /page/2: robots.txt not refetched
  EXPECT_EQ(log[0].path(), "/robots.txt");
  EXPECT_EQ(log[3].path(), "/page/2");
  EXPECT_GE(crawler::MillisBetween(paused_at, log[3].received_at), 2000 - 8)
      << "the Retry-After pause ended early after the restart";
  EXPECT_EQ(fetcher.stats().robots_fetches, 0u);
}

}  // namespace
}  // namespace newscrawl::pipeline
