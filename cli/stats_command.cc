// `newscrawl stats`: counts, sizes and the last seq of a store; --verify also checks every
// invariant (reads the whole store; exit 1 on a violation).
#include <cstdio>
#include <string>

#include "cli/command.h"
#include "cli/store_flag.h"
#include "store/store.h"

namespace newscrawl::cli {
namespace {

struct StatsFlags {
  std::string db;
  bool verify = false;
};

int RunStats(const StatsFlags& flags) {
  const std::string path = ResolveStorePath(flags.db, "stats");
  if (path.empty()) return kExitUsage;
  store::StoreOptions options;
  options.create_if_missing = false;
  options.read_only = true;
  options.cache_bytes = 16u << 20;
  auto opened = store::Store::Open(path, options);
  if (!opened.ok()) {
    std::fprintf(stderr, "newscrawl stats: %s\n", opened.status().message().c_str());
    return kExitFailure;
  }
  auto stats = opened.value()->Stats();
  if (!stats.ok()) {
    std::fprintf(stderr, "newscrawl stats: %s\n", stats.status().message().c_str());
    return kExitFailure;
  }
  std::printf("store: %s (format version %d)\n", path.c_str(), store::kFormatVersion);
  std::printf("last_seq: %llu\n", static_cast<unsigned long long>(stats->last_seq));
  std::printf("articles: %llu\n", static_cast<unsigned long long>(stats->counters.articles));
  std::printf("duplicates: %llu\n", static_cast<unsigned long long>(stats->counters.duplicates));
  std::printf("versions: %llu\n", static_cast<unsigned long long>(stats->counters.versions));
  std::printf("total_bytes: %llu\n", static_cast<unsigned long long>(stats->total_bytes));
  for (const auto& cf : stats->column_families)
    std::printf("cf %-11s bytes: %llu, keys (estimate): %llu\n", cf.name.c_str(),
                static_cast<unsigned long long>(cf.bytes),
                static_cast<unsigned long long>(cf.estimated_keys));
  if (flags.verify) {
    Status ok = opened.value()->Verify();
    std::printf("verify: %s\n", ok.ok() ? "ok" : ok.message().c_str());
    if (!ok.ok()) return kExitFailure;
  }
  return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
}

CommandRunner SetupStats(CLI::App& sub) {
  auto flags = std::make_shared<StatsFlags>();
  AddStoreFlag(sub, &flags->db);
  sub.add_flag("--verify", flags->verify, "Also check every invariant of the store (slow)");
  return [flags] { return RunStats(*flags); };
}

}  // namespace
}  // namespace newscrawl::cli

NC_REGISTER_COMMAND(stats, "stats", "Counts, sizes and the last seq of a store",
                    newscrawl::cli::SetupStats);
