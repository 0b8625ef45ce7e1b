// The HTTP server over real loopback connections: long-poll, keep-alive, limits, timeouts,
// concurrency and graceful stop. Timing bounds are generous (seconds), never tight.
#include "server/http_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/server/fake_article_source.h"
#include "tests/server/test_http_client.h"

namespace newscrawl::server {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;
using testing::FakeArticleSource;
using testing::Fetch;
using testing::Reply;
using testing::TestClient;

// Polls `condition` every 5 ms for up to 20 s.
template <typename Condition>
bool Eventually(Condition condition) {
  auto deadline = steady_clock::now() + seconds(20);
  while (steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return condition();
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpServerOptions options = {}) {
    options.port = 0;
    options.metrics = &metrics_;
    server_ = std::make_unique<HttpServer>(options, &source_);
    Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
    ASSERT_NE(server_->port(), 0);
  }
  uint16_t port() const { return server_->port(); }

  FakeArticleSource source_;
  MetricsRegistry metrics_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, ServesHealthReadinessAndChangesOverLoopback) {
  StartServer();
  Reply health = Fetch(port(), "/healthz");
  EXPECT_EQ(health.status, 200u) << health.error;
  EXPECT_EQ(health.body, "ok\n");
  EXPECT_EQ(health.headers["server"], "newscrawl");
  EXPECT_EQ(Fetch(port(), "/readyz").status, 503u);
  server_->SetReady(true);
  EXPECT_EQ(Fetch(port(), "/readyz").status, 200u);

  source_.Append("{\"a\":1}");
  source_.Append("{\"a\":2}");
  Reply changes = Fetch(port(), "/v1/changes?after=0");
  EXPECT_EQ(changes.status, 200u);
  EXPECT_EQ(changes.headers["content-type"], "application/x-ndjson");
  EXPECT_EQ(changes.headers["x-newscrawl-next-after"], "2");
  EXPECT_EQ(changes.body, "{\"a\":1}\n{\"a\":2}\n");

  Reply bad = Fetch(port(), "/v1/changes?limit=zero");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(nlohmann::json::parse(bad.body)["error"]["code"], "invalid_argument");
  EXPECT_EQ(Fetch(port(), "/v1/articles/0000000000000000").status, 404u);
}

TEST_F(HttpServerTest, HeadAnswersHeadersWithoutBody) {
  StartServer();
  TestClient client(port());
  Reply head = client.Request("HEAD", "/healthz");
  EXPECT_EQ(head.status, 200u) << head.error;
  EXPECT_EQ(head.headers["content-length"], "3");
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(client.Get("/healthz").body, "ok\n");  // the connection is still in sync
}

TEST_F(HttpServerTest, LongPollWakesEarlyOnNotification) {
  StartServer();
  source_.Append("{\"seq\":1}");
  auto started = steady_clock::now();
  auto reply = std::async(std::launch::async,
                          [this] { return Fetch(port(), "/v1/changes?after=1&wait=60"); });
  ASSERT_TRUE(Eventually([&] { return server_->parked_long_polls() == 1; }));
  // A notification with nothing new keeps the request parked.
  server_->NotifyChanges();
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(server_->parked_long_polls(), 1u);
  source_.Append("{\"seq\":2}");
  server_->NotifyChanges();
  ASSERT_EQ(reply.wait_for(seconds(20)), std::future_status::ready);
  Reply r = reply.get();
  EXPECT_EQ(r.status, 200u) << r.error;
  EXPECT_EQ(r.body, "{\"seq\":2}\n");
  EXPECT_EQ(r.headers["x-newscrawl-next-after"], "2");
  EXPECT_LT(steady_clock::now() - started, seconds(30));  // well before the 60 s wait
  EXPECT_EQ(server_->parked_long_polls(), 0u);
}

TEST_F(HttpServerTest, LongPollTimesOutWithAnEmptyAnswer) {
  StartServer();
  auto started = steady_clock::now();
  Reply r = Fetch(port(), "/v1/changes?after=0&wait=1");
  auto elapsed = steady_clock::now() - started;
  EXPECT_EQ(r.status, 200u) << r.error;
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.headers["x-newscrawl-next-after"], "0");
  EXPECT_GE(elapsed, milliseconds(900));
  EXPECT_LT(elapsed, seconds(15));
}

