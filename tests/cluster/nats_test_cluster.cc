#include "tests/cluster/nats_test_cluster.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>

namespace newscrawl::cluster::testing {

namespace {
const char* Script() { return NC_SOURCE_DIR "/scripts/nats-cluster.sh"; }
}  // namespace

NatsTestCluster::~NatsTestCluster() { Stop(); }

Status NatsTestCluster::Run(const std::string& args, std::string* output) {
  std::string command = std::string(Script()) + " " + args + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return Status::IoError("cannot run " + command);
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  int rc = pclose(pipe.release());
  if (output != nullptr) *output = out;
  if (rc != 0) return Status::Unavailable(command + " failed (" + std::to_string(rc) + "): " + out);
  return Status::Ok();
}

Status NatsTestCluster::Start() {
  // Free ports are picked by the script, and another process may bind one before the node does
  // ("address already in use"): the script then kills its nodes, and we try again with new ports.
  std::string out;
  Status s;
  for (int attempt = 0; attempt < 3; ++attempt) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "nc-nats-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) return Status::IoError("mkdtemp failed");
    dir_ = tmpl;
    s = Run("start " + dir_, &out);
    if (s.ok()) break;
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
  if (!s.ok()) return s;
  // The last line is "nats://...,nats://...,nats://...".
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  std::string line = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
  urls_.clear();
  size_t start = 0;
  while (start <= line.size()) {
    size_t comma = line.find(',', start);
    urls_.push_back(line.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (urls_.size() != 3) return Status::Internal("unexpected output of nats-cluster.sh: " + out);
  int fds[2];
  // O_CLOEXEC: the nodes started later (StartNode) must not inherit the write end.
  if (pipe2(fds, O_CLOEXEC) == 0) {
    const std::string script = Script();
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[1]);
      char c;
      while (read(fds[0], &c, 1) > 0) {
      }
      const std::string command = "'" + script + "' stop '" + dir_ + "'; rm -rf '" + dir_ + "'";
      execl("/bin/bash", "bash", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(0);
    }
    close(fds[0]);
    if (pid > 0) {
      watchdog_fd_ = fds[1];
      watchdog_pid_ = pid;
    } else {
      close(fds[1]);
    }
  }
  return Status::Ok();
}

void NatsTestCluster::Stop() {
  if (dir_.empty()) return;
  (void)Run("stop " + dir_);
  if (watchdog_fd_ >= 0) {
    close(watchdog_fd_);  // the watchdog runs "stop" once more (a no-op) and exits
    waitpid(watchdog_pid_, nullptr, 0);
    watchdog_fd_ = watchdog_pid_ = -1;
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
  dir_.clear();
}

Status NatsTestCluster::KillNode(int n) {
  return Run("kill-node " + dir_ + " " + std::to_string(n));
}

Status NatsTestCluster::StartNode(int n) {
  return Run("start-node " + dir_ + " " + std::to_string(n));
}

}  // namespace newscrawl::cluster::testing
