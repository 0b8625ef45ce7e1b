// FailureLog: which fetch failures are logged, per host per minute (a table of steps).
#include "pipeline/failure_log.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace newscrawl::pipeline {
namespace {

using Line = FailureLog::Line;
constexpr auto kWarn = spdlog::level::warn;
constexpr auto kInfo = spdlog::level::info;

FetchFailure Failure(const std::string& url, const std::string& outcome = "http_4xx",
                     const std::string& cause = "HTTP 404") {
  return {url, outcome, cause, "news", "article", 1};
}

std::string Full(const std::string& url, const std::string& outcome = "http_4xx",
                 const std::string& cause = "HTTP 404", const std::string& host = "http://a.test") {
  return "fetch failed: " + host + ": " + url + ": " + outcome + ": " + cause +
         " (site news, article, 1 attempt)";
}

TEST(FailureLogTest, BurstThenSummaryPerHostPerWindow) {
  FakeClock clock;
  FailureLog log(clock, /*burst=*/2, std::chrono::seconds(60));
  struct Step {
    int advance_s;
    FetchFailure failure;
    std::vector<Line> want;
  };
  const Step steps[] = {
      {0, Failure("http://a.test/1"), {{kWarn, Full("http://a.test/1")}}},
      {1,
       Failure("http://a.test/2", "timeout", "no first byte within 10 s"),
       {{kWarn, Full("http://a.test/2", "timeout", "no first byte within 10 s")}}},
      {1, Failure("http://a.test/3"), {}},  // third in the window: counted only
      {1, Failure("http://a.test/4", "connect", "Connection refused"), {}},
      {1, Failure("http://a.test/5"), {}},
      // Another host has its own window.
      {0,
       Failure("http://b.test:8080/x", "robots_disallowed", "disallowed by robots.txt"),
       {{kInfo, Full("http://b.test:8080/x", "robots_disallowed", "disallowed by robots.txt",
                     "http://b.test:8080")}}},
      // a.test's window (from its first failure) ends: the summary, then a fresh window.
      {60,
       Failure("http://a.test/6"),
       {{kWarn,
         "fetch failed: http://a.test: 3 more failures in the last 60 s (connect 1, "
         "http_4xx 2)"},
        {kWarn, Full("http://a.test/6")}}},
  };
  int i = 0;
  for (const Step& step : steps) {
    clock.Advance(std::chrono::seconds(step.advance_s));
    EXPECT_EQ(log.Record(step.failure), step.want) << "step " << i;
    ++i;
  }
}

TEST(FailureLogTest, FlushSummarisesEndedWindowsOnly) {
  FakeClock clock;
  FailureLog log(clock, /*burst=*/1, std::chrono::seconds(60));
  EXPECT_EQ(log.Record(Failure("http://a.test/1")).size(), 1u);
  EXPECT_TRUE(log.Record(Failure("http://a.test/2")).empty());
  EXPECT_EQ(log.Record(Failure("http://c.test/1")).size(), 1u);  // nothing hidden for c.test
  clock.Advance(std::chrono::seconds(59));
  EXPECT_TRUE(log.Flush().empty());  // the window is still open
  clock.Advance(std::chrono::seconds(1));
  const std::vector<Line> want = {
      {kWarn, "fetch failed: http://a.test: 1 more failure in the last 60 s (http_4xx 1)"}};
  EXPECT_EQ(log.Flush(), want);
  EXPECT_TRUE(log.Flush().empty());  // said once
  // After the flush a.test starts over: its next failure is shown in full.
  EXPECT_EQ(log.Record(Failure("http://a.test/3")).size(), 1u);
}

TEST(FailureLogTest, EmptyCauseAndAttempts) {
  FakeClock clock;
  FailureLog log(clock);
  FetchFailure f{"not a url", "invalid_url", "", "s", "feed", 3};
  const std::vector<Line> want = {
      {kWarn,
       "fetch failed: not a url: not a url: invalid_url: invalid_url (site s, feed, 3 "
       "attempts)"}};
  EXPECT_EQ(log.Record(f), want);
}

TEST(FailureLogTest, PauseLogLinesTable) {
  const int64_t now = 1'000'000;
  crawler::HostSnapshot none;
  crawler::HostSnapshot paused;
  paused.paused_until_ms = now + 120'000;
  paused.failures = 0;
  crawler::HostSnapshot backoff = paused;
  backoff.paused_until_ms = now + 4'500;
  backoff.failures = 1;
  crawler::HostSnapshot open = backoff;
  open.circuit_open_until_ms = now + 300'000;
  open.failures = 5;
  crawler::HostSnapshot over = paused;
  over.paused_until_ms = now - 1;
  const std::string h = "http://a.test";
  const struct {
    crawler::HostSnapshot before, after;
    std::vector<Line> want;
  } cases[] = {
      {none, none, {}},
      {none,
       paused,
       {{kWarn, "host " + h + ": paused for 120 s (Retry-After or backoff; 0 failures in a row)"}}},
      {paused, paused, {}},  // saved again unchanged: said once
      {paused,
       backoff,
       {{kWarn, "host " + h + ": paused for 5 s (Retry-After or backoff; 1 failure in a row)"}}},
      {backoff,
       open,
       {{kWarn, "host " + h + ": circuit breaker open for 300 s after 5 failures in a row"}}},
      {none, over, {}},  // a pause already over
  };
  int i = 0;
  for (const auto& c : cases) EXPECT_EQ(PauseLogLines(h, c.before, c.after, now), c.want) << i++;
}

}  // namespace
}  // namespace newscrawl::pipeline
