// WarcReader: streams the records of a WARC file, plain (.warc) or gzip (.warc.gz, one gzip
// member per record as wget and Common Crawl write it; several records in one member are read
// too), with bounded memory: a record's block is loaded only up to max_block_bytes, larger ones
// are skipped without being held (WarcRecord::block_skipped).
//
// Damage never stops the reader. A truncated or corrupt gzip member, a Content-Length that does
// not end the record where the next one starts, or bytes between records that are not a record
// are reported as a WarcDamage (the offset of the record or of the garbage, and a reason), and
// reading resumes at the next record: the next gzip member, or the next line starting "WARC/1."
// in a plain file. On a seekable input the search restarts just after the damaged record's
// start, so a too-long Content-Length does not swallow the records behind it; on a pipe it goes
// on from where the damage was seen.
//
// Not thread-safe: one reader per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "warc/record.h"

namespace newscrawl::warc {

struct WarcReaderOptions {
  // Blocks longer than this are skipped (not loaded). The default holds any page the fetcher
  // keeps (10 MiB body) with its HTTP headers.
  uint64_t max_block_bytes = 12ull << 20;
  // A record header longer than this is damage (a header is normally well under 2 KiB).
  size_t max_header_bytes = 64 << 10;
};

struct WarcDamage {
  uint64_t offset = 0;  // byte offset in the (compressed) file
  std::string reason;   // for the user: "truncated gzip member", "garbage between records", ...
};

class WarcReader {
 public:
  enum class Next { kRecord, kDamage, kEnd };

  // Opens `path` ("-" = standard input). Plain or gzip is told by the first two bytes, not the
  // name. Fails with IoError when the file cannot be opened.
  static Result<std::unique_ptr<WarcReader>> Open(const std::string& path,
                                                  WarcReaderOptions options = {});
  virtual ~WarcReader() = default;

  // Reads on: kRecord fills *record; kDamage fills *damage (call again to go on); kEnd at the
  // end of the input (a read error of the file is reported as one last kDamage first).
  virtual Next Read(WarcRecord* record, WarcDamage* damage) = 0;

  // Bytes of the file consumed so far, and the file's size when known (not for pipes).
  virtual uint64_t bytes_consumed() const = 0;
  virtual std::optional<uint64_t> file_size() const = 0;
};

}  // namespace newscrawl::warc
