// `newscrawl get URL|ID`: prints the stored record of one article (its latest version, or
// --version N) as one line of JSON. Exit 1 when it is not stored.
#include <cstdio>
#include <string>

#include "cli/command.h"
#include "cli/store_flag.h"
#include "store/keys.h"
#include "store/store.h"

namespace newscrawl::cli {
namespace {

struct GetFlags {
  std::string db;
  std::string what;
  uint32_t version = 0;
};

int RunGet(const GetFlags& flags) {
  const std::string path = ResolveStorePath(flags.db, "get");
  if (path.empty()) return kExitUsage;
  store::StoreOptions options;
  options.create_if_missing = false;
  options.read_only = true;  // never takes the lock: works next to a running daemon
  options.cache_bytes = 16u << 20;
  auto opened = store::Store::Open(path, options);
  if (!opened.ok()) {
    std::fprintf(stderr, "newscrawl get: %s\n", opened.status().message().c_str());
    return kExitFailure;
  }
  const store::Store& store = *opened.value();
  const bool is_id = store::EncodeId(flags.what).ok();
  Result<Article> latest = is_id ? store.GetById(flags.what) : store.GetByUrl(flags.what);
  if (!latest.ok()) {
    std::fprintf(stderr, "newscrawl get: %s\n", latest.status().message().c_str());
    return latest.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  std::string line;
  if (flags.version == 0 || flags.version == latest->version) {
    line = ArticleToJson(*latest);
  } else {
    auto json = store.GetRecordJson(latest->id, flags.version);
    if (!json.ok()) {
      std::fprintf(stderr, "newscrawl get: %s\n", json.status().message().c_str());
      return kExitFailure;
    }
    line = json.value();
  }
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
}

CommandRunner SetupGet(CLI::App& sub) {
  auto flags = std::make_shared<GetFlags>();
  AddStoreFlag(sub, &flags->db);
  sub.add_option("what", flags->what, "Article URL (canonicalised) or 16-hex-digit id")->required();
  sub.add_option("--version", flags->version, "A stored version instead of the latest");
  return [flags] { return RunGet(*flags); };
}

}  // namespace
}  // namespace newscrawl::cli

NC_REGISTER_COMMAND(get, "get", "Print the stored record of an article (by URL or id)",
                    newscrawl::cli::SetupGet);
