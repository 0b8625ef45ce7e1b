// test_server_main: TestServer as a process, for benchmarks and manual runs.
//   test_server_main [--ports N] [--threads T]
// Prints "PORTS p1 p2 ..." on one line of stdout once listening, serves StandardRoute() (with
// /robots.txt answering 404) until SIGINT or SIGTERM.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "tests/support/test_server.h"

int main(int argc, char** argv) {
  int ports = 1;
  int threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--ports") == 0)
      ports = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--threads") == 0)
      threads = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: %s [--ports N] [--threads T]\n", argv[0]);
      return 2;
    }
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // before the threads start: they inherit it
  auto server =
      newscrawl::testing::TestServer::Start(ports, newscrawl::testing::StandardRoute, threads);
  std::printf("PORTS");
  for (int i = 0; i < server->num_ports(); ++i) std::printf(" %u", server->port(i));
  std::printf("\n");
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  return 0;
}
