// RobotsPolicy: the robots.txt cache of one host as a pure state machine (RFC 9309).
//
// The fetcher keeps a HostRobots per host and asks RobotsPolicy what to do; the policy reads no
// clock (the caller passes `now`) and does no I/O, so every rule is table-tested with a FakeClock
// (tests/crawler/robots_policy_test.cc). The rules:
//  - before the first request to a host, and again once the cached answer expires, robots.txt is
//    fetched (Step() == kFetch; while it is in flight, kWait);
//  - 2xx: the file's rules for our product token, cached for robots_cache_ttl; its Crawl-delay is
//    capped at max_crawl_delay;
//  - 3xx left after the transport's redirects, 4xx (429 aside), or more than 5 redirects
//    (RFC 9309 2.3.1.2): allow all, cached for robots_cache_ttl;
//  - 5xx, 429, timeouts and network errors: disallow all with kRobotsUnavailable until
//    robots_retry_after_error, then fetch again; never cached as "allow", never persisted;
//  - a refused address, a name that does not resolve or a TLS failure would fail the page the
//    same way: the queued URLs fail with that outcome and nothing is kept (asked again next time);
//  - the host's own "/robots.txt" asked for as a page is answered from a cached answer.
// Thread safety: const methods on an immutable object; HostRobots is the caller's to guard.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crawler/fetcher_options.h"
#include "crawler/host_state_store.h"
#include "crawler/transport.h"
#include "parser/robots.h"

namespace newscrawl::crawler {

// The robots.txt state of one host.
struct HostRobots {
  enum class State { kUnknown, kFetching, kReady } state = State::kUnknown;
  RobotsRules rules;
  FetchOutcome failure = FetchOutcome::kOk;  // != kOk: every URL fails with it until `expires`
  std::string error;                         // for the user, with `failure`
  std::chrono::steady_clock::time_point expires{};
  std::chrono::milliseconds crawl_delay{0};  // capped
  int status = 0;                            // HTTP status of the cached answer (0: none cached)
  std::string body;  // its bytes (2xx only): answers the host's own /robots.txt
};

// What to do with a queued URL of a host whose robots.txt is known (Step() == kReady).
enum class RobotsVerdict {
  kAllow,            // go on with politeness
  kDisallow,         // fail with kRobotsDisallowed
  kUnavailable,      // fail with HostRobots::failure / error
  kAnswerFromCache,  // the host's own /robots.txt: answer with the cached status and body
};

// What an answer to the robots.txt fetch leaves to the caller.
struct RobotsAnswerEffect {
  std::optional<RobotsSnapshot> save;  // persist this (a cacheable answer)
  bool fail_queued =
      false;  // fail the queued URLs with HostRobots::failure and the transport error
};

class RobotsPolicy {
 public:
  enum class Step { kFetch, kWait, kReady };

  explicit RobotsPolicy(const FetcherOptions& options);

  // Whether robots.txt must be fetched before the host's queued URLs at `now`.
  Step StepAt(const HostRobots& robots, std::chrono::steady_clock::time_point now) const;

  // The robots.txt request of the host `host_key` ("scheme://host[:port]"); marks it fetching.
  HttpRequest StartFetch(HostRobots* robots, const std::string& host_key,
                         const HttpRequest& base) const;

  // The verdict for `path_and_query` of a host in kReady.
  RobotsVerdict Check(const HostRobots& robots, std::string_view path_and_query) const;

  // Applies the answer of the robots.txt fetch, received at `now` / `unix_now_ms`.
  RobotsAnswerEffect OnAnswer(HostRobots* robots, const HttpResponse& response,
                              const std::string& host_key,
                              std::chrono::steady_clock::time_point now, int64_t unix_now_ms) const;

  // Restores a persisted answer while it is fresh (fetched within robots_cache_ttl, not in the
  // future); returns false (and changes nothing) otherwise.
  bool Restore(HostRobots* robots, const RobotsSnapshot& snapshot,
               std::chrono::steady_clock::time_point now, int64_t unix_now_ms) const;

 private:
  void Apply(HostRobots* robots, int status, std::string body,
             std::chrono::steady_clock::time_point expires) const;

  std::string product_token_;
  std::chrono::milliseconds cache_ttl_;
  std::chrono::milliseconds retry_after_error_;
  std::chrono::milliseconds max_crawl_delay_;
};

}  // namespace newscrawl::crawler
