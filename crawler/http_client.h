// HttpClient: libcurl multi driven by a Boost.Asio io_context (one transfer = one HTTP exchange).
//
// The pattern of curl's docs/examples/multi-event.c: curl's socket callback tells us which fds to
// watch (asio::posix::stream_descriptor, released, never closed: curl owns the fd), its timer
// callback arms one steady_timer, and readiness or expiry calls curl_multi_socket_action. libcurl
// is never called from inside one of its own callbacks. No politeness, robots or retries here:
// that is Fetcher's job. Redirects are not followed unless HttpRequest::follow_redirects is set.
//
// Thread safety: none. Construct, Start() and destroy on the thread that runs the io_context.
// Destruction aborts the transfers in flight without calling their callbacks.
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "crawler/fetch_result.h"
#include "crawler/fetcher_options.h"

namespace newscrawl::crawler {

struct HttpRequest {
  std::string url;
  std::vector<std::string> headers;  // extra "Name: value" lines
  bool follow_redirects = false;     // let curl follow (robots.txt only); each connect is checked
  int max_redirects = 0;
  // Limits; see FetcherOptions for their meaning.
  size_t max_body_bytes = 10 * 1024 * 1024;
  size_t max_decoded_bytes = 10 * 1024 * 1024;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds first_byte_timeout{15'000};
  std::chrono::milliseconds total_timeout{60'000};
};

struct HttpResponse {
  // Transport-level classification: kOk means a complete HTTP response arrived (any status,
  // see `status`); every other value is a transport failure described by `error`.
  FetchOutcome transport = FetchOutcome::kOk;
  std::string error;
  int status = 0;
  std::string effective_url;  // after curl-followed redirects
  std::string redirect_url;   // absolute Location of a 3xx answer; empty otherwise
  std::string content_type;
  std::string content_encoding;
  std::string etag;
  std::string last_modified;
  std::string retry_after;  // Retry-After header, verbatim
  std::string body;
  bool truncated = false;
};

class HttpClient {
 public:
  using Callback = std::function<void(HttpResponse)>;

  // `options` supplies identity, address policy, proxy and TLS settings (copied).
  HttpClient(boost::asio::io_context& io, const FetcherOptions& options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts a transfer. `done` is called exactly once, later (posted to the io_context, never from
  // inside Start), unless the client is destroyed first.
  void Start(HttpRequest request, Callback done);

  size_t in_flight() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared: asio handlers hold weak references
};

}  // namespace newscrawl::crawler
