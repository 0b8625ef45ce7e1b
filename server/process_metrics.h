// The standard Prometheus process metrics and newscrawl_build_info, for `GET /metrics`.
//
// Registers, in `registry`:
//   process_start_time_seconds     gauge  unix time the process started (from /proc/self/stat)
//   process_resident_memory_bytes  gauge  resident set size
//   process_virtual_memory_bytes   gauge  virtual memory size
//   process_open_fds               gauge  open file descriptors
//   newscrawl_build_info{version,schema} gauge, always 1: the version of the binary and the
//                                  article schema it writes
// The values are read from /proc/self at every scrape (a collect hook). Call once per registry;
// thread-safe afterwards like the registry itself. On a system without /proc the process_*
// gauges stay 0 rather than failing the scrape.
#pragma once

#include <string>

#include "common/metrics.h"

namespace newscrawl::server {

void RegisterProcessMetrics(MetricsRegistry* registry, const std::string& version);

// What the collect hook reads; exposed for the test. Fields stay 0 when unreadable.
struct ProcessSample {
  double start_time_seconds = 0;
  double resident_memory_bytes = 0;
  double virtual_memory_bytes = 0;
  double open_fds = 0;
};
ProcessSample ReadProcessSample();

}  // namespace newscrawl::server
