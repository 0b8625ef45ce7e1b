// Fetcher outcomes against the loopback TestServer: one test per fault mode.
#include "crawler/fetcher.h"

#include <gtest/gtest.h>

#include "tests/crawler/fetch_test_util.h"
#include "tests/support/test_server.h"

namespace newscrawl::crawler {
namespace {

using testing::ArticleHtml;
using testing::StandardRoute;
using testing::TestServer;

class FetcherTest : public ::testing::Test {
 protected:
  void SetUp() override { server_ = TestServer::Start(2, StandardRoute); }
  std::string Url(const std::string& path, int host = 0) { return server_->BaseUrl(host) + path; }
  std::unique_ptr<TestServer> server_;
};

TEST_F(FetcherTest, OkPageHasBodyAndHeaders) {
  Fetcher fetcher(TestOptions());
  FetchResult r = FetchOne(fetcher, Url("/page/7"));
  EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, ArticleHtml(7));
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(r.charset, "utf-8");
  EXPECT_FALSE(r.truncated);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.final_url, Url("/page/7"));
  EXPECT_TRUE(r.redirects.empty());
  ASSERT_EQ(server_->Requests().size(), 1u);
  EXPECT_NE(server_->Requests()[0].headers.at("user-agent").find("newscrawl"), std::string::npos);
}

TEST_F(FetcherTest, NotFoundIsHttp4xxWithoutRetry) {
  Fetcher fetcher(TestOptions());
  FetchResult r = FetchOne(fetcher, Url("/status/404"));
  EXPECT_EQ(r.outcome, FetchOutcome::kHttp4xx);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error, "HTTP 404");
  EXPECT_EQ(server_->Requests().size(), 1u);
}

TEST_F(FetcherTest, ServerErrorIsRetriedWithBackoffThenReported) {
  FetcherOptions o = TestOptions();
  o.max_retries = 2;
  o.backoff_base = std::chrono::milliseconds(60);
  o.backoff_max = std::chrono::milliseconds(1000);
  Fetcher fetcher(o);
  FetchResult r = FetchOne(fetcher, Url("/status/500"));
  EXPECT_EQ(r.outcome, FetchOutcome::kHttp5xx);
  EXPECT_EQ(r.attempts, 3);
  auto log = server_->Requests();
  ASSERT_EQ(log.size(), 3u);
  // Backoff 60 ms * 2^(n-1) with jitter in [0.5, 1.5): at least 30 ms, then 60 ms.
  EXPECT_GE(MillisBetween(log[0].received_at, log[1].received_at), 30 - 5);
  EXPECT_GE(MillisBetween(log[1].received_at, log[2].received_at), 60 - 5);
}

TEST_F(FetcherTest, SlowHeadersHitFirstByteTimeout) {
  FetcherOptions o = TestOptions();
  o.first_byte_timeout = std::chrono::milliseconds(150);
  o.max_retries = 0;
  Fetcher fetcher(o);
  FetchResult r = FetchOne(fetcher, Url("/slow-headers/3000"));
  EXPECT_EQ(r.outcome, FetchOutcome::kTimeout);
  EXPECT_EQ(r.error, "no response within 150 ms");
  EXPECT_LT(r.seconds, 1.5);
}

TEST_F(FetcherTest, SlowBodyHitsTotalDeadline) {
  FetcherOptions o = TestOptions();
  o.total_timeout = std::chrono::milliseconds(300);
  o.max_retries = 0;
  Fetcher fetcher(o);
  FetchResult r = FetchOne(fetcher, Url("/slow-body/200"));  // ~2 s of body
  EXPECT_EQ(r.outcome, FetchOutcome::kTimeout) << r.error;
  EXPECT_LT(r.seconds, 1.5);
}

TEST_F(FetcherTest, ResetMidBodyIsNetworkError) {
  FetcherOptions o = TestOptions();
  o.max_retries = 1;
  Fetcher fetcher(o);
  FetchResult r = FetchOne(fetcher, Url("/reset"));
  EXPECT_EQ(r.outcome, FetchOutcome::kNetwork) << r.error;
  EXPECT_EQ(r.attempts, 2);
}

TEST_F(FetcherTest, GzipBodyIsDecoded) {
  Fetcher fetcher(TestOptions());
  FetchResult r = FetchOne(fetcher, Url("/gzip"));
  EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  EXPECT_EQ(r.content_encoding, "gzip");
  EXPECT_EQ(r.body, ArticleHtml(0));
  auto log = server_->Requests();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].headers.at("accept-encoding").find("gzip"), std::string::npos);
}

