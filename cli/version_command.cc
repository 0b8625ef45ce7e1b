// `newscrawl version`: prints the version and the article schema this build writes.
#include <cstdio>

#include "cli/command.h"
#include "common/article.h"

namespace {
newscrawl::cli::CommandRunner SetupVersion(CLI::App& sub) {
  return [] {
    std::printf("newscrawl " NEWSCRAWL_VERSION " (article schema %d)\n",
                newscrawl::kArticleSchemaVersion);
    return newscrawl::cli::kExitOk;
  };
}
}  // namespace

NC_REGISTER_COMMAND(version, "version", "Print the version and the article schema", SetupVersion);
