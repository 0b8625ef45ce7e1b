// FetchRequest / FetchResult: what the fetcher is asked for and what it reports for every URL.
//
// Every request ends with exactly one FetchResult and a classified FetchOutcome; nothing is
// dropped silently. Plain values; no shared state.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace newscrawl::crawler {

enum class FetchOutcome {
  kOk,                 // 2xx (body may be truncated: see FetchResult::truncated)
  kNotModified,        // 304 to a conditional GET
  kRobotsDisallowed,   // robots.txt forbids the URL for our product token
  kRobotsUnavailable,  // robots.txt answered 5xx / could not be fetched: disallowed for now
  kHttp3xx,            // a redirect without a usable Location, or another 3xx
  kHttp4xx,            // includes 429 after retries / too long a Retry-After
  kHttp5xx,
  kTimeout,           // connect, first byte or total deadline
  kTooLarge,          // decoded body passed max_decoded_bytes (decompression bomb)
  kTls,               // certificate or handshake failure
  kDns,               // name did not resolve
  kConnect,           // connection refused / unreachable
  kNetwork,           // reset, empty reply, broken chunking, other transport errors
  kRefusedPrivate,    // destination resolved to a private/loopback/link-local address
  kRedirectLoop,      // a redirect came back to a URL already in the chain
  kTooManyRedirects,  // more than max_redirects hops
  kInvalidUrl,        // not an absolute http(s) URL
  kHostUnavailable,   // the host's circuit breaker is open after repeated failures
  kCancelled,         // the fetcher shut down first
};

// Stable snake_case name used in JSON ("ok", "not_modified", "robots_disallowed", ...).
const char* FetchOutcomeName(FetchOutcome outcome);

// The one classification of failures: true for outcomes that say nothing about the page itself
// and may succeed later (5xx, timeouts, connection and network errors, DNS, robots unavailable,
// circuit open), and for HTTP 429 when `http_status` is given. The fetcher retries exactly these
// (with backoff, Retry-After and the circuit breaker); the daemon polls them again later.
bool IsTransientOutcome(FetchOutcome outcome, int http_status = 0);

// The outcome of one complete exchange: `transport` when the transport failed, otherwise from
// the HTTP status: 304 = kNotModified, other 3xx = kHttp3xx, 4xx = kHttp4xx, 5xx and anything
// below 200 = kHttp5xx, 2xx = kOk.
FetchOutcome OutcomeOfResponse(FetchOutcome transport, int http_status);

struct FetchRequest {
  std::string url;  // absolute http(s) URL
  // Conditional GET: validators from a previous fetch; a 304 answer becomes kNotModified.
  std::string etag;
  std::string last_modified;
  // A minimum delay between requests to this URL's host, longer than the fetcher's
  // min_host_delay (a site's own min_delay). The host keeps the longest one it was given while it
  // is known to the fetcher (until evicted as idle). 0 = only the fetcher's delays.
  std::chrono::milliseconds min_host_delay{0};
};

struct FetchResult {
  std::string url;                     // as requested
  std::string final_url;               // after redirects (== url without redirects)
  std::vector<std::string> redirects;  // each Location followed, in order
  FetchOutcome outcome = FetchOutcome::kCancelled;
  std::string error;         // for the user: what went wrong; empty when outcome is kOk
  int status = 0;            // HTTP status of the last response; 0 when none arrived
  std::string content_type;  // Content-Type header, verbatim
  std::string charset;       // charset parameter of Content-Type, lower-case; may be empty
  std::string etag;          // validators of the response, verbatim
  std::string last_modified;
  std::string content_encoding;
  std::string body;        // decoded body (at most max_body_bytes)
  bool truncated = false;  // the body was cut at max_body_bytes
  int attempts = 0;        // transfers made for the final URL (1 + retries)
  std::string fetched_at;  // ISO 8601 UTC time the final response completed
  double seconds = 0;      // wall time from submission to result, including politeness waits
  // The peer of the final response ("127.0.0.1", "2001:db8::1"); empty when none arrived.
  std::string ip_address;
  // Only with FetcherOptions::capture_exchange (WARC archives), else empty: the final request as
  // sent (request line and header fields, ending with CRLF CRLF) and the final response's status
  // line and header fields as received (ending with CRLF CRLF; the body is `body`, decoded).
  // Empty when no request went out for the final URL (attempts == 0: answered from the robots
  // cache) or when the transfer failed before sending.
  std::string request_head;
  std::string response_head;
};

}  // namespace newscrawl::crawler
