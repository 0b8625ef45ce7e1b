// pipeline::FetchArchive: the mapping of a FetchResult to WARC records (captured heads kept,
// wire framing replaced by the stored payload's), the kinds filter, the bounded writer queue, and
// a real Fetcher against the loopback server (WARC-IP-Address, the request as sent, robots.txt,
// a 304 as a revisit record).
#include "pipeline/fetch_archive.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "tests/support/test_server.h"
#include "tests/warc/warc_test_util.h"
#include "warc/http_response.h"

namespace newscrawl::pipeline {
namespace {

using crawler::FetchOutcome;
using crawler::FetchResult;
using warc::Drain;
using warc::TempDir;
using warc::WarcRecord;

FetchResult PageResult(const std::string& url, const std::string& body) {
  FetchResult r;
  r.url = r.final_url = url;
  r.outcome = FetchOutcome::kOk;
  r.status = 200;
  r.content_type = "text/html; charset=utf-8";
  r.body = body;
  r.attempts = 1;
  r.fetched_at = "2026-12-07T10:00:00Z";
  return r;
}

std::vector<WarcRecord> ReadRecords(const std::string& path) {
  auto reader = warc::WarcReader::Open(path);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return {};
  warc::ReadAll all = Drain(reader->get());
  EXPECT_TRUE(all.damages.empty()) << all.damages.front().reason;
  return std::move(all.records);
}

std::vector<const WarcRecord*> OfType(const std::vector<WarcRecord>& records,
                                      std::string_view type) {
  std::vector<const WarcRecord*> out;
  for (const WarcRecord& r : records)
    if (r.type() == type) out.push_back(&r);
  return out;
}

TEST(ExchangeForTest, CapturedHeadsAreKeptWithTheWireFramingReplaced) {
  FetchResult r = PageResult("http://a.test/x?y=1", "<html>decoded</html>");
  r.ip_address = "127.0.0.1";
  r.request_head = "GET /x?y=1 HTTP/1.1\r\nHost: a.test\r\nUser-Agent: bot/1\r\n\r\n";
  r.response_head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n"
      "Content-Encoding: gzip\r\nX-Other: kept\r\n\r\n";
  warc::WarcExchange ex = ExchangeFor(r, "unused/1");
  EXPECT_EQ(ex.target_uri, "http://a.test/x?y=1");
  EXPECT_EQ(ex.date, "2026-12-07T10:00:00Z");
  EXPECT_EQ(ex.ip_address, "127.0.0.1");
  EXPECT_EQ(ex.request, r.request_head);
  EXPECT_EQ(ex.response_head,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
            "X-Archive-Orig-Transfer-Encoding: chunked\r\nX-Archive-Orig-Content-Encoding: gzip\r\n"
            "X-Other: kept\r\nContent-Length: 20\r\n\r\n");
  EXPECT_EQ(ex.payload, "<html>decoded</html>");
  EXPECT_FALSE(ex.not_modified);
  // What a WARC reader makes of it: the decoded page, not an attempt to gunzip it.
  auto parsed = warc::ParseHttpResponse(ex.response_head + ex.payload, 1 << 20);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->body, "<html>decoded</html>");
}

TEST(ExchangeForTest, AnHttp2StatusLineIsWrittenAsHttp11) {
  FetchResult r = PageResult("https://a.test/", "x");
  r.response_head = "HTTP/2 200 \r\ncontent-type: text/html\r\n\r\n";
  EXPECT_EQ(ExchangeFor(r, "").response_head,
            "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nContent-Length: 1\r\n\r\n");
}

TEST(ExchangeForTest, WithoutCapturedHeadsTheMessagesAreRebuilt) {
  FetchResult r = PageResult("http://a.test:8080/news", "body");
  r.etag = "\"e1\"";
  warc::WarcExchange ex = ExchangeFor(r, "bot/2 (+http://bot.test)");
  EXPECT_EQ(ex.request,
            "GET /news HTTP/1.1\r\nHost: a.test:8080\r\nUser-Agent: bot/2 (+http://bot.test)\r\n"
            "Accept: */*\r\nAccept-Encoding: gzip, deflate, br\r\n\r\n");
  EXPECT_EQ(ex.response_head,
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nETag: \"e1\"\r\n"
            "Content-Length: 4\r\n\r\n");
  EXPECT_EQ(ex.ip_address, "");
}

TEST(ExchangeForTest, A304IsARevisitWithoutPayloadAndNothingWhenNoRequestWentOut) {
  FetchResult r = PageResult("http://a.test/n", "");
  r.outcome = FetchOutcome::kNotModified;
  r.status = 304;
  r.response_head = "HTTP/1.1 304 Not Modified\r\nETag: \"e1\"\r\n\r\n";
  warc::WarcExchange ex = ExchangeFor(r, "");
  EXPECT_TRUE(ex.not_modified);
  EXPECT_EQ(ex.response_head, "HTTP/1.1 304 Not Modified\r\nETag: \"e1\"\r\n\r\n");
  EXPECT_EQ(ex.payload, "");

  FetchResult cached = PageResult("http://a.test/robots.txt", "User-agent: *\n");
  cached.attempts = 0;  // answered from the fetcher's robots cache
  EXPECT_EQ(ExchangeFor(cached, "").target_uri, "");
  FetchResult refused = PageResult("http://a.test/", "");
  refused.status = 0;
  refused.outcome = FetchOutcome::kConnect;
  EXPECT_EQ(ExchangeFor(refused, "").target_uri, "");
}

FetchArchiveOptions FileOptions(const TempDir& dir, std::set<UrlKind> kinds) {
  FetchArchiveOptions options;
  options.writer.directory = dir.path();
  options.writer.file_name = "out.warc.gz";
  options.kinds = std::move(kinds);
  return options;
}

TEST(FetchArchiveTest, OnlyTheConfiguredKindsAreWritten) {
  TempDir dir;
  auto archive = FetchArchive::Open(FileOptions(dir, {UrlKind::kArticle, UrlKind::kSitemap}));
  ASSERT_TRUE(archive.ok()) << archive.status().ToString();
  (*archive)->Record(PageResult("http://a.test/article", "a"), UrlKind::kArticle);
  (*archive)->Record(PageResult("http://a.test/feed", "f"), UrlKind::kFeed);
  (*archive)->Record(PageResult("http://a.test/sitemap", "s"), UrlKind::kSitemap);
  (*archive)->Record(PageResult("http://a.test/robots.txt", "r"), UrlKind::kRobots);
  ASSERT_TRUE((*archive)->Close().ok());
  EXPECT_EQ((*archive)->written(), 2u);
  std::vector<WarcRecord> records = ReadRecords(dir.path() + "/out.warc.gz");
  std::vector<const WarcRecord*> responses = OfType(records, "response");
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0]->fields.Get("WARC-Target-URI"), "http://a.test/article");
  EXPECT_EQ(responses[1]->fields.Get("WARC-Target-URI"), "http://a.test/sitemap");
  EXPECT_EQ(OfType(records, "request").size(), 2u);
}

