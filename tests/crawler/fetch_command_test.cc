// `newscrawl fetch` end to end: the binary against the loopback TestServer.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/test_server.h"

namespace newscrawl {
namespace {

using testing::StandardRoute;
using testing::TestRequest;
using testing::TestResponse;
using testing::TestServer;

struct RunResult {
  int exit_code = -1;
  std::vector<nlohmann::json> lines;
  std::string stdout_text;
};

// Runs `newscrawl fetch <args>` (stderr discarded) and parses every stdout line as JSON.
RunResult RunFetch(const std::string& args) {
  std::string command =
      std::string(NC_BINARY_DIR) + "/cli/newscrawl fetch " + args + " 2>/dev/null";
  RunResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.stdout_text.append(buffer, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::istringstream in(result.stdout_text);
  for (std::string line; std::getline(in, line);) {
    result.lines.push_back(nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false));
  }
  return result;
}

class FetchCommandTest : public ::testing::Test {
 protected:
  void SetUp() override { server_ = TestServer::Start(2, StandardRoute); }
  std::string Url(const std::string& path, int host = 0) { return server_->BaseUrl(host) + path; }
  const std::string kFlags = "--allow-private --delay 0 --timeout 5 --retries 0 ";
  std::unique_ptr<TestServer> server_;
};

TEST_F(FetchCommandTest, PrintsOneArticleRecordPerUrl) {
  RunResult r = RunFetch(kFlags + Url("/page/1") + " " + Url("/page/2", 1));
  EXPECT_EQ(r.exit_code, 0) << r.stdout_text;
  ASSERT_EQ(r.lines.size(), 2u) << r.stdout_text;
  std::vector<std::string> titles;
  for (const auto& j : r.lines) {
    ASSERT_FALSE(j.is_discarded()) << r.stdout_text;
    EXPECT_EQ(j.at("schema"), 1);
    EXPECT_EQ(j.at("http").at("status"), 200);
    EXPECT_FALSE(j.at("fetched_at").is_null());
    EXPECT_NE(j.at("text").get<std::string>().find("the council met on Tuesday"),
              std::string::npos);
    titles.push_back(j.at("title"));
  }
  std::sort(titles.begin(), titles.end());
  EXPECT_EQ(titles, (std::vector<std::string>{"Article 1", "Article 2"}));
}

TEST_F(FetchCommandTest, FailuresAreJsonLinesAndExitOne) {
  RunResult r = RunFetch(kFlags + "--errors-json " + Url("/page/1") + " " + Url("/status/404") +
                         " " + Url("/loop/a"));
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.lines.size(), 3u) << r.stdout_text;
  std::map<std::string, std::string> outcome_by_url;
  for (const auto& j : r.lines) {
    if (j.contains("outcome")) outcome_by_url[j.at("url")] = j.at("outcome");
  }
  EXPECT_EQ(outcome_by_url[Url("/status/404")], "http_4xx");
  EXPECT_EQ(outcome_by_url[Url("/loop/a")], "redirect_loop");
  EXPECT_EQ(outcome_by_url.size(), 2u);
}

TEST_F(FetchCommandTest, LoopbackNeedsAllowPrivate) {
  RunResult r = RunFetch("--errors-json --delay 0 --retries 0 " + Url("/page/1"));
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.lines.size(), 1u);
  EXPECT_EQ(r.lines[0].at("outcome"), "refused_private");
  EXPECT_EQ(server_->connections_accepted(), 0u);
}

TEST_F(FetchCommandTest, RobotsTxtIsHonoured) {
  server_->SetHandler([](const TestRequest& req) {
    if (req.path() != "/robots.txt") return StandardRoute(req);
    TestResponse robots;
    robots.body = "User-agent: *\nDisallow: /page/2\n";
    return robots;
  });
  RunResult r = RunFetch(kFlags + "--errors-json " + Url("/page/1") + " " + Url("/page/2"));
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.lines.size(), 2u);
  int disallowed = 0;
  for (const auto& j : r.lines) disallowed += j.value("outcome", "") == "robots_disallowed";
  EXPECT_EQ(disallowed, 1);
}

TEST_F(FetchCommandTest, CharsetFromHeaderOrMetaOrWronglyDeclared) {
  RunResult r = RunFetch(kFlags + Url("/latin1-header") + " " + Url("/latin1-meta") + " " +
                         Url("/latin1-wrong"));
  ASSERT_EQ(r.lines.size(), 3u) << r.stdout_text;
  for (const auto& j : r.lines) {
    ASSERT_TRUE(j.contains("text")) << j.dump();
    // "Café société" decoded from windows-1252 in all three cases (a wrong utf-8 declaration
    // is caught by the decoder since the bytes are not valid UTF-8).
    EXPECT_NE(j.at("text").get<std::string>().find("Caf\xC3\xA9 soci\xC3\xA9t\xC3\xA9"),
              std::string::npos)
        << j.at("url") << ": " << j.at("text");
  }
}

TEST_F(FetchCommandTest, RawPrintsMetadataAndBody) {
  RunResult r = RunFetch(kFlags + "--raw " + Url("/redirect/0"));
  EXPECT_EQ(r.exit_code, 0);
  ASSERT_EQ(r.lines.size(), 1u);
  const auto& j = r.lines[0];
  EXPECT_EQ(j.at("outcome"), "ok");
  EXPECT_EQ(j.at("status"), 200);
  EXPECT_EQ(j.at("final_url"), Url("/page/0"));
  EXPECT_EQ(j.at("redirects"), nlohmann::json::array({Url("/page/0")}));
  EXPECT_EQ(j.at("content_type"), "text/html; charset=utf-8");
  EXPECT_EQ(j.at("body"), testing::ArticleHtml(0));
}

TEST_F(FetchCommandTest, InputFileAndUsageErrors) {
  std::string path = ::testing::TempDir() + "/fetch_urls.txt";
  {
    std::ofstream out(path);
    out << "# comment\n\n" << Url("/page/3") << "\n  " << Url("/page/4", 1) << "  \n";
  }
  RunResult r = RunFetch(kFlags + "--input " + path);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(RunFetch(kFlags).exit_code, 2);                            // no URLs
  EXPECT_EQ(RunFetch("--per-host 0 " + Url("/page/1")).exit_code, 2);  // bad flag value
  EXPECT_EQ(RunFetch("--input /nonexistent/file").exit_code, 2);
}

}  // namespace
}  // namespace newscrawl
