// FetchArchive: what the fetcher got, kept as WARC (warc/writer.h), for `newscrawl fetch --warc`
// and the daemon's `warc:` config section.
//
// Record() takes a FetchResult and the kind of URL it was fetched as; results of the configured
// kinds that got an HTTP answer become a request + response pair (a `revisit` record for a 304).
// Record() only builds the exchange (string copies) and queues it: digests, compression and the
// disk write happen on the archive's own writer thread, so the fetch path pays a copy, not
// SHA-1 and deflate. The queue is bounded (max_queued_bytes): a caller waits while it is full, so
// a disk slower than the crawl slows the crawl instead of growing memory. The price: a process
// killed (SIGKILL, a crash) loses the exchanges still queued, although the daemon may already
// have stored their articles; Close() (SIGTERM) writes everything queued first.
//
// The records come from the result as ExchangeFor() describes: with the heads the fetcher
// captured (FetcherOptions::capture_exchange, set by Attach()) the request is the one sent and
// the response head the one received; without them both are rebuilt from the URL and the
// headers the result carries. The payload is always the decoded body (curl undoes chunking and
// Content-Encoding), so the head's Transfer-Encoding, Content-Encoding and Content-Length are
// kept as X-Archive-Orig-* fields and a Content-Length of the stored payload is added: a WARC
// reader sees the message as stored, not as it was framed on the wire.
//
// Thread safety: Record() from any number of threads at once (the fetcher's I/O thread
// included: it never calls back into the fetcher); Close() once, after the last Record().
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "crawler/fetch_result.h"
#include "crawler/fetcher.h"
#include "crawler/fetcher_options.h"
#include "pipeline/frontier.h"
#include "warc/writer.h"

namespace newscrawl::pipeline {

struct FetchArchiveOptions {
  // Where and how files are written: a directory with generated, rotated names (the daemon) or
  // one fixed file (`fetch --warc`). See warc/writer.h.
  warc::WarcWriterOptions writer;
  // The kinds of fetch kept; others are dropped by Record().
  std::set<UrlKind> kinds = {UrlKind::kArticle};
  // The User-Agent of a rebuilt request (when the result carries no captured request head).
  std::string user_agent;
  // Exchanges queued for the writer thread, in bytes of body and heads, before Record() waits.
  uint64_t max_queued_bytes = 64ull << 20;
};

// The exchange for `result`: empty target_uri when nothing is to be archived (no HTTP answer
// arrived: DNS, connect, timeout, robots-disallowed; or no request went out: attempts == 0, a
// robots.txt answered from the fetcher's cache). Pure.
warc::WarcExchange ExchangeFor(const crawler::FetchResult& result, const std::string& user_agent);

// The daemon's archive options for `config` (warc: section, cluster.instance_name, identity);
// nullopt-like: `writer.directory` empty when the section is off.
FetchArchiveOptions FetchArchiveOptionsFor(const Config& config);

class FetchArchive {
 public:
  // Opens the writer (recovering an interrupted run's unfinished files: warc/writer.h) and
  // starts the writer thread. Fails as WarcWriter::Open does (directory not creatable, a fixed
  // file that exists: AlreadyExists).
  static Result<std::unique_ptr<FetchArchive>> Open(FetchArchiveOptions options);
  // The daemon's archive: null when `config` has no warc: directory.
  static Result<std::unique_ptr<FetchArchive>> OpenForConfig(const Config& config);
  // Close()s; a write error is then logged (spdlog), not returned.
  ~FetchArchive();
  FetchArchive(const FetchArchive&) = delete;
  FetchArchive& operator=(const FetchArchive&) = delete;

  // Makes the fetcher capture what the records need (the heads as sent and received) and, when
  // robots.txt is one of the kinds, report its own robots.txt fetches here. Call before the
  // fetcher is constructed with these; the archive must outlive that fetcher.
  void Attach(crawler::FetcherOptions* options, crawler::FetcherEnv* env);

  bool Wants(UrlKind kind) const { return options_.kinds.count(kind) > 0; }
  // Queues `result` when its kind is kept and it has an exchange (see ExchangeFor). After a write
  // error, or after Close(), results are dropped (the error is Close()'s).
  void Record(const crawler::FetchResult& result, UrlKind kind);
  // Writes what is queued, then closes and renames the current file. Returns the first write
  // error, if any. Idempotent.
  Status Close();

  // Exchanges written so far; final paths of the closed files; files recovered at Open().
  uint64_t written() const;
  std::vector<std::string> closed_files() const { return writer_->closed_files(); }
  std::vector<std::string> recovered_files() const { return writer_->recovered_files(); }

 private:
  struct Queue;
  FetchArchive(FetchArchiveOptions options, std::unique_ptr<warc::WarcWriter> writer);
  void WriterLoop();
  // Queued bytes that wake the writer before its periodic wake-up.
  uint64_t WakeBytes() const;

  const FetchArchiveOptions options_;
  std::unique_ptr<warc::WarcWriter> writer_;
  std::unique_ptr<Queue> queue_;
};

}  // namespace newscrawl::pipeline
