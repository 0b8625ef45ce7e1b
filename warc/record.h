// WARC records (ISO 28500, WARC 1.0 and 1.1): the named fields of a record header and the
// record as the reader hands it out.
//
// Plain values; no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newscrawl::warc {

// The named fields of a WARC record header, in file order. Names compare case-insensitively
// (the standard says field names are case-insensitive); values are kept verbatim, trimmed.
class WarcFields {
 public:
  void Add(std::string name, std::string value);
  // The first value of `name`, or "" when absent.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  // Appends to the value of the last field (a folded header line); nothing when empty.
  void AppendToLast(std::string_view more);
  const std::vector<std::pair<std::string, std::string>>& all() const { return fields_; }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct WarcRecord {
  uint64_t offset = 0;  // where the record starts in the file (its gzip member in .warc.gz)
  std::string version;  // "WARC/1.0" or "WARC/1.1"
  WarcFields fields;
  uint64_t content_length = 0;  // Content-Length of the block
  std::string block;            // the block; empty when block_skipped
  bool block_skipped = false;   // larger than WarcReaderOptions::max_block_bytes: not loaded

  std::string_view type() const { return fields.Get("WARC-Type"); }
};

}  // namespace newscrawl::warc
