// Subcommand registry for the `newscrawl` binary.
//
// Each subcommand lives in its own cli/<name>_command.cc and registers itself with
// NC_REGISTER_COMMAND. Its setup function adds options to the CLI11 subcommand it is given and
// returns the function that runs it; that function returns the process exit code:
//   0 success, 1 the work failed (partly or fully), 2 usage error (bad flags or arguments).
// Setup and run functions must not throw; they print user-facing errors to stderr.
#pragma once

#include <functional>
#include <vector>

#include <CLI/CLI.hpp>

namespace newscrawl::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

using CommandRunner = std::function<int()>;
using CommandSetup = std::function<CommandRunner(CLI::App& sub)>;

struct CommandSpec {
  const char* name;
  const char* description;
  CommandSetup setup;
};

// All commands linked into the binary, in registration order. Not thread-safe: used from main().
std::vector<CommandSpec>& CommandRegistry();

struct CommandRegistrar {
  CommandRegistrar(const char* name, const char* description, CommandSetup setup) {
    CommandRegistry().push_back({name, description, std::move(setup)});
  }
};

}  // namespace newscrawl::cli

#define NC_REGISTER_COMMAND(ident, name, description, setup) \
  static ::newscrawl::cli::CommandRegistrar nc_command_registrar_##ident(name, description, setup)
