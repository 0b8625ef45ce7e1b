// `newscrawl extract --warc FILE...`: every HTML `response` record of WARC files -> one article
// record, printed as NDJSON (or written to --out-dir), and stored with --db like `extract --db`.
//
// One thread reads the files (nc_warc's streaming reader) while `jobs` threads parse the HTTP
// messages and extract; records are emitted in file order, so two imports of the same files give
// the same output and the same store. Damaged records are reported as "FILE:OFFSET: reason" on
// stderr; skipped records are counted by reason in the one-line summary printed at the end.
// Exit code: 0, or 1 when a file could not be read, a record was damaged or could not be stored.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/record_sink.h"

namespace newscrawl::cli {

struct WarcImportFlags {
  std::vector<std::string> files;  // "-" = standard input
  std::vector<std::string> match;  // URL patterns (config syntax): keep only matching URLs
  std::string config_path;         // site rules (boilerplate phrases, article patterns)
};

// Adds --warc FILE..., --match PATTERN (repeatable) and --config FILE to `sub`.
void AddWarcImportOptions(CLI::App& sub, WarcImportFlags* flags);

struct WarcImportOutput {
  std::string out_dir;     // non-empty: <id>.json and <id>.txt per article instead of stdout
  bool text_only = false;  // print the body text instead of the JSON record
  int jobs = 0;            // extraction threads; 0 = one per core
  RecordSinkOptions sink;
};

int RunWarcImport(const WarcImportFlags& flags, const WarcImportOutput& output);

}  // namespace newscrawl::cli
