#include "cli/store_flag.h"

#include <cstdio>
#include <cstdlib>

namespace newscrawl::cli {

void AddStoreFlag(CLI::App& sub, std::string* db_path) {
  sub.add_option("--db", *db_path, "Store directory (default: $NEWSCRAWL_DB)");
}

std::string ResolveStorePath(const std::string& flag, const char* command) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv("NEWSCRAWL_DB");
  if (env != nullptr && *env != '\0') return env;
  std::fprintf(stderr, "newscrawl %s: no store given: pass --db DIR or set NEWSCRAWL_DB\n",
               command);
  return "";
}

}  // namespace newscrawl::cli
