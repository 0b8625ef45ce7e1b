#include "pipeline/failure_log.h"

#include "common/url.h"

namespace newscrawl::pipeline {

FailureLog::FailureLog(const Clock& clock, int burst, std::chrono::seconds window)
    : clock_(clock), burst_(burst), window_(window) {}

std::string FailureLog::HostOf(const std::string& url) {
  Result<Url> parsed = ParseUrl(url);
  return parsed.ok() ? parsed->Origin() : url;
}

FailureLog::Line FailureLog::Summary(const std::string& host, const Window& window) const {
  std::string text = "fetch failed: " + host + ": " + std::to_string(window.hidden) +
                     " more failure" + (window.hidden == 1 ? "" : "s") + " in the last " +
                     std::to_string(window_.count()) + " s (";
  bool first = true;
  for (const auto& [outcome, n] : window.hidden_by_outcome) {
    text += (first ? "" : ", ") + outcome + " " + std::to_string(n);
    first = false;
  }
  text += ")";
  return {spdlog::level::warn, std::move(text)};
}

std::vector<FailureLog::Line> FailureLog::Record(const FetchFailure& f) {
  const std::string host = HostOf(f.url);
  const auto now = clock_.SteadyNow();
  std::vector<Line> lines;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = hosts_.find(host);
  if (it != hosts_.end() && now - it->second.start >= window_) {
    if (it->second.hidden > 0) lines.push_back(Summary(host, it->second));
    hosts_.erase(it);
    it = hosts_.end();
  }
  if (it == hosts_.end()) {
    it = hosts_.emplace(host, Window()).first;
    it->second.start = now;
  }
  Window& window = it->second;
  if (window.shown >= burst_) {
    ++window.hidden;
    ++window.hidden_by_outcome[f.outcome];
    return lines;
  }
  ++window.shown;
  const bool routine = f.outcome == "robots_disallowed" || f.outcome == "host_unavailable";
  lines.push_back({routine ? spdlog::level::info : spdlog::level::warn,
                   "fetch failed: " + host + ": " + f.url + ": " + f.outcome + ": " +
                       (f.cause.empty() ? f.outcome : f.cause) + " (site " + f.site + ", " +
                       f.kind + ", " + std::to_string(f.attempts) +
                       (f.attempts == 1 ? " attempt)" : " attempts)")});
  return lines;
}

std::vector<FailureLog::Line> FailureLog::Flush() {
  const auto now = clock_.SteadyNow();
  std::vector<Line> lines;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = hosts_.begin(); it != hosts_.end();) {
    if (now - it->second.start < window_) {
      ++it;
      continue;
    }
    if (it->second.hidden > 0) lines.push_back(Summary(it->first, it->second));
    it = hosts_.erase(it);
  }
  return lines;
}

std::vector<FailureLog::Line> PauseLogLines(const std::string& host,
                                            const crawler::HostSnapshot& before,
                                            const crawler::HostSnapshot& after, int64_t now_ms) {
  auto seconds = [now_ms](int64_t until_ms) {
    return std::to_string((until_ms - now_ms + 999) / 1000);
  };
  const std::string failures = std::to_string(after.failures) +
                               (after.failures == 1 ? " failure" : " failures") + " in a row";
  std::vector<FailureLog::Line> lines;
  if (after.paused_until_ms > now_ms && after.paused_until_ms != before.paused_until_ms)
    lines.push_back({spdlog::level::warn, "host " + host + ": paused for " +
                                              seconds(after.paused_until_ms) +
                                              " s (Retry-After or backoff; " + failures + ")"});
  if (after.circuit_open_until_ms > now_ms &&
      after.circuit_open_until_ms != before.circuit_open_until_ms)
    lines.push_back({spdlog::level::warn, "host " + host + ": circuit breaker open for " +
                                              seconds(after.circuit_open_until_ms) + " s after " +
                                              failures});
  return lines;
}

}  // namespace newscrawl::pipeline
