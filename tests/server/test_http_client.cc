#include "tests/server/test_http_client.h"

#include <cctype>
#include <optional>

namespace newscrawl::server::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

TestClient::TestClient(uint16_t port, int receive_timeout_seconds)
    : receive_timeout_(receive_timeout_seconds), socket_(ioc_) {
  socket_.connect({asio::ip::make_address("127.0.0.1"), port});
}

template <typename StartRead>
beast::error_code TestClient::ReadWithTimeout(StartRead start_read) {
  std::optional<beast::error_code> result;
  start_read([&result](beast::error_code ec, size_t) { result = ec; });
  ioc_.restart();
  ioc_.run_for(receive_timeout_);
  if (result) return *result;
  beast::error_code ignored;
  socket_.cancel(ignored);
  ioc_.restart();
  ioc_.run();
  return asio::error::timed_out;
}

Reply TestClient::Request(const std::string& method, const std::string& target,
                          const std::vector<std::pair<std::string, std::string>>& headers) {
  http::request<http::empty_body> request(http::string_to_verb(method), target, 11);
  request.set(http::field::host, "127.0.0.1");
  for (const auto& [name, value] : headers) request.set(name, value);
  beast::error_code ec;
  http::write(socket_, request, ec);
  if (ec) return Reply{0, {}, {}, false, "write: " + ec.message()};
  return ReadReply(method == "HEAD");
}

Reply TestClient::Raw(const std::string& bytes) {
  SendRaw(bytes);
  return ReadReply(false);
}

void TestClient::SendRaw(const std::string& bytes) {
  beast::error_code ec;
  asio::write(socket_, asio::buffer(bytes), ec);
}

Reply TestClient::ReadReply(bool head) {
  http::response_parser<http::string_body> parser;
  parser.skip(head);  // a HEAD response has no body whatever Content-Length says
  beast::error_code ec = ReadWithTimeout(
      [&](auto handler) { http::async_read(socket_, buffer_, parser, std::move(handler)); });
  if (ec) return Reply{0, {}, {}, false, "read: " + ec.message()};
  const auto& response = parser.get();
  Reply reply;
  reply.status = response.result_int();
  for (const auto& field : response) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    reply.headers[name] = std::string(field.value());
  }
  reply.body = response.body();
  reply.keep_alive = response.keep_alive();
  return reply;
}

bool TestClient::WaitForClose() {
  char byte;
  while (true) {
    beast::error_code ec = ReadWithTimeout(
        [&](auto handler) { socket_.async_read_some(asio::buffer(&byte, 1), std::move(handler)); });
    if (ec == asio::error::eof || ec == asio::error::connection_reset) return true;
    if (ec) return false;  // the receive timeout or another error
  }
}

}  // namespace newscrawl::server::testing
