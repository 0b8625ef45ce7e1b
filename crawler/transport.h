// Transport: one HTTP exchange at a time, asynchronously; the seam between the fetcher's policy
// (queues, politeness, robots.txt, retries) and the network.
//
// In the style of ninja's CommandRunner: the fetcher decides what to request and when, a
// Transport carries it out. The real one is HttpClient (libcurl multi on the fetcher's Asio
// loop); tests inject a fake one (see FetcherEnv in crawler/fetcher.h) that answers from a table,
// so the fetcher's decisions are tested without sockets or sleeps.
//
// Contract for implementations: Start() never calls `done` itself; `done` is called exactly once,
// later, on the thread that runs the fetcher's io_context, unless the transport is destroyed
// first (then never: the fetcher completes those requests itself). Construct, call and destroy on
// that thread only. No politeness, robots or retries in a transport; redirects only when
// HttpRequest::follow_redirects is set.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "crawler/fetch_result.h"

namespace newscrawl::crawler {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // extra "Name: value" lines
  bool follow_redirects = false;     // let the transport follow (robots.txt only); each hop checked
  int max_redirects = 0;
  // Limits; see FetcherOptions for their meaning.
  size_t max_body_bytes = 10 * 1024 * 1024;
  size_t max_decoded_bytes = 10 * 1024 * 1024;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds first_byte_timeout{15'000};
  std::chrono::milliseconds total_timeout{60'000};
  // Fill HttpResponse::request_head / response_head (FetcherOptions::capture_exchange).
  bool capture_heads = false;
};

struct HttpResponse {
  // Transport-level classification: kOk means a complete HTTP response arrived (any status,
  // see `status`); every other value is a transport failure described by `error`.
  FetchOutcome transport = FetchOutcome::kOk;
  std::string error;
  int status = 0;
  std::string effective_url;  // after transport-followed redirects
  std::string redirect_url;   // absolute Location of a 3xx answer; empty otherwise
  std::string content_type;
  std::string content_encoding;
  std::string etag;
  std::string last_modified;
  std::string retry_after;  // Retry-After header, verbatim
  std::string body;
  bool truncated = false;
  std::string peer_ip;  // CURLINFO_PRIMARY_IP; empty when no connection was made
  // With HttpRequest::capture_heads: the last request as sent and the last response's head as
  // received (after transport-followed redirects: the final hop's), each ending with CRLF CRLF.
  std::string request_head;
  std::string response_head;
};

class Transport {
 public:
  using Callback = std::function<void(HttpResponse)>;
  virtual ~Transport() = default;

  // Starts one exchange; `done` gets its response later (see the contract above).
  virtual void Start(HttpRequest request, Callback done) = 0;

  // Exchanges started and not yet answered.
  virtual size_t in_flight() const = 0;
};

}  // namespace newscrawl::crawler