TEST(FetchArchiveTest, ManyThreadsThroughASmallQueueLoseNothing) {
  TempDir dir;
  FetchArchiveOptions options = FileOptions(dir, {UrlKind::kArticle});
  options.max_queued_bytes = 4096;  // a few pages: Record() has to wait for the writer
  auto archive = FetchArchive::Open(options);
  ASSERT_TRUE(archive.ok()) << archive.status().ToString();
  const std::string body(1500, 'x');
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i)
        (*archive)->Record(PageResult("http://a.test/" + std::to_string(t * 100 + i), body),
                           UrlKind::kArticle);
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE((*archive)->Close().ok());
  std::vector<WarcRecord> records = ReadRecords(dir.path() + "/out.warc.gz");
  std::set<std::string> uris;
  for (const WarcRecord* r : OfType(records, "response"))
    uris.insert(std::string(r->fields.Get("WARC-Target-URI")));
  EXPECT_EQ(uris.size(), 200u);
  EXPECT_EQ((*archive)->written(), 200u);
}

TEST(FetchArchiveTest, ConfigMapsDirectoryKindsAndInstanceName) {
  Config config;
  config.warc.dir = "/w";
  config.warc.max_file_size = 5ull << 20;
  config.warc.kinds = {"feeds", "robots"};
  config.cluster.instance_name = "node-2";
  FetchArchiveOptions options = FetchArchiveOptionsFor(config);
  EXPECT_EQ(options.writer.directory, "/w");
  EXPECT_EQ(options.writer.max_file_bytes, 5ull << 20);
  EXPECT_EQ(options.writer.instance, "node-2");
  EXPECT_EQ(options.kinds, (std::set<UrlKind>{UrlKind::kFeed, UrlKind::kRobots}));
  EXPECT_EQ(options.user_agent, config.identity.user_agent);

  Config off;
  auto none = FetchArchive::OpenForConfig(off);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->get(), nullptr);
}

