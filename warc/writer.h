// WarcWriter: what was fetched, as WARC 1.1 (.warc.gz, one gzip member per record, or a plain
// .warc without compression).
//
// Each file opens with a `warcinfo` record. Each fetch is a `request` and a `response` record
// linked both ways by WARC-Concurrent-To, with WARC-Block-Digest and WARC-Payload-Digest (SHA-1,
// base32), WARC-IP-Address when known and WARC-Truncated: length when the body was cut at the
// size cap; a 304 answer is a `revisit` record (profile server-not-modified) instead of a response.
//
// Crash safety: a file is written as "<name>.open" and renamed to "<name>" when closed, so no
// file under its final name is ever half-written, also after SIGKILL. Each fetch's records go to
// the file in one write(). Opening a writer first recovers what an earlier run of the same
// instance left open: the file is cut back to its last whole record and closed (renamed).
//
// Generated file names: "<prefix>-<UTC yyyymmddhhmmssmmm>-<sequence, 5 digits>-<instance>.warc.gz"
// (".warc" when not gzip); a new file is started when the next fetch would pass max_file_bytes.
//
// Thread safety: Write() may be called from many threads at once (records are built and
// compressed outside the lock); Close() once, after the last Write().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace newscrawl::warc {

struct WarcWriterOptions {
  std::string directory;  // created when missing
  // A fixed name in `directory` (no rotation: max_file_bytes is ignored); empty = generated names.
  // A fixed name that already exists is not overwritten (Open fails with AlreadyExists).
  std::string file_name;
  std::string prefix = "newscrawl";
  std::string instance = "local";  // [A-Za-z0-9_.-]+; the cluster instance name
  uint64_t max_file_bytes = 1ull << 30;
  // One gzip member per record (.warc.gz). False: plain records (.warc), several times larger
  // but without deflate, the writer's main cost.
  bool gzip = true;
  // Extra "name: value" lines for the warcinfo record (operator, robots policy, ...).
  std::vector<std::pair<std::string, std::string>> info;
  const Clock* clock = nullptr;  // null: SystemClock()
};

// One HTTP exchange as it went over the wire.
struct WarcExchange {
  std::string target_uri;
  std::string date;           // WARC-Date, ISO 8601 UTC; empty = now
  std::string ip_address;     // empty when not known (the field is left out)
  std::string request;        // the HTTP request message
  std::string response_head;  // status line and header fields, ending with CRLF CRLF
  std::string payload;        // the response body after the head
  bool truncated = false;     // payload cut at the size cap
  bool not_modified = false;  // a 304: written as a revisit record
};

// Cuts the unfinished file `open_path` (ending in ".open"; gzip or plain, told from its first
// bytes) back to its last whole record and
// renames it to the name without ".open" (or removes it when no whole record is left). Returns
// the final path ("" when removed). Fails with AlreadyExists when the final name is taken.
Result<std::string> RecoverUnfinishedWarc(const std::string& open_path);

class WarcWriter {
 public:
  // Recovers this instance's unfinished files (or the fixed name's), then opens the first file.
  static Result<std::unique_ptr<WarcWriter>> Open(WarcWriterOptions options);
  // Close()s; errors are lost then: call Close() to see them.
  ~WarcWriter();
  WarcWriter(const WarcWriter&) = delete;
  WarcWriter& operator=(const WarcWriter&) = delete;

  // Appends the exchange's records. IoError when the disk write fails (the file is then left as
  // ".open" for recovery and later writes fail too).
  Status Write(const WarcExchange& exchange);
  // Flushes, closes and renames the current file. Idempotent.
  Status Close();

  // Final paths of the files closed so far, and what was recovered at Open.
  std::vector<std::string> closed_files() const;
  std::vector<std::string> recovered_files() const;

  struct Impl;
  explicit WarcWriter(std::unique_ptr<Impl> impl);  // use Open()

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace newscrawl::warc
