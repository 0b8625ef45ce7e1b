// A small blocking HTTP/1.1 client for the server tests (Beast over a loopback socket), with a
// receive timeout so a broken server fails the test instead of hanging it.
#pragma once

#include <utility>  // before Asio (DESIGN.md pitfalls)

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace newscrawl::server::testing {

struct Reply {
  unsigned status = 0;                         // 0 when no response could be read
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool keep_alive = false;
  std::string error;  // why no response could be read
};

class TestClient {
 public:
  explicit TestClient(uint16_t port, int receive_timeout_seconds = 30);

  // Sends a request and reads its response on this (kept-alive) connection.
  Reply Request(const std::string& method, const std::string& target,
                const std::vector<std::pair<std::string, std::string>>& headers = {});
  Reply Get(const std::string& target,
            const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return Request("GET", target, headers);
  }
  // Writes raw bytes and reads one response (for malformed requests).
  Reply Raw(const std::string& bytes);
  void SendRaw(const std::string& bytes);
  // Reads until the server closes the connection; returns true when it did (EOF or reset)
  // before the receive timeout.
  bool WaitForClose();

 private:
  Reply ReadReply(bool head);
  // Runs one asynchronous read to completion or until the receive timeout (then cancels it).
  template <typename StartRead>
  boost::beast::error_code ReadWithTimeout(StartRead start_read);

  boost::asio::io_context ioc_;
  std::chrono::seconds receive_timeout_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

// One request on a fresh connection.
inline Reply Fetch(uint16_t port, const std::string& target,
                   const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  TestClient client(port);
  return client.Get(target, headers);
}

}  // namespace newscrawl::server::testing
