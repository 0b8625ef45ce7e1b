// The sd_notify wrappers against a NOTIFY_SOCKET of the test's own: an AF_UNIX datagram socket
// in a temporary directory, read back to check the exact messages.
#include "server/systemd_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace newscrawl::server {
namespace {

class NotifySocket {
 public:
  NotifySocket() {
    char dir_template[] = "/tmp/nc-notify-XXXXXX";
    dir_ = mkdtemp(dir_template);
    path_ = dir_ + "/notify.sock";
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path_.copy(address.sun_path, sizeof(address.sun_path) - 1);
    bound_ = bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
    timeval timeout{5, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~NotifySocket() {
    close(fd_);
    std::filesystem::remove_all(dir_);
  }
  bool bound() const { return bound_; }
  const std::string& path() const { return path_; }

  // The next datagram, or "<nothing>" after the 5 s receive timeout.
  std::string Receive() {
    char buffer[4096];
    ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    return n < 0 ? "<nothing>" : std::string(buffer, n);
  }
  // Whether a datagram is waiting (without blocking).
  bool Pending() {
    char byte;
    return recv(fd_, &byte, 1, MSG_DONTWAIT | MSG_PEEK) >= 0;
  }

 private:
  std::string dir_;
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

class SystemdNotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(socket_.bound());
    setenv("NOTIFY_SOCKET", socket_.path().c_str(), 1);
  }
  void TearDown() override {
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
  }
  NotifySocket socket_;
};

TEST_F(SystemdNotifyTest, SendsTheExactProtocolMessages) {
  EXPECT_TRUE(NotifySocketSet());
  ASSERT_TRUE(NotifyReady().ok());
  EXPECT_EQ(socket_.Receive(), "READY=1");
  ASSERT_TRUE(NotifyReady("crawling 3 sites").ok());
  EXPECT_EQ(socket_.Receive(), "READY=1\nSTATUS=crawling 3 sites");
  ASSERT_TRUE(NotifyStatus("42 articles, last seq 1234").ok());
  EXPECT_EQ(socket_.Receive(), "STATUS=42 articles, last seq 1234");
  ASSERT_TRUE(NotifyReloading().ok());
  EXPECT_EQ(socket_.Receive(), "RELOADING=1");
  ASSERT_TRUE(NotifyWatchdog().ok());
  EXPECT_EQ(socket_.Receive(), "WATCHDOG=1");
  ASSERT_TRUE(NotifyStopping().ok());
  EXPECT_EQ(socket_.Receive(), "STOPPING=1");
  EXPECT_FALSE(socket_.Pending());
}

TEST_F(SystemdNotifyTest, StatusCannotInjectAssignments) {
  ASSERT_TRUE(NotifyStatus("line one\nREADY=1\r\n").ok());
  EXPECT_EQ(socket_.Receive(), "STATUS=line one READY=1  ");
}

TEST_F(SystemdNotifyTest, NoOpWithoutNotifySocket) {
  unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(NotifySocketSet());
  EXPECT_TRUE(NotifyReady("x").ok());
  EXPECT_TRUE(NotifyWatchdog().ok());
  EXPECT_TRUE(NotifyStopping().ok());
  EXPECT_FALSE(socket_.Pending());
}

TEST_F(SystemdNotifyTest, UnreachableSocketIsAnIoError) {
  setenv("NOTIFY_SOCKET", "/nonexistent-dir/notify.sock", 1);
  Status status = NotifyReady();
  EXPECT_EQ(status.code(), StatusCode::kIoError);
  EXPECT_EQ(status.message().rfind("cannot notify systemd (READY=1): ", 0), 0u) << status.message();
}

TEST_F(SystemdNotifyTest, WatchdogIntervalFromEnvironment) {
  EXPECT_EQ(WatchdogInterval(), std::nullopt);
  setenv("WATCHDOG_USEC", "30000000", 1);
  setenv("WATCHDOG_PID", std::to_string(getpid()).c_str(), 1);
  EXPECT_EQ(WatchdogInterval(), std::chrono::microseconds(30000000));
  // Meant for another process (a child inherits the variables): off.
  setenv("WATCHDOG_PID", std::to_string(getpid() + 1).c_str(), 1);
  EXPECT_EQ(WatchdogInterval(), std::nullopt);
}

}  // namespace
}  // namespace newscrawl::server
