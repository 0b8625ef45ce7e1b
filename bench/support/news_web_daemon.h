// The daemon as the benchmarks run it on the loopback news web (tests/pipeline/news_web.h):
// politeness off (no delay, no robots.txt), several connections per host, short poll intervals.
// Header-only: each benchmark compiles news_web.cc itself.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "config/config.h"
#include "pipeline/daemon.h"
#include "tests/pipeline/news_web.h"

namespace newscrawl::bench {

// Options for a daemon crawling `web` into the store at `db` with `connections` per host.
// `agent_tag`, when not empty, is appended to the User-Agent ("newscrawl-test/0.1 (tag)") so the
// server's request log tells instances apart. Exits the process when the config does not load
// (a benchmark set-up error, not a figure).
inline pipeline::DaemonOptions NewsWebDaemonOptions(const testing::NewsWeb& web,
                                                    const std::string& db, int connections,
                                                    const std::string& agent_tag = "") {
  using namespace std::chrono_literals;
  std::string yaml = web.ConfigYaml(db, "0ms", testing::NewsWeb::FreeBind());
  const std::string key = "per_host_connections: 1";
  yaml.replace(yaml.find(key), key.size(), "per_host_connections: " + std::to_string(connections));
  if (!agent_tag.empty()) {
    const std::string ua = "newscrawl-test/0.1";
    yaml.replace(yaml.find(ua), ua.size(), ua + " (" + agent_tag + ")");
  }
  auto config = LoadConfigString(yaml, "bench.yaml");
  if (!config.ok()) {
    std::fprintf(stderr, "%s\n", config.status().ToString().c_str());
    std::exit(1);
  }
  pipeline::DaemonOptions options;
  options.config = *config;
  for (auto& site : options.config.sites) {
    site.min_poll_interval = 300ms;
    site.max_poll_interval = 2s;
  }
  options.workers = 2;
  options.tick = 5ms;
  options.respect_robots = false;
  options.max_outstanding_per_host = 64;
  return options;
}

}  // namespace newscrawl::bench
