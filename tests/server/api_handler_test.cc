// Routes, parameter validation and authentication of the HTTP API, without sockets.
#include "server/api_handler.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/server/fake_article_source.h"

namespace newscrawl::server {
namespace {

using testing::FakeArticleSource;

ApiResponse Answer(ApiHandler& api, std::string_view target, std::string_view auth = "") {
  auto result = api.Handle("GET", target, auth);
  EXPECT_TRUE(std::holds_alternative<ApiResponse>(result)) << target;
  if (!std::holds_alternative<ApiResponse>(result)) return {};
  return std::get<ApiResponse>(std::move(result));
}

std::string ErrorCode(const ApiResponse& response) {
  return nlohmann::json::parse(response.body)["error"]["code"].get<std::string>();
}
std::string ErrorMessage(const ApiResponse& response) {
  return nlohmann::json::parse(response.body)["error"]["message"].get<std::string>();
}

std::string Header(const ApiResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "<absent>";
}

class ApiHandlerTest : public ::testing::Test {
 protected:
  ApiHandlerTest() : api_(ApiOptions{}, &source_, &metrics_) {
    for (int i = 1; i <= 5; ++i) source_.Append("{\"n\":" + std::to_string(i) + "}");
  }
  FakeArticleSource source_;
  MetricsRegistry metrics_;
  ApiHandler api_;
};

TEST_F(ApiHandlerTest, ChangesAfterSeqWithLimit) {
  ApiResponse r = Answer(api_, "/v1/changes?after=2&limit=2");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/x-ndjson");
  EXPECT_EQ(r.body, "{\"n\":3}\n{\"n\":4}\n");
  EXPECT_EQ(Header(r, "X-Newscrawl-Next-After"), "4");
  EXPECT_EQ(Header(r, "X-Newscrawl-Last-Seq"), "5");
}

TEST_F(ApiHandlerTest, ChangesDefaultsToAfterZeroAndDefaultLimit) {
  ApiOptions options;
  options.default_limit = 3;
  ApiHandler api(options, &source_, &metrics_);
  EXPECT_EQ(Answer(api, "/v1/changes").body, "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
}

TEST_F(ApiHandlerTest, ChangesAtHeadWithoutWaitIsEmptyAndDoesNotScan) {
  ApiResponse r = Answer(api_, "/v1/changes?after=5");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(Header(r, "X-Newscrawl-Next-After"), "5");
  EXPECT_EQ(source_.read_calls(), 0);  // LastSeq() said there is nothing after 5
}

TEST_F(ApiHandlerTest, ChangesAtHeadWithWaitAsksToWaitUpToTheCap) {
  auto before = std::chrono::steady_clock::now();
  auto result = api_.Handle("GET", "/v1/changes?after=5&limit=7&wait=3600", "");
  ASSERT_TRUE(std::holds_alternative<ChangesWait>(result));
  ChangesWait wait = std::get<ChangesWait>(result);
  EXPECT_EQ(wait.after, 5u);
  EXPECT_EQ(wait.limit, 7u);
  EXPECT_GE(wait.deadline, before + std::chrono::seconds(60));
  EXPECT_LE(wait.deadline, std::chrono::steady_clock::now() + std::chrono::seconds(60));
  EXPECT_FALSE(api_.AnswerChanges(wait, /*final=*/false).has_value());
  std::optional<ApiResponse> last = api_.AnswerChanges(wait, /*final=*/true);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->body, "");
  source_.Append("{\"n\":6}");
  std::optional<ApiResponse> woken = api_.AnswerChanges(wait, /*final=*/false);
  ASSERT_TRUE(woken.has_value());
  EXPECT_EQ(woken->body, "{\"n\":6}\n");
}

TEST_F(ApiHandlerTest, BadChangesParametersAre400WithJsonError) {
  struct Case {
    std::string target;
    std::string message;
  };
  std::vector<Case> cases = {
      {"/v1/changes?after=-1",
       "query parameter \"after\" must be a non-negative integer, got \"-1\""},
      {"/v1/changes?after=abc",
       "query parameter \"after\" must be a non-negative integer, got \"abc\""},
      {"/v1/changes?after=18446744073709551616",
       "query parameter \"after\" must be a non-negative integer, got \"18446744073709551616\""},
      {"/v1/changes?after=", "query parameter \"after\" must be a non-negative integer, got \"\""},
      {"/v1/changes?limit=0", "limit must be between 1 and 1000, got 0"},
      {"/v1/changes?limit=1001", "limit must be between 1 and 1000, got 1001"},
      {"/v1/changes?wait=1.5",
       "query parameter \"wait\" must be a non-negative integer, got \"1.5\""},
      {"/v1/changes?afer=3", "unknown query parameter \"afer\"; expected after, limit, wait"},
      {"/v1/changes?after=1&after=2", "query parameter \"after\" given twice"},
      {"/v1/changes?after=%ZZ", "malformed percent-escape in query parameter \"after=%ZZ\""},
  };
  for (const auto& c : cases) {
    ApiResponse r = Answer(api_, c.target);
    EXPECT_EQ(r.status, 400u) << c.target;
    EXPECT_EQ(r.content_type, "application/json") << c.target;
    EXPECT_EQ(ErrorCode(r), "invalid_argument") << c.target;
    EXPECT_EQ(ErrorMessage(r), c.message) << c.target;
  }
}

TEST_F(ApiHandlerTest, ArticlesByIdAndUrl) {
  source_.AddArticle("0123456789abcdef", "https://vnexpress.net/a-1.html?x=1&y=2", "{\"id\":1}");
  ApiResponse r = Answer(api_, "/v1/articles/0123456789abcdef");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, "{\"id\":1}\n");
  r = Answer(api_, "/v1/articles?url=https%3A%2F%2Fvnexpress.net%2Fa-1.html%3Fx%3D1%26y%3D2");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "{\"id\":1}\n");