TEST_F(HttpServerTest, WaitIsCappedByMaxWait) {
  HttpServerOptions options;
  options.api.max_wait = seconds(1);
  StartServer(options);
  auto started = steady_clock::now();
  Reply r = Fetch(port(), "/v1/changes?wait=3600");
  EXPECT_EQ(r.status, 200u) << r.error;
  EXPECT_LT(steady_clock::now() - started, seconds(15));
}

TEST_F(HttpServerTest, ManyLongPollsAllWakeOnOneNotification) {
  StartServer();
  std::vector<std::future<Reply>> replies;
  for (int i = 0; i < 5; ++i) {
    replies.push_back(std::async(std::launch::async,
                                 [this] { return Fetch(port(), "/v1/changes?after=0&wait=60"); }));
  }
  ASSERT_TRUE(Eventually([&] { return server_->parked_long_polls() == 5; }));
  source_.Append("{\"x\":1}");
  server_->NotifyChanges();
  for (auto& reply : replies) {
    ASSERT_EQ(reply.wait_for(seconds(20)), std::future_status::ready);
    EXPECT_EQ(reply.get().body, "{\"x\":1}\n");
  }
}

TEST_F(HttpServerTest, AuthOverTheWire) {
  HttpServerOptions options;
  options.api.bearer_token = "t0ken";
  StartServer(options);
  Reply denied = Fetch(port(), "/metrics");
  EXPECT_EQ(denied.status, 401u);
  EXPECT_EQ(denied.headers["www-authenticate"], "Bearer realm=\"newscrawl\"");
  EXPECT_EQ(Fetch(port(), "/metrics", {{"Authorization", "Bearer nope"}}).status, 401u);
  EXPECT_EQ(Fetch(port(), "/metrics", {{"Authorization", "Bearer t0ken"}}).status, 200u);
  EXPECT_EQ(Fetch(port(), "/healthz").status, 200u);
}

TEST_F(HttpServerTest, MetricsEndpointParsesAsExpositionFormat) {
  StartServer();
  metrics_.GetHistogram("newscrawl_fetch_duration_seconds", "Fetch latency.", {0.1, 1})
      .Observe(0.5);
  Fetch(port(), "/healthz");
  // The closed connection is gone before the scrape, so the gauge below is exactly the scraper's.
  ASSERT_TRUE(Eventually([&] { return server_->open_connections() == 0; }));
  Reply r = Fetch(port(), "/metrics");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  ASSERT_FALSE(r.body.empty());
  EXPECT_EQ(r.body.back(), '\n');
  std::istringstream lines(r.body);
  std::string line;
  std::map<std::string, std::string> samples;
  while (std::getline(lines, line)) {
    if (line.rfind("# ", 0) == 0) {
      EXPECT_TRUE(line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) << line;
      continue;
    }
    size_t space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    std::string value = line.substr(space + 1);
    EXPECT_NO_THROW(std::stod(value)) << line;
    samples[line.substr(0, space)] = value;
  }
  EXPECT_EQ(samples["newscrawl_http_requests_total{code=\"200\",route=\"healthz\"}"], "1");
  EXPECT_EQ(samples["newscrawl_fetch_duration_seconds_bucket{le=\"1\"}"], "1");
  EXPECT_EQ(samples["newscrawl_http_open_connections"], "1");  // the scraping connection
}

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  StartServer();
  TestClient client(port());
  for (int i = 0; i < 5; ++i) {
    Reply r = client.Get("/healthz");
    EXPECT_EQ(r.status, 200u) << r.error;
    EXPECT_TRUE(r.keep_alive);
  }
  EXPECT_EQ(server_->open_connections(), 1u);
  Reply last = client.Get("/healthz", {{"Connection", "close"}});
  EXPECT_FALSE(last.keep_alive);
  EXPECT_TRUE(client.WaitForClose());
}

TEST_F(HttpServerTest, OversizedAndMalformedRequestsAreRejected) {
  HttpServerOptions options;
  options.max_header_bytes = 1024;
  options.max_body_bytes = 100;
  StartServer(options);
  {
    TestClient client(port());
    Reply r = client.Get("/healthz", {{"X-Padding", std::string(4000, 'p')}});
    EXPECT_EQ(r.status, 431u) << r.error;
    EXPECT_TRUE(client.WaitForClose());
  }
  {
    TestClient client(port());
    Reply r = client.Raw("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n");
    EXPECT_EQ(r.status, 413u) << r.error;
  }
  {
    TestClient client(port());
    Reply r = client.Raw("NOT AN HTTP REQUEST\r\n\r\n");
    EXPECT_EQ(r.status, 400u) << r.error;
    EXPECT_TRUE(client.WaitForClose());
  }
  EXPECT_EQ(Fetch(port(), "/healthz").status, 200u);  // the server is fine
}

