#include "server/http_server.h"

// Boost 1.74's Asio needs <utility> first under some language modes (DESIGN.md pitfalls).
#include <utility>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace newscrawl::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

class Connection;

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, ArticleSource* source)
      : options_(std::move(options)),
        metrics_(options_.metrics != nullptr ? options_.metrics : &MetricsRegistry::Default()),
        api_(options_.api, source, metrics_),
        open_gauge_(metrics_->GetGauge("newscrawl_http_open_connections",
                                       "Open connections to the HTTP API.")),
        parked_gauge_(metrics_->GetGauge("newscrawl_http_parked_long_polls",
                                         "/v1/changes requests waiting for new events.")) {}

  Status Start();
  void Stop(std::chrono::milliseconds drain_deadline);
  void NotifyChanges();

  // Called by connections.
  void Unregister(Connection* connection);
  void Park(const std::shared_ptr<Connection>& connection);
  void Unpark(Connection* connection);

  const HttpServerOptions options_;
  MetricsRegistry* const metrics_;
  ApiHandler api_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint16_t> port_{0};

  mutable std::mutex mu_;
  std::condition_variable drained_;  // signalled when a connection goes away
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> parked_;

 private:
  void Accept();
  void OnAccept(beast::error_code ec, tcp::socket socket);
  std::vector<std::shared_ptr<Connection>> Snapshot(
      const std::unordered_map<Connection*, std::weak_ptr<Connection>>& map);

  Gauge& open_gauge_;
  Gauge& parked_gauge_;
  bool started_ = false;
  bool stopped_ = false;
  // Declared last: destroyed (in Stop) before the maps and mutex the connections use.
  std::unique_ptr<asio::io_context> ioc_;
  std::unique_ptr<tcp::acceptor> acceptor_;
  std::unique_ptr<asio::steady_timer> accept_retry_;
  std::vector<std::thread> threads_;
};

