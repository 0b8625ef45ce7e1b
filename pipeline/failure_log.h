// FailureLog: decides which fetch failures the daemon writes to the log, so that every failure
// is seen with its cause and a host that fails over and over does not flood the log.
//
// Per host (the URL's origin, "scheme://host[:port]"), within one window (a minute by default,
// starting at the host's first failure): the first `burst` failures are logged in full, one line
// each,
//   "fetch failed: https://a.example: https://a.example/x.html: http_4xx: HTTP 404 (site a,
//   article, 1 attempt)"
// and the rest are only counted. When the window has ended (noticed at the host's next failure or
// at Flush()), one summary line tells what was not shown:
//   "fetch failed: https://a.example: 17 more failures in the last 60 s (http_4xx 12, timeout 5)"
//
// Policy only (ninja's Plan apart from the Builder): it returns the lines with their level and
// the caller logs them; time comes from the injected Clock. Levels: a robots.txt rule that blocks
// the URL and a host whose circuit breaker is open are `info` (the crawler doing its job); every
// other failure, and the summaries, are `warn`.
//
// Thread safety: every method may be called from any thread (one internal mutex).
#pragma once

#include <spdlog/common.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/clock.h"
#include "crawler/host_state_store.h"

namespace newscrawl::pipeline {

struct FetchFailure {
  std::string url;
  std::string outcome;  // crawler::FetchOutcomeName: "http_4xx", "timeout", "connect", ...
  std::string cause;    // FetchResult::error: "HTTP 404", "Connection refused", ...
  std::string site;     // the configured site the URL belongs to
  std::string kind;     // UrlKindName: "article", "feed", ...
  int attempts = 1;     // transfers made (1 + retries)
};

class FailureLog {
 public:
  struct Line {
    spdlog::level::level_enum level;
    std::string text;
    bool operator==(const Line& o) const { return level == o.level && text == o.text; }
  };

  // `clock` must outlive the FailureLog (SystemClock() in the daemon).
  explicit FailureLog(const Clock& clock, int burst = 3,
                      std::chrono::seconds window = std::chrono::seconds(60));

  // The lines to log for one failure: none (counted for the summary), the failure's own line,
  // or the summary of the host's previous window followed by the failure's line.
  std::vector<Line> Record(const FetchFailure& failure);
  // Summaries of every host whose window has ended with failures not shown; those hosts are
  // forgotten. Call periodically (the daemon does once a second).
  std::vector<Line> Flush();

  // The origin used as the host key ("https://a.example"), or the URL itself when it does not
  // parse.
  static std::string HostOf(const std::string& url);

 private:
  struct Window {
    std::chrono::steady_clock::time_point start;
    int shown = 0;
    int hidden = 0;
    std::map<std::string, int> hidden_by_outcome;
  };
  Line Summary(const std::string& host, const Window& window) const;

  const Clock& clock_;
  const int burst_;
  const std::chrono::seconds window_;
  std::mutex mu_;
  std::map<std::string, Window> hosts_;
};

// The log lines for a change of a host's pause state, from the snapshot last saved (`before`) to
// the one being saved (`after`), at `now_ms` (unix ms): a new pause (Retry-After or backoff) and
// a circuit breaker that opened are `warn`, one line each, with how long and the failure count.
// Nothing when the pause is unchanged or over.
std::vector<FailureLog::Line> PauseLogLines(const std::string& host,
                                            const crawler::HostSnapshot& before,
                                            const crawler::HostSnapshot& after, int64_t now_ms);

}  // namespace newscrawl::pipeline
