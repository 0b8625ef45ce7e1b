// newscrawl: the single binary. Thin: set up logging, parse the command line, dispatch to a
// registered command.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <string>

#include "cli/command.h"
#include "server/log_output.h"

namespace newscrawl::cli {
std::vector<CommandSpec>& CommandRegistry() {
  static std::vector<CommandSpec> registry;
  return registry;
}

namespace {

// One example per subcommand, shown at the end of its --help (cli_test checks every registered
// command has one).
const std::map<std::string, std::string>& Examples() {
  static const auto* examples = new std::map<std::string, std::string>{
      {"config", "newscrawl config check /etc/newscrawl/newscrawl.yaml"},
      {"export", "newscrawl export --db /var/lib/newscrawl --after 1200 --limit 100 | jq .title"},
      {"extract", "newscrawl extract --url https://vnexpress.net/a-123.html page.html | jq .text"},
      {"fetch", "newscrawl fetch https://vnexpress.net/a-123.html 2>errors.txt | jq .title"},
      {"get", "newscrawl get --db /var/lib/newscrawl https://vnexpress.net/a-123.html"},
      {"run", "newscrawl run --config /etc/newscrawl/newscrawl.yaml"},
      {"stats", "newscrawl stats --db /var/lib/newscrawl --verify"},
      {"version", "newscrawl version"},
  };
  return *examples;
}

// The first argument that is not an option, when it names no subcommand: "newscrawl bogus".
const char* UnknownSubcommand(int argc, char** argv, const std::vector<CommandSpec>& registry) {
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    if (arg[0] == '-') {
      // --log-level takes a value in the next argument unless given as --log-level=x.
      if (std::strcmp(arg, "--log-level") == 0) ++i;
      continue;
    }
    for (const auto& spec : registry)
      if (std::strcmp(spec.name, arg) == 0) return nullptr;
    return arg;
  }
  return nullptr;
}

}  // namespace
}  // namespace newscrawl::cli

int main(int argc, char** argv) {
  using namespace newscrawl::cli;
  namespace server = newscrawl::server;
  // Logs go to stderr (journald under systemd, see server/log_output.h); stdout is reserved for
  // records.
  const server::LogStyle style = server::DetectLogStyle();
  spdlog::set_default_logger(server::MakeLogger("newscrawl", style, stderr));
  spdlog::set_level(spdlog::level::warn);
  if (style == server::LogStyle::kTerminal) server::ProgressLine::Enable(stderr);

  CLI::App app{"newscrawl: news discovery, fetching, extraction and storage"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "newscrawl " NEWSCRAWL_VERSION);
  std::string log_level = "warn";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error, off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.footer(
      "Example:\n  newscrawl fetch https://vnexpress.net/a-123.html | jq .title\n"
      "Run `newscrawl COMMAND --help` for the options of a command.");

  auto& registry = CommandRegistry();
  std::sort(registry.begin(), registry.end(), [](const CommandSpec& a, const CommandSpec& b) {
    return std::string(a.name) < b.name;
  });
  std::map<CLI::App*, CommandRunner> runners;
  for (auto& spec : registry) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    runners[sub] = spec.setup(*sub);
    auto example = Examples().find(spec.name);
    if (example != Examples().end()) sub->footer("Example:\n  " + example->second);
  }
  if (const char* unknown = UnknownSubcommand(argc, argv, registry)) {
    std::string names;
    for (const auto& spec : registry) names += std::string(names.empty() ? "" : ", ") + spec.name;
    std::fprintf(stderr, "newscrawl: unknown command \"%s\" (commands: %s; see newscrawl --help)\n",
                 unknown, names.c_str());
    return kExitUsage;
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
        std::fprintf(stderr, "newscrawl %s: internal error: %s\n", sub->get_name().c_str(),
                     e.what());
        return kExitFailure;
      }
    }
  }
  return kExitUsage;
}
