// The real `newscrawl run` binary, started by PID: the sd_notify protocol on a NOTIFY_SOCKET of
// the test's own (READY, STATUS, WATCHDOG, RELOADING, STOPPING), SIGHUP reloads (a bad config is
// rejected and the old one kept), SIGTERM drains and exits 0, and SIGKILL at random moments with
// restarts loses nothing and repeats no change-feed event.
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/pipeline/crawl_checks.h"
#include "tests/pipeline/news_web.h"
#include "tests/support/child_process.h"

namespace newscrawl::testing {
namespace {

using namespace std::chrono_literals;

const std::string kBinary = std::string(NC_BINARY_DIR) + "/cli/newscrawl";

// A unix datagram socket the child's sd_notify() writes to.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    std::filesystem::remove(path_);
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path_.c_str());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << path_;
  }
  ~NotifySocket() {
    ::close(fd_);
    std::filesystem::remove(path_);
  }
  const std::string& path() const { return path_; }
  // Waits for a datagram containing `line` (e.g. "READY=1"); every datagram read is kept.
  bool WaitFor(const std::string& line, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      char buf[4096];
      timeval tv{0, 50'000};
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) continue;
      std::string datagram(buf, static_cast<size_t>(n));
      messages.push_back(datagram);
      std::istringstream lines(datagram);
      for (std::string l; std::getline(lines, l);)
        if (l == line) return true;
    }
    return false;
  }
  std::vector<std::string> messages;

 private:
  std::string path_;
  int fd_ = -1;
};

// Starts the binary with `env` added; stderr goes to `log_path`.
class DaemonBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("daemon_bin_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(std::filesystem::exists(kBinary)) << kBinary;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  void WriteConfig(const std::string& text) { std::ofstream(Path("newscrawl.yaml")) << text; }
  std::vector<std::string> Args() const {
    return {kBinary,      "run", "--config",        Path("newscrawl.yaml"),
            "--lease",    "1s",  "--drain-timeout", "3s",
            "--workers",  "2",   "--min-poll",      "300ms",
            "--max-poll", "2s"};
  }
  // New events in the store, read through a read-only follower (the daemon holds the lock).
  uint64_t StoredArticles() {
    store::StoreOptions options;
    options.read_only = true;
    auto store = store::Store::Open(Path("db"), options);
    if (!store.ok()) return 0;
    return CountNewEvents(**store);
  }
  bool WaitForArticles(uint64_t want, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (StoredArticles() >= want) return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  std::filesystem::path dir_;
};

TEST_F(DaemonBinaryTest, NotifyProtocolReloadAndDrain) {
  NewsWeb web(/*per_site=*/20, /*syndicate_every=*/10);
  WriteConfig(web.ConfigYaml(Path("db"), "10ms", NewsWeb::FreeBind()));
  NotifySocket notify(Path("notify.sock"));
  const std::string log = Path("daemon.log");
  pid_t pid = SpawnLogged(Args(), log, {"NOTIFY_SOCKET=" + notify.path(), "WATCHDOG_USEC=600000"});
  ASSERT_GT(pid, 0);
  ASSERT_TRUE(notify.WaitFor("READY=1", 30s)) << ReadFile(log);
  EXPECT_NE(notify.messages.back().find("STATUS="), std::string::npos) << notify.messages.back();
  // The watchdog is fed from the event loop (every WATCHDOG_USEC / 2).
  ASSERT_TRUE(notify.WaitFor("WATCHDOG=1", 5s)) << ReadFile(log);
  ASSERT_TRUE(WaitForArticles(10, 60s)) << ReadFile(log);

  // A good reload: RELOADING=1 then READY=1.
  ASSERT_EQ(::kill(pid, SIGHUP), 0);
  ASSERT_TRUE(notify.WaitFor("RELOADING=1", 10s)) << ReadFile(log);
  ASSERT_TRUE(notify.WaitFor("READY=1", 10s)) << ReadFile(log);

  // A bad config is rejected with its errors, the daemon keeps running on the old one.
  WriteConfig("storage_path: " + Path("db") + "\nsites:\n  - name: x\n    seedz: []\n");
  ASSERT_EQ(::kill(pid, SIGHUP), 0);
  ASSERT_TRUE(notify.WaitFor("RELOADING=1", 10s));
  ASSERT_TRUE(notify.WaitFor("READY=1", 10s));
  EXPECT_NE(ReadFile(log).find("reload rejected"), std::string::npos) << ReadFile(log);
  EXPECT_NE(ReadFile(log).find("seedz"), std::string::npos) << ReadFile(log);
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), 0) << "the daemon died on a bad reload";
  ASSERT_TRUE(WaitForArticles(web.Stories().size(), 60s)) << ReadFile(log);

  // SIGTERM: STOPPING=1, drain, exit 0.
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  ASSERT_TRUE(notify.WaitFor("STOPPING=1", 10s)) << ReadFile(log);
  int status = WaitExit(pid, 20s);
  ASSERT_TRUE(WIFEXITED(status)) << "status " << status << "\n" << ReadFile(log);
  EXPECT_EQ(WEXITSTATUS(status), 0) << ReadFile(log);
  auto store = store::Store::Open(Path("db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE(CrawlComplete(**store, web));
}

TEST_F(DaemonBinaryTest, BadConfigAtStartExitsOneWithTheError) {
  WriteConfig("storage_path: " + Path("db") + "\nsites: []\nbogus_key: 1\n");
  const std::string log = Path("daemon.log");
  pid_t pid = SpawnLogged(Args(), log);
  int status = WaitExit(pid, 30s);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  EXPECT_NE(ReadFile(log).find("bogus_key"), std::string::npos) << ReadFile(log);
}

TEST_F(DaemonBinaryTest, SigkillAtRandomMomentsLosesNothingAndRepeatsNothing) {
  NewsWeb web(/*per_site=*/100, /*syndicate_every=*/10);
  WriteConfig(web.ConfigYaml(Path("db"), "5ms", NewsWeb::FreeBind()));
  const std::string log = Path("daemon.log");
  const unsigned seed = std::random_device{}();
  std::mt19937 rng(seed);
  SCOPED_TRACE("seed " + std::to_string(seed));
  for (int round = 0; round < 4; ++round) {
    pid_t pid = SpawnLogged(Args(), log);
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(400 + rng() % 1600));
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    int status = WaitExit(pid, 10s);
    ASSERT_TRUE(WIFSIGNALED(status)) << "round " << round << " status " << status << "\n"
                                     << ReadFile(log);
    if (round == 1) web.Publish(5);  // new articles appear between crashes too
  }
  const uint64_t before_last_run = StoredArticles();
  pid_t pid = SpawnLogged(Args(), log);
  ASSERT_TRUE(WaitForArticles(web.Stories().size(), 90s))
      << "stored " << StoredArticles() << " of " << web.Stories().size() << "\n"
      << ReadFile(log);
  std::this_thread::sleep_for(1500ms);
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = WaitExit(pid, 20s);
  ASSERT_TRUE(WIFEXITED(status)) << ReadFile(log);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  auto store = store::Store::Open(Path("db"));
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_TRUE(CrawlComplete(**store, web));
  EXPECT_TRUE(NothingForbiddenRequested(web));
  RecordProperty("stored_before_last_run", std::to_string(before_last_run));
}

}  // namespace
}  // namespace newscrawl::testing
