// HttpClient: the real Transport (crawler/transport.h): libcurl multi driven by a Boost.Asio
// io_context (one transfer = one HTTP exchange).
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

#include "crawler/fetcher_options.h"
#include "crawler/transport.h"

namespace newscrawl::crawler {

class HttpClient final : public Transport {
 public:
  // `options` supplies identity, address policy, proxy and TLS settings (copied).
  HttpClient(boost::asio::io_context& io, const FetcherOptions& options);
  ~HttpClient() override;
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Starts a transfer. `done` is called exactly once, later (posted to the io_context, never from
  // inside Start), unless the client is destroyed first.
  void Start(HttpRequest request, Callback done) override;

  size_t in_flight() const override;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared: asio handlers hold weak references
};

}  // namespace newscrawl::crawler