TEST_F(FetcherTest, GzipBombIsTooLarge) {
  FetcherOptions o = TestOptions();
  o.max_decoded_bytes = 1024 * 1024;
  Fetcher fetcher(o);
  FetchResult r = FetchOne(fetcher, Url("/gzip-bomb"));
  EXPECT_EQ(r.outcome, FetchOutcome::kTooLarge);
  EXPECT_NE(r.error.find("decompression bomb"), std::string::npos) << r.error;
  EXPECT_TRUE(r.body.empty());
}

TEST_F(FetcherTest, EndlessBodyIsCutAndMarkedTruncated) {
  FetcherOptions o = TestOptions();
  o.max_body_bytes = 256 * 1024;
  Fetcher fetcher(o);
  FetchResult r = FetchOne(fetcher, Url("/endless"));
  EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(r.body.size(), 256u * 1024);
}

TEST_F(FetcherTest, RedirectChainIsRecorded) {
  Fetcher fetcher(TestOptions());
  FetchResult r = FetchOne(fetcher, Url("/redirect/2"));
  EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.error;
  EXPECT_EQ(r.redirects,
            (std::vector<std::string>{Url("/redirect/1"), Url("/redirect/0"), Url("/page/0")}));
  EXPECT_EQ(r.final_url, Url("/page/0"));
  EXPECT_EQ(r.body, ArticleHtml(0));
}

TEST_F(FetcherTest, RedirectLoopIsDetected) {
  Fetcher fetcher(TestOptions());
  FetchResult r = FetchOne(fetcher, Url("/loop/a"));
  EXPECT_EQ(r.outcome, FetchOutcome::kRedirectLoop);
  EXPECT_EQ(r.redirects, (std::vector<std::string>{Url("/loop/b"), Url("/loop/a")}));
  EXPECT_EQ(server_->Requests().size(), 2u);
}

TEST_F(FetcherTest, TooManyRedirects) {
  FetcherOptions o = TestOptions();
  o.max_redirects = 3;
  Fetcher fetcher(o);
  FetchResult r = FetchOne(fetcher, Url("/redirect/10"));
  EXPECT_EQ(r.outcome, FetchOutcome::kTooManyRedirects);
  EXPECT_EQ(r.redirects.size(), 3u);
  EXPECT_EQ(server_->Requests().size(), 4u);
}

TEST_F(FetcherTest, RedirectToPrivateAddressIsRefused) {
  Fetcher fetcher(TestOptions());  // loopback allowed, private not
  FetchResult r = FetchOne(fetcher, Url("/to-private"));
  EXPECT_EQ(r.outcome, FetchOutcome::kRefusedPrivate) << r.error;
  EXPECT_EQ(r.redirects, std::vector<std::string>{"http://10.0.0.1/page/0"});
  EXPECT_LT(r.seconds, 1.0);  // refused before any connection attempt
}

TEST_F(FetcherTest, LoopbackIsRefusedUnlessAllowed) {
  FetcherOptions o = TestOptions();
  o.allow_loopback = false;
  Fetcher fetcher(o);
  FetchResult r = FetchOne(fetcher, Url("/page/1"));
  EXPECT_EQ(r.outcome, FetchOutcome::kRefusedPrivate);
  EXPECT_EQ(server_->connections_accepted(), 0u);
}

TEST_F(FetcherTest, LinkLocalMetadataAddressIsRefused) {
  Fetcher fetcher(TestOptions());
  FetchResult r = FetchOne(fetcher, "http://169.254.169.254/latest/meta-data/");
  EXPECT_EQ(r.outcome, FetchOutcome::kRefusedPrivate);
}

TEST_F(FetcherTest, NameResolvingToLoopbackIsCheckedByAddress) {
  FetcherOptions o = TestOptions();
  o.allow_loopback = false;
  o.resolve_overrides = {"news.example:" + std::to_string(server_->port(0)) + ":127.0.0.1"};
  Fetcher fetcher(o);
  FetchResult r =
      FetchOne(fetcher, "http://news.example:" + std::to_string(server_->port(0)) + "/page/1");
  EXPECT_EQ(r.outcome, FetchOutcome::kRefusedPrivate);
  EXPECT_EQ(server_->connections_accepted(), 0u);
}