TEST_F(HttpServerTest, SlowAndIdleClientsAreDisconnected) {
  HttpServerOptions options;
  options.read_timeout = milliseconds(300);
  StartServer(options);
  TestClient slow(port());
  slow.SendRaw("GET /healthz HTTP/1.1\r\nHo");  // never finishes the request
  TestClient idle(port());
  EXPECT_EQ(idle.Get("/healthz").status, 200u);
  auto started = steady_clock::now();
  EXPECT_TRUE(slow.WaitForClose());
  EXPECT_TRUE(idle.WaitForClose());
  EXPECT_LT(steady_clock::now() - started, seconds(15));
  EXPECT_TRUE(Eventually([&] { return server_->open_connections() == 0; }));
}

TEST_F(HttpServerTest, ConnectionsBeyondTheLimitGet503) {
  HttpServerOptions options;
  options.max_connections = 2;
  StartServer(options);
  TestClient first(port());
  TestClient second(port());
  EXPECT_EQ(first.Get("/healthz").status, 200u);
  EXPECT_EQ(second.Get("/healthz").status, 200u);
  Reply third = Fetch(port(), "/healthz");
  EXPECT_EQ(third.status, 503u) << third.error;
  EXPECT_FALSE(third.keep_alive);
  EXPECT_EQ(first.Get("/healthz").status, 200u);
}

TEST_F(HttpServerTest, ConcurrentClients) {
  HttpServerOptions options;
  options.io_threads = 2;
  StartServer(options);
  for (int i = 1; i <= 50; ++i) source_.Append("{\"i\":" + std::to_string(i) + "}");
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      TestClient client(port());
      for (int i = 0; i < 25; ++i) {
        Reply r = client.Get(i % 2 ? "/healthz" : "/v1/changes?after=" + std::to_string(t));
        if (r.status == 200u &&
            (i % 2 || r.body.find("{\"i\":" + std::to_string(t + 1) + "}\n") == 0)) {
          ++ok;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 8 * 25);
}

TEST_F(HttpServerTest, StopDrainsParkedAndIdleConnections) {
  StartServer();
  auto parked = std::async(std::launch::async,
                           [this] { return Fetch(port(), "/v1/changes?after=0&wait=60"); });
  TestClient idle(port());
  EXPECT_EQ(idle.Get("/healthz").status, 200u);
  ASSERT_TRUE(Eventually([&] { return server_->parked_long_polls() == 1; }));
  auto started = steady_clock::now();
  server_->Stop(seconds(10));
  EXPECT_LT(steady_clock::now() - started, seconds(8));  // drained, not timed out
  ASSERT_EQ(parked.wait_for(seconds(20)), std::future_status::ready);
  Reply r = parked.get();
  EXPECT_EQ(r.status, 200u) << r.error;
  EXPECT_EQ(r.body, "");
  EXPECT_FALSE(r.keep_alive);
  EXPECT_TRUE(idle.WaitForClose());
  EXPECT_EQ(server_->open_connections(), 0u);
  server_->Stop();  // idempotent
}

TEST_F(HttpServerTest, StopClosesStragglersAtTheDeadline) {
  StartServer();
  TestClient slow(port());
  slow.SendRaw("GET /healthz HTTP/1.1\r\n");  // mid-request: closed by Stop
  ASSERT_TRUE(Eventually([&] { return server_->open_connections() == 1; }));
  server_->Stop(milliseconds(200));
  EXPECT_TRUE(slow.WaitForClose());
  EXPECT_EQ(server_->open_connections(), 0u);
}

TEST_F(HttpServerTest, StartErrors) {
  StartServer();
  HttpServerOptions taken;
  taken.port = port();
  taken.metrics = &metrics_;
  HttpServer second(taken, &source_);
  Status status = second.Start();
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_EQ(
      status.message().rfind("cannot listen on 127.0.0.1:" + std::to_string(port()) + ": ", 0), 0u)
      << status.message();

  HttpServerOptions bad;
  bad.address = "localhost:80";
  bad.metrics = &metrics_;
  HttpServer third(bad, &source_);
  EXPECT_EQ(third.Start().message(),
            "HTTP listen address \"localhost:80\" is not an IPv4 or IPv6 address");
  EXPECT_EQ(server_->Start().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace newscrawl::server
