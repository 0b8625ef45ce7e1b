// robots.txt as the fetcher uses it (RFC 9309 status handling, cache, Crawl-delay, size cap).
// The rule matching itself is tested in tests/parser (ParseRobotsTxt).
#include <gtest/gtest.h>

#include <atomic>

#include "crawler/fetcher.h"
#include "tests/crawler/fetch_test_util.h"
#include "tests/support/test_server.h"

namespace newscrawl::crawler {
namespace {

using std::chrono::milliseconds;
using testing::StandardRoute;
using testing::TestRequest;
using testing::TestResponse;
using testing::TestServer;

// A server whose /robots.txt answers `robots`; everything else is StandardRoute.
std::unique_ptr<TestServer> ServerWithRobots(TestResponse robots) {
  return TestServer::Start(1, [robots](const TestRequest& r) {
    return r.path() == "/robots.txt" ? robots : StandardRoute(r);
  });
}

TestResponse RobotsBody(std::string body) {
  TestResponse r;
  r.headers.emplace_back("Content-Type", "text/plain");
  r.body = std::move(body);
  return r;
}

FetcherOptions RobotsOptions() {
  FetcherOptions o = TestOptions();
  o.respect_robots = true;
  return o;
}

size_t CountPath(const TestServer& server, const std::string& path) {
  size_t n = 0;
  for (auto& r : server.Requests()) n += r.path() == path;
  return n;
}

TEST(RobotsFetchTest, MissingRobotsAllowsEverythingAndIsFetchedOnce) {
  auto server = TestServer::Start(1, StandardRoute);  // /robots.txt is 404
  Fetcher fetcher(RobotsOptions());
  auto results =
      FetchAll(fetcher, {server->BaseUrl(0) + "/page/1", server->BaseUrl(0) + "/page/2"});
  for (auto& r : results) EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  EXPECT_EQ(CountPath(*server, "/robots.txt"), 1u);
  EXPECT_EQ(server->Requests().front().path(), "/robots.txt");
  EXPECT_EQ(fetcher.stats().robots_fetches, 1u);
}

TEST(RobotsFetchTest, DisallowRulesAreApplied) {
  auto server = ServerWithRobots(RobotsBody(
      "User-agent: *\nDisallow: /page/\nAllow: /page/2\n\nUser-agent: otherbot\nDisallow: /\n"));
  Fetcher fetcher(RobotsOptions());
  auto results = FetchAll(fetcher, {server->BaseUrl(0) + "/page/1", server->BaseUrl(0) + "/page/2",
                                    server->BaseUrl(0) + "/gzip"});
  EXPECT_EQ(results[0].outcome, FetchOutcome::kRobotsDisallowed);
  EXPECT_EQ(results[0].error, "robots.txt of " +
                                  ("http://127.0.0.1:" + std::to_string(server->port(0))) +
                                  " disallows /page/1");
  EXPECT_EQ(results[1].outcome, FetchOutcome::kOk);
  EXPECT_EQ(results[2].outcome, FetchOutcome::kOk);
  EXPECT_EQ(CountPath(*server, "/page/1"), 0u);
}

TEST(RobotsFetchTest, OurProductTokenGroupWins) {
  auto server = ServerWithRobots(
      RobotsBody("User-agent: *\nDisallow: /\n\nUser-agent: newscrawl\nDisallow: /private\n"));
  Fetcher fetcher(RobotsOptions());
  auto results =
      FetchAll(fetcher, {server->BaseUrl(0) + "/page/1", server->BaseUrl(0) + "/private/x"});
  EXPECT_EQ(results[0].outcome, FetchOutcome::kOk);
  EXPECT_EQ(results[1].outcome, FetchOutcome::kRobotsDisallowed);
}

TEST(RobotsFetchTest, ServerErrorDisallowsEverythingAndIsRetriedLater) {
  TestResponse error = RobotsBody("oops");
  error.status = 500;
  auto server = ServerWithRobots(error);
  FetcherOptions o = RobotsOptions();
  o.robots_retry_after_error = milliseconds(150);
  Fetcher fetcher(o);
  FetchResult r = FetchOne(fetcher, server->BaseUrl(0) + "/page/1");
  EXPECT_EQ(r.outcome, FetchOutcome::kRobotsUnavailable);
  EXPECT_NE(r.error.find("HTTP 500"), std::string::npos) << r.error;
  EXPECT_EQ(CountPath(*server, "/page/1"), 0u);
  // Within the retry interval the cached "disallow" is used; after it robots.txt is asked again.
  EXPECT_EQ(FetchOne(fetcher, server->BaseUrl(0) + "/page/1").outcome,
            FetchOutcome::kRobotsUnavailable);
  EXPECT_EQ(CountPath(*server, "/robots.txt"), 1u);
  std::this_thread::sleep_for(milliseconds(200));
  server->SetHandler(StandardRoute);  // robots.txt now 404: allowed
  EXPECT_EQ(FetchOne(fetcher, server->BaseUrl(0) + "/page/1").outcome, FetchOutcome::kOk);
  EXPECT_EQ(CountPath(*server, "/robots.txt"), 2u);
}

TEST(RobotsFetchTest, TimeoutDisallowsEverything) {
  TestResponse slow = RobotsBody("User-agent: *\nAllow: /\n");
  slow.header_delay = milliseconds(2000);
  auto server = ServerWithRobots(slow);
  FetcherOptions o = RobotsOptions();
  o.first_byte_timeout = milliseconds(150);
  Fetcher fetcher(o);
  FetchResult r = FetchOne(fetcher, server->BaseUrl(0) + "/page/1");
  EXPECT_EQ(r.outcome, FetchOutcome::kRobotsUnavailable);
  EXPECT_LT(r.seconds, 1.5);
}

TEST(RobotsFetchTest, CrawlDelayIsHonoured) {
  auto server = ServerWithRobots(RobotsBody("User-agent: *\nCrawl-delay: 0.15\n"));
  Fetcher fetcher(RobotsOptions());  // min_host_delay 0
  std::vector<std::string> urls;
  for (int i = 0; i < 3; ++i) urls.push_back(server->BaseUrl(0) + "/page/" + std::to_string(i));
  FetchAll(fetcher, urls);
  std::vector<TestRequest> pages;
  for (auto& r : server->Requests()) {
    if (r.path() != "/robots.txt") pages.push_back(r);
  }
  ASSERT_EQ(pages.size(), 3u);
  EXPECT_GE(MillisBetween(pages[0].received_at, pages[1].received_at), 150 - 8);
  EXPECT_GE(MillisBetween(pages[1].received_at, pages[2].received_at), 150 - 8);
}

TEST(RobotsFetchTest, CrawlDelayIsCapped) {
  auto server = ServerWithRobots(RobotsBody("User-agent: *\nCrawl-delay: 3600\n"));
  FetcherOptions o = RobotsOptions();
  o.max_crawl_delay = milliseconds(100);
  Fetcher fetcher(o);
  auto start = std::chrono::steady_clock::now();
  auto results =
      FetchAll(fetcher, {server->BaseUrl(0) + "/page/1", server->BaseUrl(0) + "/page/2"});
  for (auto& r : results) EXPECT_EQ(r.outcome, FetchOutcome::kOk);
  EXPECT_LT(MillisBetween(start, std::chrono::steady_clock::now()), 2000);
}

TEST(RobotsFetchTest, OnlyTheFirst500KiBAreParsed) {
  std::string body = "User-agent: *\nDisallow: /early\n";
  while (body.size() < 600 * 1024) body += "# padding padding padding padding padding padding\n";
  body += "Disallow: /late\n";
  auto server = ServerWithRobots(RobotsBody(body));
  Fetcher fetcher(RobotsOptions());
  auto results = FetchAll(fetcher, {server->BaseUrl(0) + "/early", server->BaseUrl(0) + "/late"});
  EXPECT_EQ(results[0].outcome, FetchOutcome::kRobotsDisallowed);
  EXPECT_EQ(results[1].outcome, FetchOutcome::kHttp4xx);  // allowed, then 404 from the server
}

TEST(RobotsFetchTest, RobotsRedirectsAreFollowed) {
  auto server = TestServer::Start(1, [](const TestRequest& r) {
    if (r.path() == "/robots.txt") {
      TestResponse moved;
      moved.status = 301;
      moved.headers.emplace_back("Location", "/robots-real.txt");
      return moved;
    }
    if (r.path() == "/robots-real.txt") return RobotsBody("User-agent: *\nDisallow: /page/\n");
    return StandardRoute(r);
  });
  Fetcher fetcher(RobotsOptions());
  EXPECT_EQ(FetchOne(fetcher, server->BaseUrl(0) + "/page/1").outcome,
            FetchOutcome::kRobotsDisallowed);
}

TEST(RobotsFetchTest, EachRedirectHopIsCheckedAgainstItsHostsRobots) {
  auto target = ServerWithRobots(RobotsBody("User-agent: *\nDisallow: /page/\n"));
  std::string to = target->BaseUrl(0) + "/page/1";
  auto origin = TestServer::Start(1, [to](const TestRequest& r) {
    if (r.path() != "/go") return StandardRoute(r);
    TestResponse moved;
    moved.status = 302;
    moved.headers.emplace_back("Location", to);
    return moved;
  });
  Fetcher fetcher(RobotsOptions());
  FetchResult r = FetchOne(fetcher, origin->BaseUrl(0) + "/go");
  EXPECT_EQ(r.outcome, FetchOutcome::kRobotsDisallowed);
  EXPECT_EQ(r.redirects, std::vector<std::string>{to});
}

TEST(RobotsFetchTest, RobotsOfARefusedDestinationFailsTheUrlsAsRefused) {
  auto server = TestServer::Start(1, StandardRoute);
  Fetcher fetcher(RobotsOptions());
  auto results = FetchAll(
      fetcher, {server->BaseUrl(0) + "/to-private", server->BaseUrl(0) + "/to-private?again"});
  for (auto& r : results) EXPECT_EQ(r.outcome, FetchOutcome::kRefusedPrivate) << r.error;
  EXPECT_EQ(FetchOne(fetcher, server->BaseUrl(0) + "/to-private").outcome,
            FetchOutcome::kRefusedPrivate);
}

}  // namespace
}  // namespace newscrawl::crawler
