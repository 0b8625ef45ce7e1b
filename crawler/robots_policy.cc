#include "crawler/robots_policy.h"

#include <algorithm>

namespace newscrawl::crawler {

using Millis = std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock::time_point;

RobotsPolicy::RobotsPolicy(const FetcherOptions& o)
    : product_token_(o.robots_product_token),
      cache_ttl_(o.robots_cache_ttl),
      retry_after_error_(o.robots_retry_after_error),
      max_crawl_delay_(o.max_crawl_delay) {}

RobotsPolicy::Step RobotsPolicy::StepAt(const HostRobots& robots, SteadyTime now) const {
  if (robots.state == HostRobots::State::kFetching) return Step::kWait;
  if (robots.state == HostRobots::State::kUnknown || now >= robots.expires) return Step::kFetch;
  return Step::kReady;
}

HttpRequest RobotsPolicy::StartFetch(HostRobots* robots, const std::string& host_key,
                                     const HttpRequest& base) const {
  robots->state = HostRobots::State::kFetching;
  HttpRequest r = base;
  r.url = host_key + "/robots.txt";
  r.follow_redirects = true;
  r.max_redirects = 5;
  r.max_body_bytes = kRobotsMaxBytes;
  return r;
}

RobotsVerdict RobotsPolicy::Check(const HostRobots& robots, std::string_view path_and_query) const {
  if (robots.failure == FetchOutcome::kOk && robots.status != 0 && path_and_query == "/robots.txt")
    return RobotsVerdict::kAnswerFromCache;
  if (robots.failure != FetchOutcome::kOk) return RobotsVerdict::kUnavailable;
  return robots.rules.IsAllowed(path_and_query) ? RobotsVerdict::kAllow : RobotsVerdict::kDisallow;
}

void RobotsPolicy::Apply(HostRobots* robots, int status, std::string body,
                         SteadyTime expires) const {
  robots->state = HostRobots::State::kReady;
  robots->failure = FetchOutcome::kOk;
  robots->error.clear();
  robots->crawl_delay = Millis(0);
  robots->expires = expires;
  robots->status = status;
  if (status >= 200 && status < 300) {
    robots->rules = ParseRobotsTxt(body, product_token_);
    robots->body = std::move(body);
    const auto& seconds = robots->rules.crawl_delay_seconds;
    if (seconds && *seconds > 0)
      robots->crawl_delay =
          std::min(Millis(static_cast<long long>(*seconds * 1000)), max_crawl_delay_);
  } else {
    robots->rules = RobotsRules::AllowAll();
    robots->body.clear();
  }
}

RobotsAnswerEffect RobotsPolicy::OnAnswer(HostRobots* robots, const HttpResponse& resp,
                                          const std::string& host_key, SteadyTime now,
                                          int64_t unix_now_ms) const {
  RobotsAnswerEffect effect;
  int s = resp.status;
  bool cacheable =
      resp.transport == FetchOutcome::kOk && s >= 200 && s < 500 && s != 429;  // 2xx, 3xx, 4xx
  if (resp.transport == FetchOutcome::kTooManyRedirects) {  // RFC 9309 2.3.1.2: allow all
    cacheable = true;
    s = s >= 300 && s < 400 ? s : 310;
  }
  if (cacheable) {
    Apply(robots, s, s < 300 ? resp.body : std::string(), now + cache_ttl_);
    effect.save = RobotsSnapshot{unix_now_ms, s, robots->body};
    return effect;
  }
  // Unreachable: disallow everything for now; never cached as "allow".
  Apply(robots, 0, std::string(), now + retry_after_error_);
  robots->rules = RobotsRules::DisallowAll();
  effect.fail_queued = resp.transport == FetchOutcome::kRefusedPrivate ||
                       resp.transport == FetchOutcome::kDns || resp.transport == FetchOutcome::kTls;
  robots->failure = effect.fail_queued ? resp.transport : FetchOutcome::kRobotsUnavailable;
  const std::string why =
      resp.transport == FetchOutcome::kOk ? "HTTP " + std::to_string(s) : resp.error;
  robots->error = "robots.txt of " + host_key + " unavailable (" + why + "); retry later";
  // The page would fail the same way: nothing is kept, so the next request asks again (and
  // re-checks the address / name).
  if (effect.fail_queued) robots->state = HostRobots::State::kUnknown;
  return effect;
}

bool RobotsPolicy::Restore(HostRobots* robots, const RobotsSnapshot& snapshot, SteadyTime now,
                           int64_t unix_now_ms) const {
  const int64_t expires_ms = snapshot.fetched_ms + cache_ttl_.count();
  if (expires_ms <= unix_now_ms || snapshot.fetched_ms > unix_now_ms) return false;
  Apply(robots, snapshot.status, snapshot.body, now + Millis(expires_ms - unix_now_ms));
  return true;
}

}  // namespace newscrawl::crawler
