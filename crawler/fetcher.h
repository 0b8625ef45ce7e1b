// Fetcher: polite, asynchronous fetching of many URLs at once.
//
// One I/O thread runs a Boost.Asio io_context driving a Transport (by default HttpClient, a
// libcurl multi handle). On top of it, per host (Url::Origin(): scheme + host + port):
//  - a FIFO queue; at most max_connections_per_host transfers in flight;
//  - min_host_delay between two requests (robots.txt Crawl-delay raises it, capped);
//  - robots.txt (RFC 9309) fetched through the same client before the first request, cached for
//    robots_cache_ttl; 4xx = allow all; 5xx / network error = disallow all (outcome
//    robots_unavailable) until robots_retry_after_error, never cached as "allow"; up to 5
//    redirects. The robots.txt fetch itself is not followed by the politeness delay;
//  - Retry-After on 429/503 pauses the host; other transient failures (IsTransientOutcome: 5xx,
//    429, timeouts, connection, DNS and network errors) pause it with exponential backoff and
//    jitter; the URL is retried up to max_retries times;
//  - a circuit breaker: after circuit_breaker_failures consecutive failures its queued URLs fail
//    fast (host_unavailable) for circuit_open_time;
//  - the delay between two requests is the longest of min_host_delay, the robots.txt Crawl-delay
//    (capped at max_crawl_delay) and the FetchRequest::min_host_delay the host was given;
//  - a request for the host's own "/robots.txt" is answered from the robots cache (no second
//    transfer) while the cached answer is fresh.
// Redirects are followed by the fetcher itself, hop by hop, so each hop goes through the target
// host's queue, robots.txt and the resolved-address check (FetcherOptions::allow_*).
// The rules themselves are pure pieces the fetcher wires together: HostPolicy (delays, backoff,
// Retry-After, circuit breaker), RobotsPolicy (the robots.txt cache), IsTransientOutcome (which
// failures are retried). Time comes from a Clock and requests go through a Transport, both
// injected with FetcherEnv, so tests drive the fetcher with a FakeClock and a fake transport.
// Hosts idle for host_idle_evict are forgotten. With a HostStateStore, each host's pause,
// failures, circuit breaker, politeness clock and robots.txt cache are loaded when the host is
// first seen and saved when they change (see crawler/host_state_store.h), so a restart neither
// ends a Retry-After pause early nor refetches a fresh robots.txt. The frontier belongs to the
// caller.
//
// Thread safety: Fetch(), stats() and Shutdown() may be called from any thread except the I/O
// thread (Fetch() may also be called from a callback). Each `done` callback runs on the I/O thread
// exactly once and must not block: hand page parsing to a worker pool.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>

#include "common/clock.h"
#include "crawler/fetch_result.h"
#include "crawler/fetcher_options.h"
#include "crawler/host_state_store.h"
#include "crawler/transport.h"

namespace boost::asio {
class io_context;
}

namespace newscrawl::crawler {

// Where the fetcher reads the time and sends its requests. The defaults are the real ones.
struct FetcherEnv {
  // Null: SystemClock(). Must outlive the fetcher. Politeness, pauses, the circuit breaker, the
  // robots.txt cache, eviction, persisted times and fetched_at all read this clock; the fetcher's
  // timers wait (in real time) for the difference between a deadline and this clock's now.
  const Clock* clock = nullptr;
  // Makes the transport, for the fetcher's io_context, on the thread constructing the fetcher; the
  // transport is then used and destroyed on the I/O thread. Null: HttpClient (libcurl).
  std::function<std::unique_ptr<Transport>(boost::asio::io_context&)> make_transport;
  // Null, or told of every robots.txt transfer that got an HTTP answer (the fetcher's own, which
  // never reach a Fetch() callback): url and final_url, status, headers, body, the captured heads
  // (FetcherOptions::capture_exchange). Called on the I/O thread: must not block (WARC archives).
  std::function<void(const FetchResult&)> on_robots_fetch;
};

struct FetcherStats {
  uint64_t submitted = 0;
  uint64_t completed = 0;
  uint64_t transfers = 0;  // HTTP exchanges started (robots.txt, retries and hops included)
  uint64_t robots_fetches = 0;
  uint64_t robots_cache_answers = 0;  // "/robots.txt" requests answered from the robots cache
  uint64_t hosts = 0;                 // hosts known right now
  uint64_t hosts_evicted = 0;         // hosts forgotten as idle so far
};

class Fetcher {
 public:
  using Callback = std::function<void(FetchResult)>;

  // Starts the I/O thread. `host_state` (may be null: nothing persisted) is used from the I/O
  // thread only and must outlive the fetcher.
  explicit Fetcher(FetcherOptions options, HostStateStore* host_state = nullptr,
                   FetcherEnv env = {});
  // Calls Shutdown().
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Queues `request`. `done` gets exactly one FetchResult: immediately (on this thread) with
  // kCancelled after Shutdown(), otherwise later on the I/O thread.
  void Fetch(FetchRequest request, Callback done);

  // Completes everything pending or in flight with kCancelled, saves the host state that changed
  // and joins the I/O thread. Idempotent. Not callable from the I/O thread.
  void Shutdown();

  FetcherStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newscrawl::crawler
