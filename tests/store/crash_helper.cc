// store_crash_helper DIR ROUND: ingests articles into the store at DIR forever from two threads
// (new articles, versions, exact duplicates, identical re-ingests) until it is killed. After every
// ingest that Ingest reports as written it prints "<seq>\n" to stdout (unbuffered), so the crash
// test knows what must have survived. Exit code 1 (and a message on stderr) when anything fails.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>

#include "store/store.h"
#include "tests/store/test_util.h"

using newscrawl::store::EventKind;
using newscrawl::store::Store;
using newscrawl::store::testing::MakeArticle;
using newscrawl::store::testing::MakeText;

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: store_crash_helper DIR ROUND\n");
    return 2;
  }
  const std::string round = argv[2];
  auto store = Store::Open(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  // Two ingest threads, so that kills also land between the decisions and the group writes
  // of the ingest pipeline; both write versions of the same shared stories.
  auto ingest = [&](int thread) {
    std::mt19937_64 rng(std::stoull(round) * 7919 + 17 + thread);
    const std::string prefix = "https://crash.example/r" + round + "t" + std::to_string(thread);
    for (uint64_t i = 0;; ++i) {
      std::string url = prefix + "/" + std::to_string(i);
      uint64_t text_seed = std::stoull(round) * 1000000 + thread * 500000 + i;
      switch (rng() % 10) {
        case 0:
        case 1:  // a version (or an identical re-ingest) of a story shared by every round
          url = "https://crash.example/shared/" + std::to_string(rng() % 20);
          text_seed = rng() % 3;
          break;
        case 2:  // an exact duplicate of an earlier story of this round
          if (i > 0) text_seed = std::stoull(round) * 1000000 + thread * 500000 + rng() % i;
          break;
        default:
          break;
      }
      auto r = store.value()->Ingest(MakeArticle(url, MakeText(text_seed, 3)));
      if (!r.ok()) {
        std::fprintf(stderr, "ingest: %s\n", r.status().ToString().c_str());
        std::exit(1);
      }
      if (r->event != EventKind::kNone) {
        std::string line = std::to_string(r->record.seq) + "\n";
        if (write(STDOUT_FILENO, line.data(), line.size()) < 0) std::exit(1);
      }
    }
  };
  std::thread second(ingest, 1);
  ingest(0);
  second.join();
}
