#include "crawler/http_client.h"

#include <curl/curl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstring>
#include <unordered_map>

#include "crawler/address_policy.h"
#include "crawler/curl_util.h"

namespace newscrawl::crawler {
namespace asio = boost::asio;

namespace {

struct SocketWatch {
  explicit SocketWatch(asio::io_context& io, curl_socket_t s) : descriptor(io), fd(s) {}
  asio::posix::stream_descriptor descriptor;
  curl_socket_t fd;
  int want = 0;  // CURL_POLL_IN / OUT / INOUT
  bool reading = false;
  bool writing = false;
  bool active = true;
};

}  // namespace

struct HttpClient::Impl : std::enable_shared_from_this<HttpClient::Impl> {
  struct Transfer {
    Transfer(asio::io_context& io) : first_byte_timer(io) {}
    Impl* impl = nullptr;
    CurlSlistPtr header_list;
    CurlEasyPtr easy;  // declared after header_list: cleaned up first
    HttpRequest request;
    Callback done;
    HttpResponse response;
    size_t decoded_bytes = 0;
    bool got_header = false;
    bool refused_private = false;
    bool too_large = false;
    asio::steady_timer first_byte_timer;
  };

  Impl(asio::io_context& io_context, const FetcherOptions& opts)
      : io(io_context), options(opts), timer(io_context) {}

  void Init() {
    multi.reset(curl_multi_init());
    curl_multi_setopt(multi.get(), CURLMOPT_SOCKETFUNCTION, &Impl::OnCurlSocket);
    curl_multi_setopt(multi.get(), CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi.get(), CURLMOPT_TIMERFUNCTION, &Impl::OnCurlTimer);
    curl_multi_setopt(multi.get(), CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi.get(), CURLMOPT_PIPELINING, long{CURLPIPE_MULTIPLEX});
    curl_multi_setopt(multi.get(), CURLMOPT_MAXCONNECTS, static_cast<long>(options.max_in_flight));
  }

  ~Impl() {
    // Abort transfers without callbacks, then let curl close its cached connections (which
    // calls OnCloseSocket for each) before the watches go.
    for (auto& [ptr, transfer] : transfers) {
      curl_multi_remove_handle(multi.get(), transfer->easy.get());
    }
    transfers.clear();
    multi.reset();
    for (auto& [fd, watch] : watches) ReleaseWatch(*watch);
    watches.clear();
  }

  // --- curl callbacks: they only touch our own state and asio objects, never libcurl ---

  static int OnCurlSocket(CURL*, curl_socket_t s, int what, void* userp, void*) {
    auto* self = static_cast<Impl*>(userp);
    if (what == CURL_POLL_REMOVE) {
      self->RemoveWatch(s);
      return 0;
    }
    auto& watch = self->watches[s];
    if (!watch) {
      watch = std::make_shared<SocketWatch>(self->io, s);
      boost::system::error_code ec;
      watch->descriptor.assign(s, ec);
      if (ec) {
        self->watches.erase(s);
        return -1;
      }
    }
    watch->want = what;
    self->Arm(watch);
    return 0;
  }

  static int OnCurlTimer(CURLM*, long timeout_ms, void* userp) {
    auto* self = static_cast<Impl*>(userp);
    self->timer.cancel();
    if (timeout_ms < 0) return 0;
    self->timer.expires_after(std::chrono::milliseconds(timeout_ms));
    std::weak_ptr<Impl> weak = self->weak_from_this();
    self->timer.async_wait([weak](const boost::system::error_code& ec) {
      if (ec) return;
      if (auto impl = weak.lock()) impl->OnTimeout();
    });
    return 0;
  }

  static curl_socket_t OnOpenSocket(void* clientp, curlsocktype purpose,
                                    struct curl_sockaddr* address) {
    auto* transfer = static_cast<Transfer*>(clientp);
    const FetcherOptions& o = transfer->impl->options;
    if (o.proxy.empty() && !IsAddressAllowed(&address->addr, o.allow_loopback, o.allow_private)) {
      transfer->refused_private = true;
      return CURL_SOCKET_BAD;
    }
    return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  }

  static int OnCloseSocket(void* clientp, curl_socket_t s) {
    // Deregister from the reactor before the fd number can be reused by a new socket.
    static_cast<Impl*>(clientp)->RemoveWatch(s);
    return ::close(s);
  }