// A page with an ETag (304 to If-None-Match) and a robots.txt, served on loopback.
testing::TestResponse Serve(const testing::TestRequest& request) {
  testing::TestResponse response;
  if (request.path() == "/robots.txt") {
    response.headers = {{"Content-Type", "text/plain"}};
    response.body = "User-agent: *\nDisallow: /private/\n";
  } else if (request.headers.count("if-none-match") &&
             request.headers.at("if-none-match") == "\"v1\"") {
    response.status = 304;
    response.headers = {{"ETag", "\"v1\""}};
  } else {
    response.headers = {{"Content-Type", "text/html; charset=utf-8"}, {"ETag", "\"v1\""}};
    response.body = "<html><body><p>Story</p></body></html>";
  }
  return response;
}

FetchResult FetchOne(crawler::Fetcher* fetcher, crawler::FetchRequest request) {
  std::promise<FetchResult> done;
  fetcher->Fetch(std::move(request), [&done](FetchResult r) { done.set_value(std::move(r)); });
  return done.get_future().get();
}

TEST(FetchArchiveTest, ARealFetchKeepsPeerRequestAsSentRobotsAndA304AsRevisit) {
  auto server = testing::TestServer::Start(1, Serve);
  TempDir dir;
  auto archive = FetchArchive::Open(FileOptions(dir, {UrlKind::kArticle, UrlKind::kRobots}));
  ASSERT_TRUE(archive.ok()) << archive.status().ToString();
  crawler::FetcherOptions options;
  options.user_agent = "archivetest/1 (+http://example.org/bot)";
  options.allow_loopback = true;
  options.min_host_delay = std::chrono::milliseconds(0);
  crawler::FetcherEnv env;
  (*archive)->Attach(&options, &env);
  EXPECT_TRUE(options.capture_exchange);
  const std::string url = server->BaseUrl(0) + "/news/1";
  {
    crawler::Fetcher fetcher(options, nullptr, std::move(env));
    FetchResult first = FetchOne(&fetcher, {url, "", ""});
    ASSERT_EQ(first.outcome, FetchOutcome::kOk) << first.error;
    EXPECT_EQ(first.ip_address, "127.0.0.1");
    EXPECT_NE(first.request_head.find("User-Agent: archivetest/1"), std::string::npos)
        << first.request_head;
    (*archive)->Record(first, UrlKind::kArticle);
    FetchResult again = FetchOne(&fetcher, {url, "\"v1\"", ""});
    ASSERT_EQ(again.outcome, FetchOutcome::kNotModified) << again.error;
    (*archive)->Record(again, UrlKind::kArticle);
  }
  ASSERT_TRUE((*archive)->Close().ok());

  std::vector<WarcRecord> records = ReadRecords(dir.path() + "/out.warc.gz");
  std::vector<const WarcRecord*> responses = OfType(records, "response");
  std::vector<const WarcRecord*> requests = OfType(records, "request");
  std::vector<const WarcRecord*> revisits = OfType(records, "revisit");
  ASSERT_EQ(responses.size(), 2u);  // robots.txt, then the page
  ASSERT_EQ(requests.size(), 3u);
  ASSERT_EQ(revisits.size(), 1u);
  EXPECT_EQ(responses[0]->fields.Get("WARC-Target-URI"), server->BaseUrl(0) + "/robots.txt");
  EXPECT_EQ(responses[1]->fields.Get("WARC-Target-URI"), url);
  for (const WarcRecord* r : {responses[0], responses[1], revisits[0], requests[0]})
    EXPECT_EQ(r->fields.Get("WARC-IP-Address"), "127.0.0.1");
  auto page = warc::ParseHttpResponse(responses[1]->block, 1 << 20);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(page->body, "<html><body><p>Story</p></body></html>");
  EXPECT_EQ(page->Header("ETag"), "\"v1\"");
  // The conditional request as sent, and the 304 as a server-not-modified revisit.
  EXPECT_NE(requests[2]->block.find("If-None-Match: \"v1\"\r\n"), std::string::npos)
      << requests[2]->block;
  EXPECT_EQ(revisits[0]->fields.Get("WARC-Profile"),
            "http://netpreserve.org/warc/1.1/revisit/server-not-modified");
  EXPECT_EQ(revisits[0]->block.rfind("HTTP/1.1 304 Not Modified\r\n", 0), 0u) << revisits[0]->block;
}

}  // namespace
}  // namespace newscrawl::pipeline
