// The daemon's systemd STATUS= line (shown by `systemctl status newscrawl`), documented in
// docs/operations.md ("Signals and the notify protocol"):
//
//   105 articles stored (3 duplicates), last seq 112; since start: 57 fetched, 2 failed,
//   4 in flight; 3 sites[; cluster: 5 routed, 2 received, 7 published, 1 claimed elsewhere,
//   0 deferred]
//
// (one line). The article counts and the seq are the store's totals, so they survive restarts;
// "since start" counts are this process's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace newscrawl::server {

struct StatusFacts {
  // The store's totals.
  uint64_t articles = 0;  // distinct canonical URLs, duplicates included
  uint64_t duplicates = 0;
  uint64_t last_seq = 0;
  // This process.
  uint64_t fetched = 0;
  uint64_t failed = 0;
  uint64_t in_flight = 0;
  size_t sites = 0;
  bool cluster = false;  // when set, the cluster counts below are appended
  uint64_t routed = 0, received = 0, published = 0, claimed_elsewhere = 0, deferred = 0;
};

std::string FormatStatusLine(const StatusFacts& facts);

}  // namespace newscrawl::server