  static size_t OnHeader(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    size_t len = size * n;
    std::string_view line(data, len);
    if (!t->got_header) {
      t->got_header = true;
      t->first_byte_timer.cancel();
    }
    if (t->request.capture_heads) {
      if (line.substr(0, 5) == "HTTP/") t->response.response_head.clear();
      t->response.response_head.append(line);
    }
    if (line.substr(0, 5) == "HTTP/") {  // a new response (after 1xx or a followed redirect)
      t->response.content_type.clear();
      t->response.content_encoding.clear();
      t->response.etag.clear();
      t->response.last_modified.clear();
      t->response.retry_after.clear();
      return len;
    }
    auto [name, value] = SplitHeaderLine(line);
    if (name == "content-type")
      t->response.content_type = value;
    else if (name == "content-encoding")
      t->response.content_encoding = value;
    else if (name == "etag")
      t->response.etag = value;
    else if (name == "last-modified")
      t->response.last_modified = value;
    else if (name == "retry-after")
      t->response.retry_after = value;
    return len;
  }

  // Verbose output, on only with HttpRequest::capture_heads: keeps the request head as sent
  // (one call per request; a later request, after a followed redirect, replaces it).
  static int OnDebug(CURL*, curl_infotype type, char* data, size_t size, void* userp) {
    if (type != CURLINFO_HEADER_OUT) return 0;
    std::string& head = static_cast<Transfer*>(userp)->response.request_head;
    if (head.size() >= 4 && head.compare(head.size() - 4, 4, "\r\n\r\n") == 0) head.clear();
    head.append(data, size);
    return 0;
  }

  static size_t OnBody(char* data, size_t size, size_t n, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    size_t len = size * n;
    t->decoded_bytes += len;
    bool encoded =
        !t->response.content_encoding.empty() && t->response.content_encoding != "identity";
    if (encoded && t->decoded_bytes > t->request.max_decoded_bytes) {
      t->too_large = true;
      return 0;  // abort: CURLE_WRITE_ERROR
    }
    std::string& body = t->response.body;
    size_t room = t->request.max_body_bytes - body.size();
    if (len > room) {
      body.append(data, room);
      t->response.truncated = true;
      return 0;
    }
    body.append(data, len);
    return len;
  }

  // --- asio side ---

  void Arm(const std::shared_ptr<SocketWatch>& watch) {
    std::weak_ptr<Impl> weak = weak_from_this();
    if ((watch->want & CURL_POLL_IN) && !watch->reading) {
      watch->reading = true;
      watch->descriptor.async_wait(asio::posix::stream_descriptor::wait_read,
                                   [weak, watch](const boost::system::error_code& ec) {
                                     watch->reading = false;
                                     if (ec || !watch->active) return;
                                     if (auto impl = weak.lock())
                                       impl->OnSocketReady(watch, CURL_CSELECT_IN);
                                   });
    }
    if ((watch->want & CURL_POLL_OUT) && !watch->writing) {
      watch->writing = true;
      watch->descriptor.async_wait(asio::posix::stream_descriptor::wait_write,
                                   [weak, watch](const boost::system::error_code& ec) {
                                     watch->writing = false;
                                     if (ec || !watch->active) return;
                                     if (auto impl = weak.lock())
                                       impl->OnSocketReady(watch, CURL_CSELECT_OUT);
                                   });
    }
  }

  void OnSocketReady(const std::shared_ptr<SocketWatch>& watch, int event) {
    int running = 0;
    curl_multi_socket_action(multi.get(), watch->fd, event, &running);
    CollectDone();
    if (watch->active) Arm(watch);
  }

  void OnTimeout() {
    int running = 0;
    curl_multi_socket_action(multi.get(), CURL_SOCKET_TIMEOUT, 0, &running);
    CollectDone();
  }

  void ReleaseWatch(SocketWatch& watch) {
    watch.active = false;
    boost::system::error_code ec;
    watch.descriptor.cancel(ec);
    watch.descriptor.release();  // curl owns and closes the fd
  }

  void RemoveWatch(curl_socket_t s) {
    auto it = watches.find(s);
    if (it == watches.end()) return;
    ReleaseWatch(*it->second);
    watches.erase(it);
  }

