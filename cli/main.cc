// newscrawl: the single binary. Thin: parse the command line, dispatch to a registered command.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <map>

#include "cli/command.h"

namespace newscrawl::cli {
std::vector<CommandSpec>& CommandRegistry() {
  static std::vector<CommandSpec> registry;
  return registry;
}
}  // namespace newscrawl::cli

int main(int argc, char** argv) {
  using namespace newscrawl::cli;
  // Logs go to stderr (journald under systemd); stdout is reserved for records.
  auto logger = spdlog::stderr_color_mt("newscrawl");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");
  spdlog::set_level(spdlog::level::warn);

  CLI::App app{"newscrawl: news discovery, fetching, extraction and storage"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "newscrawl 0.1.0");
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));

  auto& registry = CommandRegistry();
  std::sort(registry.begin(), registry.end(),
            [](const CommandSpec& a, const CommandSpec& b) { return std::string(a.name) < b.name; });
  std::map<CLI::App*, CommandRunner> runners;
  for (auto& spec : registry) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    runners[sub] = spec.setup(*sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? kExitOk : kExitUsage;
  }
  spdlog::set_level(spdlog::level::from_str(log_level));
  for (auto& [sub, run] : runners) {
    if (sub->parsed()) {
      try {
        return run();
      } catch (const std::exception& e) {
        std::fprintf(stderr, "newscrawl %s: internal error: %s\n", sub->get_name().c_str(), e.what());
        return kExitFailure;
      }
    }
  }
  return kExitUsage;
}
