// fetch_soak: many fetches over many local hosts with injected faults, against test_server_main.
//   fetch_soak --ports p1,p2,... [--urls 20000] [--fault-percent 10] [--window 1000]
// Keeps at most --window URLs outstanding (a steady state, as a crawler would), samples the
// process RSS twice a second, and checks at the end that every URL got exactly one result and
// that each kind of URL got the outcome its fault must produce. Exit 0 when all is accounted for.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "crawler/fetcher.h"

using namespace newscrawl::crawler;
using Clock = std::chrono::steady_clock;

namespace {

struct Kind {
  const char* path;
  FetchOutcome expected;
};

// Fault paths of tests/support StandardRoute and what the fetcher must report for them.
const Kind kFaults[] = {
    {"/status/500", FetchOutcome::kHttp5xx},  {"/status/404", FetchOutcome::kHttp4xx},
    {"/reset", FetchOutcome::kNetwork},       {"/slow-headers/3000", FetchOutcome::kTimeout},
    {"/gzip-bomb", FetchOutcome::kTooLarge},  {"/endless", FetchOutcome::kOk},  // truncated
    {"/loop/a", FetchOutcome::kRedirectLoop}, {"/to-private", FetchOutcome::kRefusedPrivate},
    {"/status/503", FetchOutcome::kHttp5xx},  {"/redirect/2", FetchOutcome::kOk},
};

long RssKiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<int> ports;
  int total = 20000, fault_percent = 10;
  size_t window = 1000;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--ports") {
      std::stringstream list(argv[i + 1]);
      for (std::string p; std::getline(list, p, ',');) ports.push_back(std::atoi(p.c_str()));
    } else if (flag == "--urls") {
      total = std::atoi(argv[i + 1]);
    } else if (flag == "--fault-percent") {
      fault_percent = std::atoi(argv[i + 1]);
    } else if (flag == "--window") {
      window = static_cast<size_t>(std::atol(argv[i + 1]));
    } else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  if (ports.empty()) {
    std::fprintf(stderr, "usage: fetch_soak --ports p1,p2,... [--urls N] [--fault-percent P]\n");
    return 2;
  }

  FetcherOptions o;
  o.allow_loopback = true;
  o.respect_robots = true;  // robots.txt is 404 on the test server: fetched once per host
  o.min_host_delay = std::chrono::milliseconds(0);
  o.max_connections_per_host = 4;
  o.max_in_flight = 200;
  o.first_byte_timeout = std::chrono::milliseconds(1000);
  o.total_timeout = std::chrono::milliseconds(5000);
  o.max_body_bytes = 1024 * 1024;
  o.max_decoded_bytes = 1024 * 1024;
  o.max_retries = 1;
  o.backoff_base = std::chrono::milliseconds(10);
  o.backoff_max = std::chrono::milliseconds(50);
  o.circuit_breaker_failures = 1000000;  // faults are mixed with good pages: keep hosts open
  Fetcher fetcher(o);

  std::mutex mu;
  std::condition_variable cv;
  size_t outstanding = 0, done = 0, wrong = 0;
  std::map<std::string, size_t> outcomes;
  std::map<std::string, size_t> wrong_by_path;
  auto start = Clock::now();
  std::printf("%8s %10s %10s\n", "seconds", "completed", "rss_mib");
  std::atomic<bool> sampling{true};
  std::vector<long> samples;
  std::thread sampler([&] {
    while (sampling) {
      long rss = RssKiB();
      size_t completed;
      {
        std::lock_guard<std::mutex> lock(mu);
        completed = done;
        samples.push_back(rss);
      }
      double t = std::chrono::duration<double>(Clock::now() - start).count();
      std::printf("%8.1f %10zu %10.1f\n", t, completed, rss / 1024.0);
      std::fflush(stdout);
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });

  for (int i = 0; i < total; ++i) {
    int port = ports[static_cast<size_t>(i) % ports.size()];
    bool fault = (i * 7919 % 100) < fault_percent;  // spread evenly, deterministic
    const Kind page = {"/page/", FetchOutcome::kOk};
    const Kind& kind = fault ? kFaults[(i / 7) % (sizeof kFaults / sizeof kFaults[0])] : page;
    std::string url = "http://127.0.0.1:" + std::to_string(port) + kind.path;
    if (!fault) url += std::to_string(i);
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return outstanding < window; });
      ++outstanding;
    }
    fetcher.Fetch({url, "", ""}, [&, kind](FetchResult r) {
      std::lock_guard<std::mutex> lock(mu);
      --outstanding;
      ++done;
      ++outcomes[FetchOutcomeName(r.outcome)];
      if (r.outcome != kind.expected) {
        ++wrong;
        ++wrong_by_path[std::string(kind.path) + " -> " + FetchOutcomeName(r.outcome)];
      }
      cv.notify_all();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return outstanding == 0; });
  }
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  sampling = false;
  sampler.join();
  FetcherStats stats = fetcher.stats();

  std::printf("\nurls %d, results %zu, seconds %.1f, urls/s %.0f, transfers %llu\n", total, done,
              seconds, done / seconds, static_cast<unsigned long long>(stats.transfers));
  for (auto& [name, n] : outcomes) std::printf("  %-20s %zu\n", name.c_str(), n);
  for (auto& [what, n] : wrong_by_path) std::printf("  UNEXPECTED %s: %zu\n", what.c_str(), n);
  // RSS after warm-up: the samples of the second half vs the first quarter's peak.
  size_t n = samples.size();
  if (n >= 4) {
    long warm = *std::max_element(samples.begin(), samples.begin() + static_cast<long>(n / 4));
    long late_max = *std::max_element(samples.begin() + static_cast<long>(n / 2), samples.end());
    long late_min = *std::min_element(samples.begin() + static_cast<long>(n / 2), samples.end());
    std::printf("rss MiB: warm-up peak %.1f, second half min %.1f max %.1f (growth %+.1f)\n",
                warm / 1024.0, late_min / 1024.0, late_max / 1024.0, (late_max - warm) / 1024.0);
  }
  bool accounted = done == static_cast<size_t>(total) && stats.completed == stats.submitted;
  std::printf("every URL accounted for: %s; unexpected outcomes: %zu\n", accounted ? "yes" : "NO",
              wrong);
  return accounted && wrong == 0 ? 0 : 1;
}
