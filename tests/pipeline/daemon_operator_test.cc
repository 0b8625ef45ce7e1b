// What an operator sees of the real `newscrawl run` binary: one log line per failed fetch with
// its cause (hosts that refuse, time out and answer 404), in the journal format when
// JOURNAL_STREAM names stderr; and a /metrics that `promtool check metrics` accepts, fresh and
// after a crawl, with every family exported from the start.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/pipeline/news_web.h"
#include "tests/support/child_process.h"
#include "tests/support/test_server.h"

namespace newscrawl::testing {
namespace {

using namespace std::chrono_literals;

const std::string kBinary = std::string(NC_BINARY_DIR) + "/cli/newscrawl";

// Runs `command` through the shell; returns its exit status and stdout (+ stderr when the
// command redirects it).
int Shell(const std::string& command, std::string* output) {
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return -1;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output->append(buffer, n);
  int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

class DaemonOperatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("daemon_op_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(std::filesystem::exists(kBinary)) << kBinary;
  }
  void TearDown() override {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      WaitExit(pid_, 20s);
    }
    std::filesystem::remove_all(dir_);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  // Starts the daemon on `config` with stderr in daemon.log; with `journal`, JOURNAL_STREAM names
  // that file, as systemd does for a service's stderr.
  void Start(const std::string& config, bool journal) {
    std::ofstream(Path("newscrawl.yaml")) << config;
    std::ofstream(log_path_ = Path("daemon.log")).flush();  // exists, so it can be stat'ed
    std::vector<std::string> env;
    if (journal) {
      struct stat st {};
      ASSERT_EQ(::stat(log_path_.c_str(), &st), 0);
      env.push_back("JOURNAL_STREAM=" + std::to_string(st.st_dev) + ":" +
                    std::to_string(st.st_ino));
    }
    pid_ = SpawnLogged({kBinary, "run", "--config", Path("newscrawl.yaml"), "--min-poll", "300ms",
                        "--max-poll", "2s", "--workers", "2", "--drain-timeout", "2s"},
                       log_path_, env);
    ASSERT_GT(pid_, 0);
  }
  // Waits until the log holds every one of `needles`.
  bool WaitForLog(const std::vector<std::string>& needles, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      std::string log = ReadFile(log_path_);
      bool all = true;
      for (const auto& n : needles) all = all && log.find(n) != std::string::npos;
      if (all) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }
  // GET /metrics (waits for the API to answer).
  std::string Metrics(const std::string& bind) {
    for (int i = 0; i < 300; ++i) {
      std::string body;
      if (Shell("curl -sf http://" + bind + "/metrics", &body) == 0 && !body.empty()) return body;
      std::this_thread::sleep_for(100ms);
    }
    return "";
  }
  // `promtool check metrics` on `text`: "" when clean, else what promtool said.
  std::string PromtoolProblems(const std::string& text) {
    const std::string file = Path("metrics.txt");
    std::ofstream(file) << text;
    std::string output;
    int rc = Shell("promtool check metrics < " + file + " 2>&1", &output);
    if (rc == 0) return "";
    return "promtool exit " + std::to_string(rc) + ": " + output;
  }

  std::filesystem::path dir_;
  std::string log_path_;
  pid_t pid_ = -1;
};

TEST_F(DaemonOperatorTest, EveryFailedFetchIsOneJournalLineWithItsCause) {
  // Host 0 answers 404 to everything (robots.txt too: allowed); host 1 answers robots.txt with
  // 404 and everything else after 30 s; the refusing host is a port nobody listens on.
  auto server = TestServer::Start(2, [](const TestRequest& request) {
    TestResponse response = StandardRoute(request);  // 404 for the paths used here
    if (request.host == 1 && request.path() != "/robots.txt") response.header_delay = 30s;
    return response;
  });
  const RefusingPort refusing_port;
  const std::string refusing = refusing_port.Url();
  const std::string not_found = server->BaseUrl(0), slow = server->BaseUrl(1);
  const std::string bind = NewsWeb::FreeBind();
  Start("storage_path: " + Path("db") +
            "\nlog_level: warn\nallow_private_addresses: true\n"
            "http_api:\n  bind: \"" +
            bind +
            "\"\n"
            "politeness:\n  min_delay: 10ms\n  max_retries: 0\n"
            "limits:\n  connect_timeout: 1s\n  first_byte_timeout: 1s\n  total_timeout: 2s\n"
            "sites:\n"
            "  - name: gone\n    seeds:\n      - feed: " +
            not_found + "/rss.xml\n" + "  - name: slow\n    seeds:\n      - feed: " + slow +
            "/rss.xml\n" + "  - name: down\n    seeds:\n      - feed: " + refusing + "/rss.xml\n",
        /*journal=*/true);
  const std::vector<std::string> want = {
      "<4>fetch failed: " + not_found + ": " + not_found + "/rss.xml: http_4xx: HTTP 404",
      "<4>fetch failed: " + slow + ": " + slow + "/rss.xml: timeout: ",
      "<4>fetch failed: " + refusing + ": " + refusing + "/rss.xml: robots_unavailable: ",
  };
  ASSERT_TRUE(WaitForLog(want, 20s)) << ReadFile(log_path_);
  const std::string log = ReadFile(log_path_);
  // The refused connection is named as the cause (curl's words), the site and kind too.
  EXPECT_NE(log.find("Couldn't connect to server"), std::string::npos) << log;
  EXPECT_NE(log.find("(site gone, feed, 1 attempt)"), std::string::npos) << log;
  // Journal format: every line starts with a priority (so no timestamp of our own), no colour.
  std::istringstream lines(log);
  for (std::string line; std::getline(lines, line);) {
    ASSERT_GE(line.size(), 3u);
    EXPECT_EQ(line[0], '<') << line;
    EXPECT_EQ(line[2], '>') << line;
    EXPECT_EQ(line.find('\033'), std::string::npos) << line;
  }
}

TEST_F(DaemonOperatorTest, MetricsPassPromtoolFreshAndAfterACrawl) {
  NewsWeb web(/*per_site=*/10, /*syndicate_every=*/5);
  const std::string bind = NewsWeb::FreeBind();
  Start(web.ConfigYaml(Path("db"), "10ms", bind), /*journal=*/false);
  const std::string fresh = Metrics(bind);
  ASSERT_FALSE(fresh.empty()) << ReadFile(log_path_);
  EXPECT_EQ(PromtoolProblems(fresh), "") << fresh;
  // Every family from the start, with its zero series.
  for (const char* series : {"newscrawl_dead_sources{site=\"alpha\"} 0\n",
                             "newscrawl_extraction_failures_total{reason=\"unreadable\"} 0\n",
                             "newscrawl_fetches_total{outcome=\"timeout\"} 0\n",
                             "newscrawl_robots_decisions_total{decision=\"unavailable\"} 0\n",
                             "newscrawl_articles_stored_total{event=\"duplicate\",site=\"gamma\"} ",
                             "newscrawl_build_info{schema=\"1\",version=\"",
                             "process_resident_memory_bytes ", "process_start_time_seconds "})
    EXPECT_NE(fresh.find(series), std::string::npos) << series << "\n" << fresh;

  std::string crawled;
  for (int i = 0; i < 300; ++i) {
    crawled = Metrics(bind);
    if (crawled.find("newscrawl_articles_stored_total{event=\"new\",site=\"alpha\"} 0\n") ==
        std::string::npos)
      break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(crawled.find("newscrawl_articles_stored_total{event=\"new\",site=\"alpha\"} 0\n"),
            std::string::npos)
      << "nothing crawled\n"
      << ReadFile(log_path_);
  EXPECT_EQ(PromtoolProblems(crawled), "") << crawled;
}

}  // namespace
}  // namespace newscrawl::testing
