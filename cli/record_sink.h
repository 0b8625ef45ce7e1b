// RecordSink: where `extract` and `fetch` send each article record they produce.
//
// Without --db the record is only completed (fingerprints) and returned for printing. With
// --db DIR it is also ingested into the store at DIR (dedup, versioning, change feed), and the
// returned record carries what the store assigned (version, seq, duplicate_of), so what is printed
// is exactly what was stored. Not thread-safe: one sink per command invocation.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "common/article.h"
#include "common/status.h"

namespace newscrawl::cli {

struct RecordSinkOptions {
  std::string db_path;  // empty: do not store
};

// Adds `--db DIR` to `sub`.
void AddRecordSinkOptions(CLI::App& sub, RecordSinkOptions* options);

class RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Opens the store when options.db_path is set. Fails with the store's error (e.g. a DB of an
  // unknown format version, or a directory that cannot be created).
  static Result<std::unique_ptr<RecordSink>> Open(const RecordSinkOptions& options);

  // Fills fingerprints, stores `article` when a DB is open, and returns the final record.
  virtual Result<Article> Emit(Article article) = 0;

  // Records that changed the store so far (a new article, version or duplicate); 0 without a DB.
  virtual uint64_t stored() const { return 0; }

  // Whether a batch should hold `article` back and Emit it after the rest of its input: it is an
  // alias rendering (AMP, print: its canonical URL is not the URL it came from) whose canonical
  // article is not stored yet, so its canonical page, if the input holds it, is stored first and
  // the alias then only adds its URL (docs/change-feed.md, "Aliases"). False without a DB.
  virtual bool ShouldHold(const Article& article) const { return false; }
};

}  // namespace newscrawl::cli
