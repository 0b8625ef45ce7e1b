// `newscrawl extract --warc` and `newscrawl fetch --warc` end to end: the binary against the
// loopback TestServer, GNU wget as an independent writer, warcio.js (node) as an independent
// reader, damaged files, and SIGKILL while writing.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/test_server.h"
#include "tests/warc/warc_test_util.h"

namespace newscrawl::warc {
namespace {

namespace fs = std::filesystem;
using testing::StandardRoute;
using testing::TestServer;

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  std::vector<nlohmann::json> lines;
};

const std::string kBinary = std::string(NC_BINARY_DIR) + "/cli/newscrawl";
const std::string kWarcio = std::string(NC_SOURCE_DIR) + "/.cache/node/node_modules/warcio";

RunResult RunCommand(const std::string& command, const std::string& scratch) {
  RunResult result;
  const std::string err_path = scratch + "/stderr.txt";
  FILE* pipe = popen((command + " 2>" + err_path).c_str(), "r");
  if (!pipe) return result;
  char buffer[65536];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.out.append(buffer, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.err = testing::ReadFile(err_path);
  std::istringstream in(result.out);
  for (std::string line; std::getline(in, line);) {
    result.lines.push_back(nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false));
  }
  return result;
}

// Article records by URL, without what differs between two fetches of the same page.
std::map<std::string, nlohmann::json> ByUrl(const std::vector<nlohmann::json>& lines) {
  std::map<std::string, nlohmann::json> by_url;
  for (nlohmann::json j : lines) {
    if (!j.is_object() || !j.contains("schema")) continue;
    j.erase("fetched_at");
    by_url[j.at("url").get<std::string>()] = j;
  }
  return by_url;
}

class WarcCliTest : public ::testing::Test {
 protected:
  void SetUp() override { server_ = TestServer::Start(1, StandardRoute); }
  std::string Url(const std::string& path) { return server_->BaseUrl(0) + path; }
  std::string Urls(const std::vector<std::string>& paths) {
    std::string s;
    for (const std::string& p : paths) s += " " + Url(p);
    return s;
  }
  RunResult Newscrawl(const std::string& args) {
    return RunCommand(kBinary + " " + args, dir_.path());
  }
  const std::string kFetchFlags = "fetch --allow-private --delay 0 --timeout 5 --retries 0 ";
  std::unique_ptr<TestServer> server_;
  TempDir dir_;
};

TEST_F(WarcCliTest, AWgetWarcGivesTheSameRecordsAsFetch) {
  const std::vector<std::string> html = {"/page/1", "/page/2", "/gzip", "/latin1-header",
                                         "/no-content-type"};
  const std::string warc = dir_.path() + "/wget";
  RunResult wget =
      RunCommand("wget --quiet --no-warc-keep-log -e robots=off -O /dev/null --warc-file=" + warc +
                     Urls(html) + Urls({"/status/404", "/endless-nope"}),
                 dir_.path());
  ASSERT_TRUE(fs::exists(warc + ".warc.gz")) << "wget failed: " << wget.err;

  RunResult imported = Newscrawl("extract --warc " + warc + ".warc.gz");
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  RunResult fetched = Newscrawl(kFetchFlags + Urls(html));
  EXPECT_EQ(fetched.exit_code, 0) << fetched.err;
  std::map<std::string, nlohmann::json> from_warc = ByUrl(imported.lines);
  std::map<std::string, nlohmann::json> from_fetch = ByUrl(fetched.lines);
  ASSERT_EQ(from_warc.size(), html.size()) << imported.out << imported.err;
  for (const std::string& path : html) {
    SCOPED_TRACE(path);
    ASSERT_TRUE(from_fetch.count(Url(path)));
    ASSERT_TRUE(from_warc.count(Url(path)));
    EXPECT_EQ(from_warc[Url(path)], from_fetch[Url(path)]);
  }
  // The two 404s, the request records and wget's warcinfo are counted, not printed.
  EXPECT_NE(imported.err.find("non_2xx 2"), std::string::npos) << imported.err;
  EXPECT_NE(imported.err.find("request 7"), std::string::npos) << imported.err;
  EXPECT_NE(imported.err.find("warcinfo 1"), std::string::npos) << imported.err;
  EXPECT_NE(imported.err.find("0 damaged"), std::string::npos) << imported.err;
}

TEST_F(WarcCliTest, FetchWarcPassesWarcioAndRebuildsTheArticlesInAStore) {
  const std::vector<std::string> paths = {"/page/1", "/page/2", "/page/3", "/gzip", "/status/404"};
  const std::string warc = dir_.path() + "/fetch.warc.gz";
  RunResult fetched =
      Newscrawl(kFetchFlags + "--warc " + warc + " --db " + dir_.path() + "/db1" + Urls(paths));
  EXPECT_EQ(fetched.exit_code, 1) << fetched.err;  // the 404
  ASSERT_TRUE(fs::exists(warc)) << fetched.err;
  EXPECT_FALSE(fs::exists(warc + ".open"));

  if (!fs::exists(kWarcio)) {
    // CI runs scripts/install-deps.sh first, so there a missing reader is a failure, not a skip.
    if (std::getenv("CI") != nullptr) FAIL() << "warcio.js missing under .cache/node";
    GTEST_SKIP() << "warcio.js is not installed under .cache/node: run scripts/install-deps.sh";
  }
  RunResult check = RunCommand(
      "node " + std::string(NC_SOURCE_DIR) + "/tests/warc/warcio_check.cjs " + kWarcio + " " + warc,
      dir_.path());
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  nlohmann::json report = nlohmann::json::parse(check.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << check.out << check.err;
  // The five URLs and the robots.txt the fetcher read first (a 404 here), each a request and a
  // response.
  EXPECT_EQ(report["records"], 13);
  EXPECT_EQ(report["types"]["warcinfo"], 1);
  EXPECT_EQ(report["types"]["request"], 6);
  EXPECT_EQ(report["types"]["response"], 6);

  const std::string db2 = dir_.path() + "/db2";
  RunResult imported = Newscrawl("extract --warc " + warc + " --db " + db2);
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  std::map<std::string, nlohmann::json> original = ByUrl(fetched.lines);
  std::map<std::string, nlohmann::json> rebuilt = ByUrl(imported.lines);
  ASSERT_EQ(rebuilt.size(), 4u) << imported.out;
  for (auto& [url, record] : original) {
    SCOPED_TRACE(url);
    ASSERT_TRUE(rebuilt.count(url));
    for (const char* field : {"id", "title", "text", "content_hash", "simhash", "version"}) {
      EXPECT_EQ(rebuilt[url][field], record[field]) << field;
    }
  }
  EXPECT_NE(imported.err.find("(4 stored)"), std::string::npos) << imported.err;
  RunResult again = Newscrawl("extract --warc " + warc + " --db " + db2);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("(0 stored)"), std::string::npos) << again.err;
}

std::string HtmlResponseBlock(int n) {
  const std::string body = testing::ArticleHtml(n);
  return "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST_F(WarcCliTest, DamagedRecordsAreReportedAsFileColonOffsetAndExitOne) {
  const std::string first =
      testing::Gzip(RecordText("response", "http://a.test/1", HtmlResponseBlock(1)));
  const std::string wrong_length = testing::Gzip(
      RecordText("response", "http://a.test/2", HtmlResponseBlock(2), /*length_delta=*/5));
  const std::string garbage = "this is not gzip";
  const std::string last =
      testing::Gzip(RecordText("response", "http://a.test/3", HtmlResponseBlock(3)));
  const std::string cut = last.substr(0, last.size() / 2);
  const std::string path = dir_.path() + "/damaged.warc.gz";
  std::ofstream(path, std::ios::binary) << first + wrong_length + garbage + last + cut;

  RunResult r = Newscrawl("extract --warc " + path);
  EXPECT_EQ(r.exit_code, 1);
  std::map<std::string, nlohmann::json> records = ByUrl(r.lines);
  EXPECT_EQ(records.size(), 2u) << r.out;
  EXPECT_TRUE(records.count("http://a.test/1"));
  EXPECT_TRUE(records.count("http://a.test/3"));
  const size_t garbage_at = first.size() + wrong_length.size();
  const size_t cut_at = garbage_at + garbage.size() + last.size();
  EXPECT_NE(r.err.find(path + ":" + std::to_string(first.size()) + ": wrong Content-Length"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(path + ":" + std::to_string(garbage_at) + ": garbage between records"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(path + ":" + std::to_string(cut_at) + ": truncated gzip member"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("3 damaged"), std::string::npos) << r.err;
}

TEST_F(WarcCliTest, SigkillWhileWritingLeavesNoHalfFileUnderTheFinalName) {
  const std::string warc = dir_.path() + "/killed.warc.gz";
  std::vector<std::string> args = {kBinary,      "fetch", "--allow-private", "--delay", "0",
                                   "--per-host", "4",     "--warc",          warc};
  for (int i = 0; i < 40; ++i) args.push_back(Url("/slow-body/50?n=" + std::to_string(i)));
  pid_t pid = testing::SpawnLogged(args, dir_.path() + "/fetch.log");
  ASSERT_GT(pid, 0);
  // Wait until some fetches are in the file (warcinfo alone is < 1 KB), then kill.
  auto written = [&] {
    std::error_code ec;
    uintmax_t size = fs::file_size(warc + ".open", ec);
    return ec ? 0 : size;
  };
  for (int i = 0; i < 800 && written() < 6000; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ASSERT_GE(written(), 6000u) << testing::ReadFile(dir_.path() + "/fetch.log");
  kill(pid, SIGKILL);
  testing::WaitExit(pid, std::chrono::seconds(10));
  EXPECT_FALSE(fs::exists(warc));
  ASSERT_TRUE(fs::exists(warc + ".open"));
  // Make sure the tail is a torn record, whatever the kill hit.
  const std::string torn = testing::Gzip(RecordText("response", "http://a.test/", "torn"));
  std::ofstream(warc + ".open", std::ios::app | std::ios::binary) << torn.substr(0, 20);

  // The next run under the same name closes the unfinished file and does not overwrite it.
  RunResult next = Newscrawl(kFetchFlags + "--warc " + warc + " " + Url("/page/1"));
  EXPECT_EQ(next.exit_code, 2);
  EXPECT_NE(next.err.find("closed from an interrupted run"), std::string::npos) << next.err;
  EXPECT_TRUE(fs::exists(warc));
  EXPECT_FALSE(fs::exists(warc + ".open"));
  RunResult imported = Newscrawl("extract --warc " + warc);
  EXPECT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.err.find("0 damaged"), std::string::npos) << imported.err;
  EXPECT_GE(imported.lines.size(), 2u);
}

}  // namespace
}  // namespace newscrawl::warc

namespace newscrawl::warc {
namespace {

TEST_F(WarcCliTest, MatchKeepsOnlyMatchingUrlsAndStdinIsRead) {
  std::string bytes;
  for (int i = 1; i <= 3; ++i) {
    bytes += testing::Gzip(
        RecordText("response", "http://a.test/news/" + std::to_string(i), HtmlResponseBlock(i)));
  }
  bytes += testing::Gzip(RecordText("response", "http://b.test/other", HtmlResponseBlock(4)));
  const std::string path = dir_.path() + "/four.warc.gz";
  std::ofstream(path, std::ios::binary) << bytes;

  RunResult matched =
      Newscrawl("extract --warc " + path + " --match 'regex:news/[12]$' --match '*://b.test/*'");
  EXPECT_EQ(matched.exit_code, 0) << matched.err;
  std::map<std::string, nlohmann::json> records = ByUrl(matched.lines);
  EXPECT_EQ(records.size(), 3u) << matched.out;
  EXPECT_FALSE(records.count("http://a.test/news/3"));
  EXPECT_NE(matched.err.find("unmatched 1"), std::string::npos) << matched.err;

  RunResult piped = RunCommand("cat " + path + " | " + kBinary + " extract --warc -", dir_.path());
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(ByUrl(piped.lines).size(), 4u) << piped.err;

  RunResult bad = Newscrawl("extract --warc " + path + " --match 'regex:('");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--match regex:("), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace newscrawl::warc