  r = Answer(api_, "/v1/articles/fedcba9876543210");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(ErrorCode(r), "not_found");
  r = Answer(api_, "/v1/articles?url=https%3A%2F%2Fother.example%2F");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(ErrorMessage(r), "no article for URL https://other.example/");

  r = Answer(api_, "/v1/articles/0123456789ABCDEF");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(ErrorMessage(r),
            "article id must be 16 lowercase hex digits, got \"0123456789ABCDEF\"");
  EXPECT_EQ(Answer(api_, "/v1/articles/../../etc").status, 400u);
  r = Answer(api_, "/v1/articles");
  EXPECT_EQ(r.status, 400u);
  EXPECT_EQ(ErrorCode(r), "invalid_argument");
  EXPECT_EQ(Answer(api_, "/v1/articles?uri=x").status, 400u);
}

TEST_F(ApiHandlerTest, UnknownPathIs404AndOtherMethodsAre405) {
  ApiResponse r = Answer(api_, "/v2/nothing");
  EXPECT_EQ(r.status, 404u);
  EXPECT_EQ(ErrorMessage(r), "no such endpoint: /v2/nothing");
  auto post = std::get<ApiResponse>(api_.Handle("POST", "/v1/changes", ""));
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(ErrorCode(post), "method_not_allowed");
  EXPECT_EQ(Header(post, "Allow"), "GET, HEAD");
}

TEST_F(ApiHandlerTest, HealthAndReadiness) {
  EXPECT_EQ(Answer(api_, "/healthz").body, "ok\n");
  EXPECT_EQ(Answer(api_, "/readyz").status, 503u);
  api_.SetReady(true);
  ApiResponse r = Answer(api_, "/readyz");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.body, "ready\n");
}