// One client connection. Every member is touched only on the connection's strand, except the
// thread-safe entry points Wake() and Shutdown(), which post onto it.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, HttpServer::Impl& server, bool reject)
      : stream_(std::move(socket)),
        wait_timer_(stream_.get_executor()),
        server_(server),
        reject_(reject) {}
  ~Connection() { server_.Unregister(this); }

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadRequest(); });
  }

  // A new event may be readable: a parked request re-reads the feed.
  void Wake() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kParked) self->wait_timer_.cancel();
    });
  }

  // The server is stopping: close when idle, answer a parked request now, else close after the
  // response in flight (Respond() sees stopping_).
  void Shutdown() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kReading) self->Close();
      if (self->state_ == State::kParked) self->wait_timer_.cancel();
    });
  }

 private:
  enum class State { kReading, kHandling, kParked, kWriting, kClosed };

  void ReadRequest() {
    if (server_.stopping_) return Close();
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(server_.options_.max_header_bytes);
    parser_->body_limit(server_.options_.max_body_bytes);
    stream_.expires_after(server_.options_.read_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (state_ == State::kClosed) return;
    state_ = State::kHandling;
    keep_alive_ = false;
    head_ = false;
    route_ = "other";
    if (ec == http::error::end_of_stream || ec == http::error::partial_message) return Close();
    if (ec == http::error::header_limit) {
      return Respond(ApiResponse{431, "text/plain", "request headers too large\n", {}});
    }
    if (ec == http::error::body_limit) {
      return Respond(ApiResponse{413, "text/plain", "request body too large\n", {}});
    }
    if (ec && ec.category() == beast::http::make_error_code(http::error::bad_target).category()) {
      return Respond(ApiResponse{400, "text/plain", "malformed HTTP request\n", {}});
    }
    if (ec) return Close();  // timeout, reset, or closed by Shutdown()

    const auto& request = parser_->get();
    keep_alive_ = request.keep_alive();
    version_ = request.version();
    head_ = request.method() == http::verb::head;
    std::string_view target(request.target().data(), request.target().size());
    route_ = std::string(ApiHandler::RouteName(target));
    if (reject_) {
      keep_alive_ = false;
      return Respond(ErrorResponse(Status::Unavailable("too many open connections; retry later")));
    }
    auto authorization = request[http::field::authorization];
    auto result = server_.api_.Handle(
        std::string_view(request.method_string().data(), request.method_string().size()), target,
        std::string_view(authorization.data(), authorization.size()));
    if (auto* response = std::get_if<ApiResponse>(&result)) return Respond(std::move(*response));
    wait_ = std::get<ChangesWait>(result);
    state_ = State::kParked;
    // Registering before the next read closes the race with a NotifyChanges() that came after
    // Handle() found nothing: either that read sees the new event or the wake-up reaches us.
    server_.Park(shared_from_this());
    CheckParked();
  }

  void CheckParked() {
    bool final = server_.stopping_ || std::chrono::steady_clock::now() >= wait_.deadline;
    std::optional<ApiResponse> response = server_.api_.AnswerChanges(wait_, final);
    if (response) {
      server_.Unpark(this);
      return Respond(std::move(*response));
    }
    wait_timer_.expires_at(wait_.deadline);
    wait_timer_.async_wait([self = shared_from_this()](beast::error_code) {
      if (self->state_ == State::kParked) self->CheckParked();
    });
  }

  void Respond(ApiResponse answer) {
    server_.api_.CountRequest(route_, answer.status);
    bool keep_alive = keep_alive_ && !server_.stopping_;
    response_ = {};
    response_.version(version_);
    response_.result(answer.status);
    response_.set(http::field::server, "newscrawl");
    response_.set(http::field::content_type, answer.content_type);
    response_.set(http::field::cache_control, "no-store");
    for (const auto& [name, value] : answer.headers) response_.set(name, value);
    response_.keep_alive(keep_alive);
    size_t length = answer.body.size();
    if (!head_) response_.body() = std::move(answer.body);
    response_.content_length(length);
    state_ = State::kWriting;
    stream_.expires_after(server_.options_.write_timeout);
    http::async_write(stream_, response_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        if (ec || !keep_alive || self->server_.stopping_) return self->Close();
                        self->ReadRequest();
                      });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    wait_timer_.cancel();
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
  asio::steady_timer wait_timer_;
  HttpServer::Impl& server_;
  const bool reject_;
  State state_ = State::kReading;
  bool keep_alive_ = false;
  bool head_ = false;
  unsigned version_ = 11;
  std::string route_;
  ChangesWait wait_;
};

Status HttpServer::Impl::Start() {
  if (started_) return Status::FailedPrecondition("the HTTP server was already started");
  started_ = true;
  beast::error_code ec;
  asio::ip::address address = asio::ip::make_address(options_.address, ec);
  if (ec) {
    return Status::InvalidArgument("HTTP listen address \"" + options_.address +
                                   "\" is not an IPv4 or IPv6 address");
  }
  tcp::endpoint endpoint(address, options_.port);
  std::string where = "cannot listen on " + options_.address + ":" + std::to_string(options_.port);
  ioc_ = std::make_unique<asio::io_context>(std::max(1, options_.io_threads));
  acceptor_ = std::make_unique<tcp::acceptor>(asio::make_strand(*ioc_));
  accept_retry_ = std::make_unique<asio::steady_timer>(acceptor_->get_executor());
  if (acceptor_->open(endpoint.protocol(), ec) ||
      acceptor_->set_option(asio::socket_base::reuse_address(true), ec) ||
      acceptor_->bind(endpoint, ec) ||
      acceptor_->listen(asio::socket_base::max_listen_connections, ec)) {
    acceptor_.reset();
    return Status::IoError(where + ": " + ec.message());
  }
  port_ = acceptor_->local_endpoint(ec).port();
  Accept();
  for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
    threads_.emplace_back([this] { ioc_->run(); });
  }
  return Status::Ok();
}

