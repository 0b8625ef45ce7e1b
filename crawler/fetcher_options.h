// FetcherOptions: every knob of the fetcher, with its default and why it exists.
//
// A plain value; the daemon maps its YAML config onto it, `newscrawl fetch` maps its flags. Times
// are std::chrono durations; sizes are bytes. Zero where noted disables a limit.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace newscrawl::crawler {

struct FetcherOptions {
  using Millis = std::chrono::milliseconds;

  // --- identity ---
  // Sent on every request. Should name the crawler and a contact URL so site owners can reach us.
  std::string user_agent = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl)";
  // robots.txt product token (the leading [A-Za-z_-] characters of the user agent count).
  std::string robots_product_token = "newscrawl";
  // Optional proxy ("http://proxy:3128"); empty = direct. With a proxy the private-address check
  // sees only the proxy's address, so it is skipped: the proxy enforces its own policy.
  std::string proxy;

  // --- limits on each transfer ---
  Millis connect_timeout{10'000};     // TCP + TLS handshake
  Millis first_byte_timeout{15'000};  // from start until the first response header line
  Millis total_timeout{60'000};       // whole transfer, all bytes
  // Bodies larger than this are cut at this size and reported with truncated=true (outcome ok).
  size_t max_body_bytes = 10 * 1024 * 1024;
  // A compressed (Content-Encoding) response whose decoded size passes this is aborted with
  // outcome too_large: it is a decompression bomb or not a web page.
  size_t max_decoded_bytes = 10 * 1024 * 1024;
  // Redirects followed per URL (each hop is re-checked: robots, politeness, address).
  int max_redirects = 10;

  // --- politeness, per host (a host = scheme + host + port) ---
  int max_connections_per_host = 1;  // transfers in flight to one host at once
  Millis min_host_delay{1'000};      // between the starts (and after the end) of two requests
  Millis max_crawl_delay{30'000};    // cap applied to a robots.txt Crawl-delay
  // Retry-After (429/503) longer than this is not waited for: the URL fails with its HTTP outcome
  // and the host stays paused for the full Retry-After.
  Millis max_retry_after{120'000};
  // Retries of one URL after 5xx, 429, timeouts and network errors (0 = report the first failure).
  int max_retries = 2;
  // Exponential backoff after a failure: base * 2^(failures-1), capped, with +-50% jitter.
  Millis backoff_base{1'000};
  Millis backoff_max{300'000};
  // After this many consecutive failures the host's circuit opens: its URLs fail fast with
  // outcome host_unavailable until circuit_open_time has passed; then one probe is let through.
  int circuit_breaker_failures = 8;
  Millis circuit_open_time{600'000};

  // --- robots.txt (RFC 9309) ---
  bool respect_robots = true;  // false only for tests and benchmarks against our own server
  Millis robots_cache_ttl{24 * 3600 * 1000};
  // After a 5xx / network error on robots.txt everything is disallowed for this long, then the
  // file is fetched again. Never cached as "allow".
  Millis robots_retry_after_error{60'000};

  // --- destinations ---
  // Loopback (127/8, ::1) and private / link-local / unique-local / CGNAT / unspecified addresses
  // are refused by RESOLVED address (checked on every connect, so also after redirects and DNS
  // changes) unless allowed here. Tests and benchmarks set allow_loopback.
  bool allow_loopback = false;
  bool allow_private = false;
  // curl CURLOPT_RESOLVE entries ("host:port:address") pinning names to addresses (tests).
  std::vector<std::string> resolve_overrides;
  // Verify TLS certificates and host names. Only a test against a self-signed server turns it off.
  bool verify_tls = true;

  // --- archiving ---
  // Keep each final exchange's request head as sent and response head as received in the
  // FetchResult (request_head, response_head), for WARC archives. Costs curl's debug callback
  // (CURLOPT_VERBOSE) on every transfer, so it is off unless something archives.
  bool capture_exchange = false;

  // --- capacity ---
  size_t max_in_flight = 256;  // transfers at once over all hosts

  // --- host state (see crawler/host_state_store.h) ---
  // A host with nothing queued or in flight, no pause pending and no request for this long is
  // forgotten (its state is saved to the HostStateStore first, and loaded again when the host
  // comes back), so memory does not grow with every host ever seen. 0 = never evict.
  Millis host_idle_evict{600'000};
  // Changes to a host's politeness clock are saved at most this often (pauses, the circuit
  // breaker and robots.txt entries are saved at once).
  Millis host_state_flush_interval{1'000};
};

}  // namespace newscrawl::crawler
