// FakeTransport: a Transport (crawler/transport.h) that answers from a script instead of the
// network, for driving the Fetcher with a FakeClock: no sockets, no sleeps.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "crawler/fetcher.h"
#include "crawler/transport.h"

namespace newscrawl::crawler {

// The answers, by URL, and the requests seen. Shared between the test thread and the fetcher's
// I/O thread.
class TransportScript {
 public:
  // Answers to `url`, in order; the last one repeats. A URL without answers gets a 404.
  void On(const std::string& url, std::vector<HttpResponse> answers) {
    std::lock_guard<std::mutex> lock(mu_);
    answers_[url] = std::deque<HttpResponse>(answers.begin(), answers.end());
  }
  std::vector<std::string> Requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }
  HttpResponse Answer(const HttpRequest& request) {
    std::lock_guard<std::mutex> lock(mu_);
    requests_.push_back(request.url);
    auto it = answers_.find(request.url);
    if (it == answers_.end() || it->second.empty()) return Status(404);
    HttpResponse r = it->second.front();
    if (it->second.size() > 1) it->second.pop_front();
    return r;
  }

  static HttpResponse Status(int status, std::string body = "") {
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::deque<HttpResponse>> answers_;
  std::vector<std::string> requests_;
};

class FakeTransport final : public Transport {
 public:
  FakeTransport(boost::asio::io_context& io, std::shared_ptr<TransportScript> script)
      : io_(io), script_(std::move(script)) {}

  // Answers later on the loop (never from inside Start), and never once destroyed.
  void Start(HttpRequest request, Callback done) override {
    ++in_flight_;
    HttpResponse response = script_->Answer(request);
    std::weak_ptr<int> alive = alive_;
    boost::asio::post(
        io_, [this, alive, done = std::move(done), response = std::move(response)]() mutable {
          if (alive.expired()) return;
          --in_flight_;
          done(std::move(response));
        });
  }
  size_t in_flight() const override { return in_flight_; }

 private:
  boost::asio::io_context& io_;
  std::shared_ptr<TransportScript> script_;
  size_t in_flight_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

// A FetcherEnv with `clock` and a FakeTransport over `script`.
inline FetcherEnv FakeEnv(const Clock& clock, std::shared_ptr<TransportScript> script) {
  FetcherEnv env;
  env.clock = &clock;
  env.make_transport = [script](boost::asio::io_context& io) {
    return std::make_unique<FakeTransport>(io, script);
  };
  return env;
}

}  // namespace newscrawl::crawler
