// `newscrawl config check FILE`: loads and validates a config file without starting anything.
// Exit 0 with a one-line summary on stdout, or 1 with every error (FILE:LINE:COLUMN: ...) on
// stderr; 2 on usage errors.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "config/config.h"

namespace {

newscrawl::cli::CommandRunner SetupConfig(CLI::App& sub) {
  sub.require_subcommand(1);
  CLI::App* check = sub.add_subcommand("check", "Validate a config file and print a summary");
  auto file = std::make_shared<std::string>();
  check->add_option("FILE", *file, "The YAML config file")->required();
  return [check, file] {
    if (!check->parsed()) return newscrawl::cli::kExitUsage;
    newscrawl::Result<newscrawl::Config> config = newscrawl::LoadConfigFile(*file);
    if (!config.ok()) {
      std::fprintf(stderr, "%s\n", config.status().message().c_str());
      return newscrawl::cli::kExitFailure;
    }
    std::printf("%s: OK: %s\n", file->c_str(), config->Summary().c_str());
    return newscrawl::cli::kExitOk;
  };
}

}  // namespace

NC_REGISTER_COMMAND(config, "config", "Work with config files (config check FILE)", SetupConfig);
