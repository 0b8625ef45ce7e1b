// HttpServer: the daemon's HTTP/1.1 API (routes in server/api_handler.h) on Boost.Beast.
//
// It owns its own io_context and I/O threads, so a slow client or a scrape never delays the
// crawler's event loop. Connections are keep-alive with a timeout for reading each request (slow
// or idle clients are dropped), a timeout for writing each response, and size limits on headers
// and bodies. A /v1/changes long-poll parks the request on a timer, not on a thread: the daemon
// calls NotifyChanges() after new events become readable through the ArticleSource, which wakes
// every parked request at once.
//
// Lifecycle: construct, Start() (binds; port 0 picks a free port, see port()), then Stop() or
// destroy. Stop drains: it stops accepting, closes idle keep-alive connections, answers parked
// long-polls with what they have (possibly nothing), lets in-flight responses finish, and after
// the drain deadline closes whatever is left. A server is started at most once.
//
// Thread safety: Start() and Stop() from one controlling thread (not from an I/O thread);
// NotifyChanges(), SetReady() and port() from any thread.
//
// Wiring in the daemon:
//   auto bind = ParseBindAddress(config.http_api.bind);           // server/bind_address.h
//   HttpServerOptions options;
//   options.address = bind->address;  options.port = bind->port;
//   options.api.bearer_token = config.http_api.bearer_token;
//   HttpServer server(options, &article_source);
//   NC_RETURN_IF_ERROR(server.Start());
//   ... after each store commit that appended events: server.NotifyChanges();
//   server.SetReady(true);  NotifyReady(summary);                  // server/systemd_notify.h
//   ... on SIGTERM: server.SetReady(false); NotifyStopping(); server.Stop(drain deadline);
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/metrics.h"
#include "common/status.h"
#include "server/api_handler.h"
#include "server/article_source.h"

namespace newscrawl::server {

struct HttpServerOptions {
  // Address to listen on (IPv4 or IPv6 literal) and port; 0 = an ephemeral port (tests).
  std::string address = "127.0.0.1";
  uint16_t port = 8080;
  // Routes, authentication and /v1/changes limits.
  ApiOptions api;
  // Threads running the server's io_context. One is plenty for an API next to a crawler.
  int io_threads = 1;
  // Open connections beyond this are answered 503 and closed.
  size_t max_connections = 256;
  // Limits on one request; beyond them the answer is 431 (headers) or 413 (body).
  uint32_t max_header_bytes = 8 * 1024;
  uint64_t max_body_bytes = 16 * 1024;
  // Time allowed to receive one whole request, including the idle time before it on a kept-alive
  // connection.
  std::chrono::milliseconds read_timeout{30000};
  // Time allowed to send one response.
  std::chrono::milliseconds write_timeout{30000};
  // Metrics served on /metrics and where the server counts its own requests; null = the
  // process-wide MetricsRegistry::Default(). Not owned.
  MetricsRegistry* metrics = nullptr;
};

class HttpServer {
 public:
  // `source` (not owned, may be null until the daemon has a store: data routes then answer 503)
  // must outlive the server.
  HttpServer(HttpServerOptions options, ArticleSource* source);
  ~HttpServer();  // Stop(0 ms) when still running
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving on the I/O threads. Fails with InvalidArgument for a bad address,
  // IoError when the address cannot be bound ("address already in use"), FailedPrecondition when
  // called twice.
  Status Start();

  // The bound port (the real one when options.port was 0); 0 before Start().
  uint16_t port() const;

  // Drains as described above, then stops the I/O threads. Returns when they have exited.
  // Idempotent; a no-op before Start().
  void Stop(std::chrono::milliseconds drain_deadline = std::chrono::milliseconds(5000));

  // Wakes parked /v1/changes requests. Call after new events are readable via the source.
  void NotifyChanges();

  // What /readyz answers: set true once the daemon's store is open and its workers run.
  void SetReady(bool ready);

  // Open connections and parked long-polls right now (for tests and metrics).
  size_t open_connections() const;
  size_t parked_long_polls() const;

  class Impl;  // public only so connection code in http_server.cc can name it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace newscrawl::server
