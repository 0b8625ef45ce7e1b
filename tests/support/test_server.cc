#include "tests/support/test_server.h"

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

namespace newscrawl::testing {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct TestServer::Impl {
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<uint16_t> ports;
  std::vector<std::thread> threads;
  mutable std::mutex mu;  // guards handler and log
  Handler handler;
  std::vector<TestRequest> log;
  std::atomic<uint64_t> next_connection{0};

  void Accept(int host);
  TestResponse Handle(TestRequest request) {
    Handler h;
    {
      std::lock_guard<std::mutex> lock(mu);
      log.push_back(request);
      h = handler;
    }
    return h(request);
  }
};

namespace {

const char* Reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(TestServer::Impl* server, tcp::socket socket, int host, uint64_t id)
      : server_(server),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        host_(host),
        id_(id) {}

  void Read() {
    request_ = {};
    http::async_read(socket_, buffer_, request_,
                     [self = shared_from_this()](boost::system::error_code ec, size_t) {
                       if (!ec) self->OnRequest();
                     });
  }

 private:
  void OnRequest() {
    TestRequest r;
    r.host = host_;
    r.port = server_->ports[host_];
    r.method = std::string(request_.method_string());
    r.target = std::string(request_.target());
    for (const auto& field : request_) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      r.headers[name] = std::string(field.value());
    }
    r.connection_id = id_;
    r.received_at = std::chrono::steady_clock::now();
    keep_alive_ = request_.keep_alive();
    response_ = server_->Handle(std::move(r));
    if (response_.close || response_.no_content_length) keep_alive_ = false;
    if (response_.header_delay.count() > 0) {
      timer_.expires_after(response_.header_delay);
      timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
        if (!ec) self->WriteHead();
      });
    } else {
      WriteHead();
    }
  }

  void WriteHead() {
    const TestResponse& r = response_;
    out_ = "HTTP/1.1 " + std::to_string(r.status) + " " + Reason(r.status) + "\r\n";
    for (const auto& [name, value] : r.headers) out_ += name + ": " + value + "\r\n";
    if (r.endless) {
      out_ += "Transfer-Encoding: chunked\r\n";
    } else if (!r.no_content_length) {
      out_ += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    }
    if (!keep_alive_) out_ += "Connection: close\r\n";
    out_ += "\r\n";
    bool streamed = r.endless || r.reset_mid_body || r.chunk_size > 0;
    if (!streamed) out_ += r.body;
    Write([self = shared_from_this(), streamed] {
      if (streamed) {
        self->WriteBodyPiece();
      } else {
        self->Done();
      }
    });
  }

  void WriteBodyPiece() {
    const TestResponse& r = response_;
    if (r.reset_mid_body) {
      out_ = r.body.substr(0, r.body.size() / 2);
      Write([self = shared_from_this()] {
        boost::system::error_code ec;
        self->socket_.set_option(asio::socket_base::linger(true, 0), ec);
        self->socket_.close(ec);  // linger 0: the peer sees a reset
      });
      return;
    }
    if (r.endless) {
      std::string piece = r.body.empty() ? std::string(4096, 'x') : r.body;
      char size[32];
      std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
      out_ = size + piece + "\r\n";
    } else {
      if (offset_ >= r.body.size()) return Done();
      out_ = r.body.substr(offset_, r.chunk_size);
      offset_ += out_.size();
    }
    Write([self = shared_from_this()] {
      if (self->response_.chunk_delay.count() == 0) return self->WriteBodyPiece();
      self->timer_.expires_after(self->response_.chunk_delay);
      self->timer_.async_wait([self](boost::system::error_code ec) {
        if (!ec) self->WriteBodyPiece();
      });
    });
  }

  template <typename Next>
  void Write(Next next) {
    asio::async_write(socket_, asio::buffer(out_),
                      [self = shared_from_this(), next](boost::system::error_code ec, size_t) {
                        if (!ec) next();
                      });
  }

  void Done() {
    offset_ = 0;
    if (keep_alive_) return Read();
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_send, ec);
  }

  TestServer::Impl* server_;
  tcp::socket socket_;
  asio::steady_timer timer_;
  int host_;
  uint64_t id_;
  boost::beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  TestResponse response_;
  std::string out_;
  size_t offset_ = 0;
  bool keep_alive_ = true;
};

}  // namespace

void TestServer::Impl::Accept(int host) {
  acceptors[host]->async_accept([this, host](boost::system::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed
    socket.set_option(tcp::no_delay(true), ec);
    uint64_t id = next_connection.fetch_add(1) + 1;
    std::make_shared<Session>(this, std::move(socket), host, id)->Read();
    Accept(host);
  });
}

std::unique_ptr<TestServer> TestServer::Start(int num_ports, Handler handler, int threads) {
  auto impl = std::make_unique<Impl>();
  impl->handler = std::move(handler);
  for (int i = 0; i < num_ports; ++i) {
    boost::system::error_code ec;
    auto acceptor = std::make_unique<tcp::acceptor>(impl->io);
    tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) acceptor->set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor->bind(endpoint, ec);
    if (!ec) acceptor->listen(1024, ec);
    if (ec) {
      std::fprintf(stderr, "TestServer: cannot listen on 127.0.0.1: %s\n", ec.message().c_str());
      std::abort();
    }
    impl->ports.push_back(acceptor->local_endpoint().port());
    impl->acceptors.push_back(std::move(acceptor));
  }
  for (int i = 0; i < num_ports; ++i) impl->Accept(i);
  for (int i = 0; i < threads; ++i) impl->threads.emplace_back([io = &impl->io] { io->run(); });
  return std::unique_ptr<TestServer>(new TestServer(std::move(impl)));
}

TestServer::TestServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TestServer::~TestServer() {
  impl_->work.reset();
  impl_->io.stop();
  for (auto& t : impl_->threads) t.join();
}

int TestServer::num_ports() const { return static_cast<int>(impl_->ports.size()); }
uint16_t TestServer::port(int host) const { return impl_->ports.at(host); }
std::string TestServer::BaseUrl(int host) const {
  return "http://127.0.0.1:" + std::to_string(port(host));
}

void TestServer::SetHandler(Handler handler) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->handler = std::move(handler);
}

std::vector<TestRequest> TestServer::Requests() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->log;
}

std::vector<TestRequest> TestServer::RequestsFor(int host) const {
  std::vector<TestRequest> out;
  for (auto& r : Requests()) {
    if (r.host == host) out.push_back(r);
  }
  return out;
}

void TestServer::ClearRequests() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->log.clear();
}

uint64_t TestServer::connections_accepted() const { return impl_->next_connection.load(); }

}  // namespace newscrawl::testing
