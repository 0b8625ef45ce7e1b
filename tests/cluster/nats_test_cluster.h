// A real 3-node NATS JetStream cluster for tests: scripts/nats-cluster.sh started in a fresh
// temporary directory on free loopback ports (readiness: every node's /healthz), stopped by PID.
// Also used by the end-to-end test of the daemon (tests/cluster/).
#pragma once

#include <string>
#include <vector>

#include "common/status.h"

namespace newscrawl::cluster::testing {

class NatsTestCluster {
 public:
  NatsTestCluster() = default;
  ~NatsTestCluster();  // Stop()
  NatsTestCluster(const NatsTestCluster&) = delete;
  NatsTestCluster& operator=(const NatsTestCluster&) = delete;

  // Starts the 3 nodes (about 1 s); fails with the script's output when they do not get healthy.
  Status Start();
  // Stops every node by PID and removes the directory. Idempotent. If the test process dies
  // before, a watchdog process stops the nodes.
  void Stop();
  // SIGKILLs node n (1..3) / starts it again on the same ports and data (waits for /healthz).
  Status KillNode(int n);
  Status StartNode(int n);

  // Client URLs of the three nodes ("nats://127.0.0.1:PORT").
  const std::vector<std::string>& urls() const { return urls_; }
  const std::string& dir() const { return dir_; }

 private:
  Status Run(const std::string& args, std::string* output = nullptr);

  std::string dir_;
  std::vector<std::string> urls_;
  // A watchdog child stops the nodes when this process dies without Stop() (a crash, an ASan
  // abort): it waits for EOF on a pipe whose write end only this process holds.
  int watchdog_fd_ = -1;
  int watchdog_pid_ = -1;
};

}  // namespace newscrawl::cluster::testing