TEST_F(ApiHandlerTest, BearerTokenGuardsEverythingButHealthAndReadiness) {
  ApiOptions options;
  options.bearer_token = "s3cret-token";
  ApiHandler api(options, &source_, &metrics_);
  api.SetReady(true);
  for (std::string target : {"/metrics", "/v1/changes", "/v1/articles/0123456789abcdef",
                             "/v1/articles?url=x", "/nope"}) {
    ApiResponse r = Answer(api, target);
    EXPECT_EQ(r.status, 401u) << target;
    EXPECT_EQ(ErrorCode(r), "unauthenticated") << target;
    EXPECT_EQ(Header(r, "WWW-Authenticate"), "Bearer realm=\"newscrawl\"");
    EXPECT_EQ(Answer(api, target, "Bearer wrong-token!").status, 401u) << target;
    EXPECT_EQ(Answer(api, target, "Bearer s3cret-toke").status, 401u) << target;
    EXPECT_EQ(Answer(api, target, "Bearer s3cret-token2").status, 401u) << target;
    EXPECT_EQ(Answer(api, target, "Basic s3cret-token").status, 401u) << target;
    EXPECT_NE(Answer(api, target, "Bearer s3cret-token").status, 401u) << target;
  }
  EXPECT_EQ(Answer(api, "/metrics", "bearer s3cret-token").status, 200u);
  EXPECT_EQ(Answer(api, "/healthz").status, 200u);
  EXPECT_EQ(Answer(api, "/readyz").status, 200u);
}

TEST_F(ApiHandlerTest, SourceFailuresMapToHttpStatus) {
  source_.FailReadsWith(Status::IoError("disk on fire"));
  ApiResponse r = Answer(api_, "/v1/changes?after=0");
  EXPECT_EQ(r.status, 500u);
  EXPECT_EQ(ErrorCode(r), "io_error");
  EXPECT_EQ(ErrorMessage(r), "reading the change feed: disk on fire");
  source_.FailReadsWith(Status::Unavailable("store closed"));
  EXPECT_EQ(Answer(api_, "/v1/changes?after=0").status, 503u);
}

TEST_F(ApiHandlerTest, NoSourceAttachedIs503ButMetricsWork) {
  ApiHandler api(ApiOptions{}, nullptr, &metrics_);
  ApiResponse r = Answer(api, "/v1/changes");
  EXPECT_EQ(r.status, 503u);
  EXPECT_EQ(ErrorMessage(r), "no article store is attached yet");
  EXPECT_EQ(Answer(api, "/metrics").status, 200u);
}

TEST_F(ApiHandlerTest, MetricsRouteServesTheRegistryInTextFormat) {
  metrics_.GetCounter("newscrawl_articles_stored_total", "Articles stored.").Increment(7);
  api_.CountRequest("changes", 200);
  ApiResponse r = Answer(api_, "/metrics");
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find("newscrawl_articles_stored_total 7\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("newscrawl_http_requests_total{code=\"200\",route=\"changes\"} 1\n"),
            std::string::npos)
      << r.body;
}

TEST(QueryTest, PercentDecodeAndParseQuery) {
  EXPECT_EQ(PercentDecode("a%20b%2Bc+d"), "a b+c+d");
  EXPECT_EQ(PercentDecode("%e1%BA%A1"), "\xe1\xba\xa1");
  EXPECT_EQ(PercentDecode("%4"), std::nullopt);
  EXPECT_EQ(PercentDecode("%"), std::nullopt);
  EXPECT_EQ(PercentDecode("%G0"), std::nullopt);
  auto params = ParseQuery("a=1&&b&c=x%3Dy");
  ASSERT_TRUE(params.ok());
  std::vector<std::pair<std::string, std::string>> expected = {{"a", "1"}, {"b", ""}, {"c", "x=y"}};
  EXPECT_EQ(*params, expected);
  EXPECT_EQ(ParseQuery("a=1&a=2").status().message(), "query parameter \"a\" given twice");
}

TEST(QueryTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abd", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abcd", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", ""));
}

TEST(RouteNameTest, FixedSetOfLabels) {
  EXPECT_EQ(ApiHandler::RouteName("/v1/changes?after=1"), "changes");
  EXPECT_EQ(ApiHandler::RouteName("/v1/articles/abc"), "article");
  EXPECT_EQ(ApiHandler::RouteName("/v1/articles?url=x"), "article_by_url");
  EXPECT_EQ(ApiHandler::RouteName("/metrics"), "metrics");
  EXPECT_EQ(ApiHandler::RouteName("/random/path/123"), "other");
}

}  // namespace
}  // namespace newscrawl::server