void HttpServer::Impl::Accept() {
  acceptor_->async_accept(
      asio::make_strand(*ioc_),
      [this](beast::error_code ec, tcp::socket socket) { OnAccept(ec, std::move(socket)); });
}

void HttpServer::Impl::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || stopping_ || !acceptor_->is_open()) return;
  if (ec) {
    // Typically EMFILE: back off briefly instead of spinning on the failing accept.
    accept_retry_->expires_after(std::chrono::milliseconds(100));
    accept_retry_->async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && !stopping_) Accept();
    });
    return;
  }
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard<std::mutex> lock(mu_);
    bool reject = connections_.size() >= options_.max_connections;
    connection = std::make_shared<Connection>(std::move(socket), *this, reject);
    connections_[connection.get()] = connection;
    open_gauge_.Set(static_cast<double>(connections_.size()));
  }
  connection->Start();
  Accept();
}

void HttpServer::Impl::Unregister(Connection* connection) {
  std::lock_guard<std::mutex> lock(mu_);
  connections_.erase(connection);
  parked_.erase(connection);
  open_gauge_.Set(static_cast<double>(connections_.size()));
  parked_gauge_.Set(static_cast<double>(parked_.size()));
  drained_.notify_all();
}

void HttpServer::Impl::Park(const std::shared_ptr<Connection>& connection) {
  std::lock_guard<std::mutex> lock(mu_);
  parked_[connection.get()] = connection;
  parked_gauge_.Set(static_cast<double>(parked_.size()));
}

void HttpServer::Impl::Unpark(Connection* connection) {
  std::lock_guard<std::mutex> lock(mu_);
  parked_.erase(connection);
  parked_gauge_.Set(static_cast<double>(parked_.size()));
}

std::vector<std::shared_ptr<Connection>> HttpServer::Impl::Snapshot(
    const std::unordered_map<Connection*, std::weak_ptr<Connection>>& map) {
  std::vector<std::shared_ptr<Connection>> live;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& entry : map) {
    if (auto connection = entry.second.lock()) live.push_back(std::move(connection));
  }
  return live;
}

void HttpServer::Impl::NotifyChanges() {
  for (const auto& connection : Snapshot(parked_)) connection->Wake();
}

void HttpServer::Impl::Stop(std::chrono::milliseconds drain_deadline) {
  if (!started_ || stopped_) return;
  stopped_ = true;
  stopping_ = true;
  auto deadline = std::chrono::steady_clock::now() + drain_deadline;
  if (acceptor_) {
    asio::post(acceptor_->get_executor(), [this] {
      beast::error_code ignored;
      acceptor_->close(ignored);
      accept_retry_->cancel();
    });
    for (const auto& connection : Snapshot(connections_)) connection->Shutdown();
    std::unique_lock<std::mutex> lock(mu_);
    drained_.wait_until(lock, deadline, [this] { return connections_.empty(); });
  }
  if (ioc_) ioc_->stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
  // Destroying the io_context destroys the handlers still pending, and with them the connections
  // that did not finish within the deadline, closing their sockets.
  accept_retry_.reset();
  acceptor_.reset();
  ioc_.reset();
}

HttpServer::HttpServer(HttpServerOptions options, ArticleSource* source)
    : impl_(std::make_unique<Impl>(std::move(options), source)) {}

HttpServer::~HttpServer() { Stop(std::chrono::milliseconds(0)); }

Status HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port_; }
void HttpServer::Stop(std::chrono::milliseconds drain_deadline) { impl_->Stop(drain_deadline); }
void HttpServer::NotifyChanges() { impl_->NotifyChanges(); }
void HttpServer::SetReady(bool ready) { impl_->api_.SetReady(ready); }

size_t HttpServer::open_connections() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->connections_.size();
}

size_t HttpServer::parked_long_polls() const {
  std::lock_guard<std::mutex> lock(impl_->mu_);
  return impl_->parked_.size();
}

}  // namespace newscrawl::server