  void Start(HttpRequest request, Callback done) {
    auto transfer = std::make_unique<Transfer>(io);
    Transfer* t = transfer.get();
    t->impl = this;
    t->request = std::move(request);
    t->done = std::move(done);
    t->easy.reset(curl_easy_init());
    CURL* e = t->easy.get();
    const HttpRequest& r = t->request;
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, r.follow_redirects ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(r.max_redirects));
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every decoder built in (gzip, br, ...)
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, long{CURL_HTTP_VERSION_2TLS});
    curl_easy_setopt(e, CURLOPT_USERAGENT, options.user_agent.c_str());
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout.count()));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.total_timeout.count()));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
    if (!options.proxy.empty()) curl_easy_setopt(e, CURLOPT_PROXY, options.proxy.c_str());
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Impl::OnOpenSocket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, &Impl::OnCloseSocket);
    curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, this);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::OnHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::OnBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    if (!options.resolve_overrides.empty()) {
      if (!resolve_list) {
        for (const auto& entry : options.resolve_overrides) resolve_list.Append(entry);
      }
      curl_easy_setopt(e, CURLOPT_RESOLVE, resolve_list.get());
    }
    if (r.capture_heads) {
      curl_easy_setopt(e, CURLOPT_DEBUGFUNCTION, &Impl::OnDebug);
      curl_easy_setopt(e, CURLOPT_DEBUGDATA, t);
      curl_easy_setopt(e, CURLOPT_VERBOSE, 1L);
    }
    for (const auto& h : r.headers) t->header_list.Append(h);
    if (t->header_list) curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list.get());

    std::weak_ptr<Impl> weak = weak_from_this();
    t->first_byte_timer.expires_after(r.first_byte_timeout);
    t->first_byte_timer.async_wait([weak, t](const boost::system::error_code& ec) {
      if (ec) return;
      auto impl = weak.lock();
      if (!impl || impl->transfers.count(t) == 0 || t->got_header) return;
      t->response.transport = FetchOutcome::kTimeout;
      t->response.error =
          "no response within " + std::to_string(t->request.first_byte_timeout.count()) + " ms";
      impl->Finish(t);
    });
    transfers.emplace(t, std::move(transfer));
    if (curl_multi_add_handle(multi.get(), e) != CURLM_OK) {
      t->response.transport = FetchOutcome::kNetwork;
      t->response.error = "curl_multi_add_handle failed";
      Finish(t);
    }
  }

  // Reads finished transfers from curl. Called from asio handlers only.
  void CollectDone() {
    int pending = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi.get(), &pending)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
      Classify(t, msg->data.result);
      Finish(t);
    }
  }

  void Classify(Transfer* t, CURLcode code) {
    HttpResponse& r = t->response;
    CURL* e = t->easy.get();
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    r.status = static_cast<int>(status);
    char* url = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_EFFECTIVE_URL, &url) == CURLE_OK && url)
      r.effective_url = url;
    char* ip = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip) r.peer_ip = ip;
    char* location = nullptr;
    if (curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location) {
      r.redirect_url = location;
    }
    if (code == CURLE_WRITE_ERROR && t->too_large) {
      r.transport = FetchOutcome::kTooLarge;
      r.body.clear();  // a prefix of a bomb is of no use to anyone
      r.error = "decoded body larger than " + std::to_string(t->request.max_decoded_bytes) +
                " bytes (" + r.content_encoding + " decompression bomb?)";
    } else if (code == CURLE_WRITE_ERROR && r.truncated) {
      r.transport = FetchOutcome::kOk;  // cut at max_body_bytes on purpose
    } else if (code == CURLE_COULDNT_CONNECT && t->refused_private) {
      r.transport = FetchOutcome::kRefusedPrivate;
      r.error = "destination address is private, loopback or link-local (not allowed)";
    } else if (code != CURLE_OK) {
      r.transport = ClassifyCurlCode(code);
      r.error = curl_easy_strerror(code);
    }
  }

  void Finish(Transfer* t) {
    auto it = transfers.find(t);
    if (it == transfers.end()) return;
    std::unique_ptr<Transfer> owned = std::move(it->second);
    transfers.erase(it);
    owned->first_byte_timer.cancel();
    curl_multi_remove_handle(multi.get(), owned->easy.get());
    std::weak_ptr<Impl> weak = weak_from_this();
    asio::post(
        io, [weak, done = std::move(owned->done), response = std::move(owned->response)]() mutable {
          if (weak.lock()) done(std::move(response));
        });
  }

  asio::io_context& io;
  FetcherOptions options;
  CurlMultiPtr multi;
  asio::steady_timer timer;
  CurlSlistPtr resolve_list;
  std::unordered_map<curl_socket_t, std::shared_ptr<SocketWatch>> watches;
  std::unordered_map<Transfer*, std::unique_ptr<Transfer>> transfers;
};

HttpClient::HttpClient(asio::io_context& io, const FetcherOptions& options)
    : impl_(std::make_shared<Impl>(io, options)) {
  EnsureCurlGlobalInit();
  impl_->Init();
}

HttpClient::~HttpClient() = default;

void HttpClient::Start(HttpRequest request, Callback done) {
  impl_->Start(std::move(request), std::move(done));
}

size_t HttpClient::in_flight() const { return impl_->transfers.size(); }

}  // namespace newscrawl::crawler
