// RobotsPolicy: the robots.txt cache of one host (RFC 9309 as DESIGN.md states it), table-tested
// with a FakeClock: answers, expiry, retry after errors, redirects and persistence, no sockets.
#include "crawler/robots_policy.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/clock.h"

namespace newscrawl::crawler {
namespace {

using std::chrono::milliseconds;
using Step = RobotsPolicy::Step;

const std::string kHost = "https://news.example";

FetcherOptions RobotsOptions() {
  FetcherOptions o;
  o.robots_product_token = "newscrawl";
  o.robots_cache_ttl = milliseconds(24 * 3600 * 1000);
  o.robots_retry_after_error = milliseconds(60'000);
  o.max_crawl_delay = milliseconds(30'000);
  return o;
}

HttpResponse Answer(int status, std::string body = "") {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse Failure(FetchOutcome transport, std::string error) {
  HttpResponse r;
  r.transport = transport;
  r.error = std::move(error);
  return r;
}

TEST(RobotsPolicyTest, FetchedBeforeTheFirstRequestAndWaitedFor) {
  RobotsPolicy policy(RobotsOptions());
  FakeClock clock;
  HostRobots robots;
  EXPECT_EQ(policy.StepAt(robots, clock.SteadyNow()), Step::kFetch);
  HttpRequest base;
  base.max_body_bytes = 1;
  HttpRequest r = policy.StartFetch(&robots, kHost, base);
  EXPECT_EQ(r.url, "https://news.example/robots.txt");
  EXPECT_TRUE(r.follow_redirects);
  EXPECT_EQ(r.max_redirects, 5);
  EXPECT_EQ(r.max_body_bytes, kRobotsMaxBytes);
  EXPECT_EQ(policy.StepAt(robots, clock.SteadyNow()), Step::kWait);
}

TEST(RobotsPolicyTest, AnswersDecideTheVerdictCacheTimeAndWhatIsSaved) {
  struct Case {
    const char* name;
    HttpResponse response;
    RobotsVerdict want_private, want_public;  // for "/private/x" and "/news/a"
    FetchOutcome want_failure;
    long long want_fresh_ms;  // how long the answer stands before the next fetch
    bool want_saved, want_fail_queued;
  };
  const std::string file = "User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n";
  HttpResponse too_many_redirects = Failure(FetchOutcome::kTooManyRedirects, "redirects");
  too_many_redirects.status = 301;
  const long long day = 24 * 3600 * 1000;
  const std::vector<Case> cases = {
      {"200: the file's rules, a day", Answer(200, file), RobotsVerdict::kDisallow,
       RobotsVerdict::kAllow, FetchOutcome::kOk, day, true, false},
      {"404: allow all, a day", Answer(404), RobotsVerdict::kAllow, RobotsVerdict::kAllow,
       FetchOutcome::kOk, day, true, false},
      {"401: allow all", Answer(401), RobotsVerdict::kAllow, RobotsVerdict::kAllow,
       FetchOutcome::kOk, day, true, false},
      {"over 5 redirects: allow all", too_many_redirects, RobotsVerdict::kAllow,
       RobotsVerdict::kAllow, FetchOutcome::kOk, day, true, false},
      {"503: disallow all, retry in a minute", Answer(503), RobotsVerdict::kUnavailable,
       RobotsVerdict::kUnavailable, FetchOutcome::kRobotsUnavailable, 60'000, false, false},
      {"429: like 5xx", Answer(429), RobotsVerdict::kUnavailable, RobotsVerdict::kUnavailable,
       FetchOutcome::kRobotsUnavailable, 60'000, false, false},
      {"timeout: disallow all", Failure(FetchOutcome::kTimeout, "timed out"),
       RobotsVerdict::kUnavailable, RobotsVerdict::kUnavailable, FetchOutcome::kRobotsUnavailable,
       60'000, false, false},
      {"reset: disallow all", Failure(FetchOutcome::kNetwork, "reset"), RobotsVerdict::kUnavailable,
       RobotsVerdict::kUnavailable, FetchOutcome::kRobotsUnavailable, 60'000, false, false},
  };
  RobotsPolicy policy(RobotsOptions());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FakeClock clock;
    HostRobots robots;
    policy.StartFetch(&robots, kHost, HttpRequest{});
    RobotsAnswerEffect effect =
        policy.OnAnswer(&robots, c.response, kHost, clock.SteadyNow(), clock.UnixNowMs());
    EXPECT_EQ(effect.save.has_value(), c.want_saved);
    EXPECT_EQ(effect.fail_queued, c.want_fail_queued);
    if (effect.save) {
      EXPECT_EQ(effect.save->fetched_ms, clock.UnixNowMs());
    }
    EXPECT_EQ(robots.failure, c.want_failure);
    EXPECT_EQ(policy.StepAt(robots, clock.SteadyNow()), Step::kReady);
    EXPECT_EQ(policy.Check(robots, "/private/x"), c.want_private);
    EXPECT_EQ(policy.Check(robots, "/news/a"), c.want_public);
    clock.Advance(milliseconds(c.want_fresh_ms - 1));
    EXPECT_EQ(policy.StepAt(robots, clock.SteadyNow()), Step::kReady);
    clock.Advance(milliseconds(1));
    EXPECT_EQ(policy.StepAt(robots, clock.SteadyNow()), Step::kFetch);
  }
}

TEST(RobotsPolicyTest, UnavailableNamesTheHostAndTheReason) {
  RobotsPolicy policy(RobotsOptions());
  FakeClock clock;
  HostRobots robots;
  policy.OnAnswer(&robots, Answer(500), kHost, clock.SteadyNow(), clock.UnixNowMs());
  EXPECT_EQ(robots.error, "robots.txt of https://news.example unavailable (HTTP 500); retry later");
  policy.OnAnswer(&robots, Failure(FetchOutcome::kTimeout, "no response within 15000 ms"), kHost,
                  clock.SteadyNow(), clock.UnixNowMs());
  EXPECT_EQ(robots.error,
            "robots.txt of https://news.example unavailable (no response within 15000 ms); "
            "retry later");
}

TEST(RobotsPolicyTest, FailuresThePageWouldShareFailTheQueueAndKeepNothing) {
  RobotsPolicy policy(RobotsOptions());
  for (FetchOutcome outcome :
       {FetchOutcome::kRefusedPrivate, FetchOutcome::kDns, FetchOutcome::kTls}) {
    SCOPED_TRACE(FetchOutcomeName(outcome));
    FakeClock clock;
    HostRobots robots;
    policy.StartFetch(&robots, kHost, HttpRequest{});
    RobotsAnswerEffect effect = policy.OnAnswer(&robots, Failure(outcome, "why"), kHost,
                                                clock.SteadyNow(), clock.UnixNowMs());
    EXPECT_TRUE(effect.fail_queued);
    EXPECT_FALSE(effect.save);
    EXPECT_EQ(robots.failure, outcome);
    EXPECT_EQ(policy.StepAt(robots, clock.SteadyNow()), Step::kFetch);  // asked again next time
  }
}

TEST(RobotsPolicyTest, CrawlDelayIsCapped) {
  struct Case {
    const char* file;
    long long want_ms;
  };
  const std::vector<Case> cases = {
      {"User-agent: *\nCrawl-delay: 2\n", 2'000},
      {"User-agent: *\nCrawl-delay: 0.5\n", 500},
      {"User-agent: *\nCrawl-delay: 3600\n", 30'000},  // capped at max_crawl_delay
      {"User-agent: *\nDisallow: /x\n", 0},
      {"User-agent: newscrawl\nCrawl-delay: 7\n\nUser-agent: *\nCrawl-delay: 1\n", 7'000},
  };
  RobotsPolicy policy(RobotsOptions());
  for (const Case& c : cases) {
    FakeClock clock;
    HostRobots robots;
    policy.OnAnswer(&robots, Answer(200, c.file), kHost, clock.SteadyNow(), clock.UnixNowMs());
    EXPECT_EQ(robots.crawl_delay.count(), c.want_ms) << c.file;
  }
}

TEST(RobotsPolicyTest, OwnRobotsTxtIsAnsweredFromACachedAnswerOnly) {
  RobotsPolicy policy(RobotsOptions());
  FakeClock clock;
  HostRobots robots;
  policy.OnAnswer(&robots, Answer(200, "User-agent: *\nDisallow: /\n"), kHost, clock.SteadyNow(),
                  clock.UnixNowMs());
  EXPECT_EQ(policy.Check(robots, "/robots.txt"), RobotsVerdict::kAnswerFromCache);
  EXPECT_EQ(robots.body, "User-agent: *\nDisallow: /\n");
  policy.OnAnswer(&robots, Answer(404), kHost, clock.SteadyNow(), clock.UnixNowMs());
  EXPECT_EQ(policy.Check(robots, "/robots.txt"), RobotsVerdict::kAnswerFromCache);
  EXPECT_EQ(robots.status, 404);
  policy.OnAnswer(&robots, Answer(500), kHost, clock.SteadyNow(), clock.UnixNowMs());
  EXPECT_EQ(policy.Check(robots, "/robots.txt"), RobotsVerdict::kUnavailable);
}

TEST(RobotsPolicyTest, RestoreKeepsTheAnswerOnlyWhileFresh) {
  struct Case {
    long long age_ms;  // how long before now the snapshot was fetched
    bool want_restored;
    long long want_fresh_ms;
  };
  const long long day = 24 * 3600 * 1000;
  const std::vector<Case> cases = {
      {0, true, day},
      {day - 1'000, true, 1'000},
      {day, false, 0},
      {-5'000, false, 0},  // fetched "in the future": a wall clock stepped back; fetch again
  };
  RobotsPolicy policy(RobotsOptions());
  for (const Case& c : cases) {
    SCOPED_TRACE(c.age_ms);
    FakeClock clock;
    HostRobots robots;
    RobotsSnapshot snap{clock.UnixNowMs() - c.age_ms, 200, "User-agent: *\nDisallow: /p\n"};
    EXPECT_EQ(policy.Restore(&robots, snap, clock.SteadyNow(), clock.UnixNowMs()), c.want_restored);
    if (!c.want_restored) {
      EXPECT_EQ(policy.StepAt(robots, clock.SteadyNow()), Step::kFetch);
      continue;
    }
    EXPECT_EQ(policy.Check(robots, "/p"), RobotsVerdict::kDisallow);
    clock.Advance(milliseconds(c.want_fresh_ms - 1));
    EXPECT_EQ(policy.StepAt(robots, clock.SteadyNow()), Step::kReady);
    clock.Advance(milliseconds(1));
    EXPECT_EQ(policy.StepAt(robots, clock.SteadyNow()), Step::kFetch);
  }
}

}  // namespace
}  // namespace newscrawl::crawler
