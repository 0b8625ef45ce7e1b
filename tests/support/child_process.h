// Child processes for tests that run the real binaries (daemon, cluster): start one with its
// output in a log file, wait for it with a deadline, read what it wrote.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace newscrawl::testing {

// Starts args[0] (an absolute path) with `args`, stdout and stderr appended to `log_path`, and
// `env` ("NAME=value") added to the inherited environment. Returns the child's pid (-1 when fork
// fails); a child that cannot exec exits 127.
pid_t SpawnLogged(const std::vector<std::string>& args, const std::string& log_path,
                  const std::vector<std::string>& env = {});

// Waits for `pid` to exit and returns its wait status; after `timeout` it SIGKILLs and reaps it
// and returns -1.
int WaitExit(pid_t pid, std::chrono::milliseconds timeout);

// The whole content of `path` ("" when it cannot be read).
std::string ReadFile(const std::string& path);

}  // namespace newscrawl::testing