TEST_F(FetcherTest, ConditionalGetReportsNotModified) {
  Fetcher fetcher(TestOptions());
  FetchResult first = FetchOne(fetcher, Url("/not-modified"));
  ASSERT_EQ(first.outcome, FetchOutcome::kOk);
  EXPECT_EQ(first.etag, "\"v1\"");
  EXPECT_EQ(first.last_modified, "Sat, 16 Mar 2024 03:30:00 GMT");
  FetchRequest again{Url("/not-modified"), first.etag, first.last_modified};
  std::promise<FetchResult> promise;
  fetcher.Fetch(again, [&](FetchResult r) { promise.set_value(std::move(r)); });
  FetchResult second = promise.get_future().get();
  EXPECT_EQ(second.outcome, FetchOutcome::kNotModified);
  EXPECT_EQ(second.status, 304);
  auto log = server_->Requests();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1].headers.at("if-modified-since"), "Sat, 16 Mar 2024 03:30:00 GMT");
}

TEST_F(FetcherTest, MissingAndWrongContentTypesAreReportedVerbatim) {
  Fetcher fetcher(TestOptions());
  auto results = FetchAll(fetcher, {Url("/no-content-type"), Url("/latin1-header"),
                                    Url("/latin1-meta"), Url("/latin1-wrong")});
  for (const auto& r : results) EXPECT_EQ(r.outcome, FetchOutcome::kOk) << r.url;
  EXPECT_EQ(results[0].content_type, "");
  EXPECT_EQ(results[0].charset, "");
  EXPECT_EQ(results[1].charset, "windows-1252");
  EXPECT_EQ(results[2].charset, "");
  EXPECT_EQ(results[3].charset, "utf-8");
  // Bytes are passed through undecoded: charset decoding is the parser's job.
  EXPECT_NE(results[1].body.find("Caf\xE9"), std::string::npos);
}

TEST_F(FetcherTest, InvalidUrlsAreClassified) {
  Fetcher fetcher(TestOptions());
  auto results = FetchAll(fetcher, {"not a url", "ftp://example.com/file", "http://"});
  for (const auto& r : results) EXPECT_EQ(r.outcome, FetchOutcome::kInvalidUrl) << r.url;
}

TEST_F(FetcherTest, EveryUrlOfAMixedBatchIsAccountedFor) {
  FetcherOptions o = TestOptions();
  o.max_retries = 0;
  o.first_byte_timeout = std::chrono::milliseconds(200);
  o.max_body_bytes = 64 * 1024;
  o.max_connections_per_host = 4;
  Fetcher fetcher(o);
  std::vector<std::string> paths = {"/page/1",     "/status/404",        "/status/503", "/reset",
                                    "/endless",    "/slow-headers/1000", "/loop/a",     "/gzip",
                                    "/to-private", "/retry-after/0"};
  std::vector<std::string> urls;
  for (int i = 0; i < 60; ++i) urls.push_back(Url(paths[i % paths.size()], i % 2));
  auto results = FetchAll(fetcher, urls);
  ASSERT_EQ(results.size(), urls.size());
  for (size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].url, urls[i]);
    EXPECT_NE(results[i].outcome, FetchOutcome::kCancelled);
  }
  EXPECT_EQ(fetcher.stats().completed, urls.size());
}

TEST_F(FetcherTest, ShutdownCancelsWhatIsPending) {
  FetcherOptions o = TestOptions();
  o.min_host_delay = std::chrono::milliseconds(10'000);
  auto fetcher = std::make_unique<Fetcher>(o);
  std::vector<std::promise<FetchResult>> promises(3);
  for (int i = 0; i < 3; ++i) {
    fetcher->Fetch({Url("/page/" + std::to_string(i))},
                   [&promises, i](FetchResult r) { promises[i].set_value(std::move(r)); });
  }
  EXPECT_EQ(promises[0].get_future().get().outcome, FetchOutcome::kOk);
  fetcher->Shutdown();
  EXPECT_EQ(promises[1].get_future().get().outcome, FetchOutcome::kCancelled);
  EXPECT_EQ(promises[2].get_future().get().outcome, FetchOutcome::kCancelled);
  std::promise<FetchResult> late;
  fetcher->Fetch({Url("/page/9")}, [&](FetchResult r) { late.set_value(std::move(r)); });
  EXPECT_EQ(late.get_future().get().outcome, FetchOutcome::kCancelled);
}

}  // namespace
}  // namespace newscrawl::crawler
