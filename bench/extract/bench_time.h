// Timing helpers shared by the extraction benchmarks (extract_speed, extract_adversarial).
#pragma once

#include <time.h>

#include <algorithm>
#include <vector>

namespace newscrawl::bench {

// CPU time of the calling thread, in seconds: meaningful on a shared, loaded machine.
inline double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// The middle value of a non-empty set of measurements.
inline double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace newscrawl::bench
