// daemon_bench: the daemon in-process on the loopback news web (tests/pipeline/news_web.h).
//
//   daemon_bench throughput PER_SITE DIR   politeness off (no delay, robots not consulted, 8
//                                          connections per host): prints articles ingested per
//                                          second from start until every story is stored
//   daemon_bench frontier URLS DIR         puts URLS known article URLs into the frontier (most of
//                                          them due in an hour), then runs the daemon for 20 s
//                                          on the news web; prints the peak RSS of the process
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>

#include "bench/support/news_web_daemon.h"
#include "pipeline/daemon.h"
#include "tests/pipeline/news_web.h"

namespace {

using namespace std::chrono_literals;
using newscrawl::pipeline::Daemon;
using newscrawl::pipeline::DaemonOptions;

uint64_t NewEvents(const newscrawl::store::Store& store) {
  uint64_t n = 0;
  (void)store.ForEachChange(0, 0, [&](const newscrawl::store::ChangeEvent& e, std::string_view) {
    if (e.kind == newscrawl::store::EventKind::kNew) ++n;
    return true;
  });
  return n;
}

long PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

int Throughput(int per_site, const std::string& db) {
  std::filesystem::remove_all(db);
  newscrawl::testing::NewsWeb web(per_site, /*syndicate_every=*/0, /*server_threads=*/2);
  const uint64_t want = web.Stories().size();
  auto start = std::chrono::steady_clock::now();
  auto daemon = Daemon::Start(newscrawl::bench::NewsWebDaemonOptions(web, db, 8));
  if (!daemon.ok()) {
    std::fprintf(stderr, "%s\n", daemon.status().ToString().c_str());
    return 1;
  }
  uint64_t stored = 0;
  while ((stored = NewEvents(*(*daemon)->store())) < want &&
         std::chrono::steady_clock::now() - start < 300s)
    std::this_thread::sleep_for(20ms);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  (*daemon)->Stop(1s);
  std::printf("throughput: %llu articles in %.2f s = %.0f articles/s (peak RSS %ld MB)\n",
              static_cast<unsigned long long>(stored), seconds, stored / seconds, PeakRssMb());
  return stored == want ? 0 : 1;
}

int FrontierRss(long urls, const std::string& db) {
  newscrawl::testing::NewsWeb web(200, /*syndicate_every=*/0, /*server_threads=*/2);
  DaemonOptions options = newscrawl::bench::NewsWebDaemonOptions(web, db, 8);
  {
    // Populate through the daemon's own Frontier (same keys and values), in a separate store
    // session, then measure a fresh daemon process state from there.
    auto store = newscrawl::store::Store::Open(db);
    if (!store.ok()) {
      std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
      return 1;
    }
    newscrawl::pipeline::Frontier frontier(store->get(), 60000);
    const int64_t now = newscrawl::SystemClock().UnixNowMs();
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < urls; ++i) {
      newscrawl::pipeline::FrontierEntry e;
      e.url = web.Base(static_cast<int>(i % 3)) + "/news/s" + std::to_string(i % 3) + "-" +
              std::to_string(1000000 + i) + ".html";
      e.site = newscrawl::testing::NewsWeb::SiteName(static_cast<int>(i % 3));
      e.due_ms = now + 3600 * 1000 + i;
      e.discovered_ms = now;
      if (!frontier.Add(e).ok()) return 1;
    }
    std::printf("frontier: %ld URLs added in %.1f s\n", urls,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  const long rss_before = PeakRssMb();
  auto daemon = Daemon::Start(options);
  if (!daemon.ok()) {
    std::fprintf(stderr, "%s\n", daemon.status().ToString().c_str());
    return 1;
  }
  std::this_thread::sleep_for(20s);
  std::printf("frontier: daemon ran 20 s with %ld known URLs: %s\n", urls,
              (*daemon)->StatusLine().c_str());
  (*daemon)->Stop(1s);
  std::printf("frontier: peak RSS %ld MB (%ld MB after populating)\n", PeakRssMb(), rss_before);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: daemon_bench throughput PER_SITE DIR | frontier URLS DIR\n");
    return 2;
  }
  const std::string mode = argv[1];
  if (mode == "throughput") return Throughput(std::atoi(argv[2]), argv[3]);
  if (mode == "frontier") return FrontierRss(std::atol(argv[2]), argv[3]);
  return 2;
}
