// TestServer: a loopback HTTP/1.1 server for tests and benchmarks (Boost.Beast).
//
// Listens on several ports of 127.0.0.1 (several ports = several "hosts" for politeness), answers
// every request with a Handler, and keeps a request log with arrival times and connection ids
// so tests can measure politeness from the server's side. TestResponse carries the fault modes:
// slow headers, slow body, reset mid-body, endless body; StandardRoute() maps URL paths to
// fixtures and faults so a standalone server (test_server_main) can serve them too.
//
// Thread safety: all public methods are thread-safe. The handler runs on the server's I/O
// threads, possibly concurrently; it must not block (use TestResponse delays instead).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace newscrawl::testing {

struct TestRequest {
  int host = 0;  // index of the listening port (0-based)
  uint16_t port = 0;
  std::string method;
  std::string target;                          // "/path?query"
  std::map<std::string, std::string> headers;  // lower-case names
  uint64_t connection_id = 0;                  // unique per accepted connection, over all ports
  std::chrono::steady_clock::time_point received_at;
  std::string path() const { return target.substr(0, target.find('?')); }
};

struct TestResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // sent verbatim, in order
  std::string body;
  // --- fault modes ---
  std::chrono::milliseconds header_delay{0};  // wait before sending anything
  std::chrono::milliseconds chunk_delay{0};   // wait between body chunks (slow body)
  size_t chunk_size = 0;                      // body written in pieces of this size (0 = one write)
  bool reset_mid_body = false;                // send half of the body, then a TCP RST
  bool endless = false;            // chunked body repeating `body` forever (until the client quits)
  bool close = false;              // Connection: close after this response
  bool no_content_length = false;  // body delimited by closing the connection
};

using Handler = std::function<TestResponse(const TestRequest&)>;

class TestServer {
 public:
  // Starts listening on `num_ports` ephemeral ports with `threads` I/O threads. Aborts the test
  // process (std::abort with a message) if the ports cannot be opened: nothing can run then.
  static std::unique_ptr<TestServer> Start(int num_ports, Handler handler, int threads = 1);
  // Stops listening, closes every connection and joins the threads.
  ~TestServer();

  int num_ports() const;
  uint16_t port(int host) const;
  std::string BaseUrl(int host) const;  // "http://127.0.0.1:<port>"

  void SetHandler(Handler handler);
  std::vector<TestRequest> Requests() const;  // the log so far, in arrival order
  std::vector<TestRequest> RequestsFor(int host) const;
  void ClearRequests();
  uint64_t connections_accepted() const;

  struct Impl;

 private:
  explicit TestServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Fixtures and faults by path (tests may wrap it to override single paths):
//   /page/<n>            small HTML news article number n (UTF-8, text/html; charset=utf-8)
//   /robots.txt          404
//   /status/<code>       that status with a short body
//   /slow-headers/<ms>   headers after <ms>
//   /slow-body/<ms>      body in 10 chunks, <ms> apart
//   /reset               half the body, then a TCP reset
//   /endless             an endless chunked body
//   /gzip                the article, gzip-encoded
//   /gzip-bomb           16 MiB of zeros gzip-encoded (16 KiB on the wire)
//   /redirect/<n>        302 to /redirect/<n-1>; /redirect/0 redirects to /page/0
//   /loop/a, /loop/b     302 to each other
//   /to-private          302 to http://10.0.0.1/ (a private address)
//   /retry-after/<s>     429 with Retry-After: <s>
//   /not-modified        304 when If-None-Match is "v1", else 200 with ETag "v1"
//   /no-content-type     article without Content-Type
//   /latin1-header       windows-1252 page, charset only in the header
//   /latin1-meta         windows-1252 page, charset only in <meta>
//   /latin1-wrong        windows-1252 bytes declared as utf-8 in the header
//   anything else        404
TestResponse StandardRoute(const TestRequest& request);

// The HTML of article `n` (~2 KB, several paragraphs) as served by /page/<n>.
std::string ArticleHtml(int n);

// gzip-compresses `data` (zlib; aborts on failure).
std::string Gzip(const std::string& data);

}  // namespace newscrawl::testing
