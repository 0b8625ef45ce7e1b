// The `--db DIR` flag of the commands that read the store (export, get, stats).
//
// Default: the environment variable NEWSCRAWL_DB; without either the command fails with a usage
// error. (`extract` and `fetch` store only with an explicit --db: see record_sink.h.)
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace newscrawl::cli {

// Adds `--db DIR` to `sub`, writing to *db_path.
void AddStoreFlag(CLI::App& sub, std::string* db_path);

// The store directory to use: `flag` when set, else $NEWSCRAWL_DB, else "" after printing
// "newscrawl <command>: no store given: pass --db DIR or set NEWSCRAWL_DB" to stderr.
std::string ResolveStorePath(const std::string& flag, const char* command);

}  // namespace newscrawl::cli
