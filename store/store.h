// Store: the RocksDB database where articles, their versions, the dedup indexes, the change feed
// and the daemon's small state live. docs/on-disk-format.md describes the layout (store/keys.h),
// docs/change-feed.md the feed contract.
//
// Ingest(article) decides what the article is and records it in ONE atomic WriteBatch (record,
// head, indexes, change-log entry, counters), written through the WAL:
//   - same canonical URL (rel=canonical / og:url when on the same site, else the fetched URL) as
//     a stored article: identical text -> nothing happens (EventKind::kNone, idempotent);
//     changed text -> a new version (kVersion);
//   - new URL whose normalised text hashes like a stored article -> kDuplicate, duplicate_of set;
//   - new URL whose text is a near-duplicate (band index candidates, verified on shingles) of a
//     stored original -> kDuplicate, duplicate_of set;
//   - otherwise kNew.
// Every event gets the next sequence number; numbers start at 1 and have no gaps or repeats, also
// across crashes: the last one is re-read from the change log at open and a batch is either
// entirely in the DB or not at all.
//
// Thread safety: every method may be called from several threads at once. Ingest calls overlap
// where they can: fingerprinting and JSON encoding run in parallel; the dedup decisions and
// sequence numbers are taken one at a time (each decision sees every earlier one, written or
// not); the batches are written in sequence order, several ingests' batches in one RocksDB
// write when they queue up (group commit). Ingest returns once its batch is written. Reads run
// concurrently with all of this and see whole written batches only. One process at a time may open
// a store for writing (RocksDB's LOCK file); a read-only Store (StoreOptions::read_only) may be
// opened by any number of other processes next to it and sees the writer's progress through
// Refresh().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/article.h"
#include "common/article_identity.h"
#include "common/status.h"
#include "store/keys.h"

namespace newscrawl::store {

struct StoreOptions {
  // Create the directory and an empty store when `path` does not exist or is an empty directory.
  bool create_if_missing = true;
  // Open as a read-only follower of the process that holds the store (RocksDB secondary
  // instance): no LOCK is taken, writes fail with FailedPrecondition, Refresh() catches up.
  bool read_only = false;
  // Shared LRU block cache for all column families; memtables are charged to it as well, so it
  // bounds the store's memory (plus a few MB of fixed overhead).
  size_t cache_bytes = 256u << 20;
  // fsync the WAL after every ingest. Off by default: with the WAL on, a process crash loses
  // nothing that Ingest reported as written; only an OS crash / power loss can lose the last
  // few writes (never leaving a torn batch or a gap in the change log).
  bool sync_writes = false;
};

struct IngestResult {
  Article record;   // the record as stored (id, canonical_url, version, seq, duplicate_of set)
  EventKind event;  // kNone when nothing was written (identical re-ingest)
  std::string record_json;  // `record` as the JSON stored (and carried by the change feed)
};

struct ChangeEvent {
  uint64_t seq = 0;
  EventKind kind = EventKind::kNone;
  std::string id;  // hex article id
  uint32_t version = 0;
};

struct ColumnFamilySize {
  std::string name;
  uint64_t bytes = 0;  // SST + blob files on disk (not the memtables)
  uint64_t estimated_keys = 0;
};

struct StoreStats {
  uint64_t last_seq = 0;
  Counters counters;
  std::vector<ColumnFamilySize> column_families;
  uint64_t total_bytes = 0;  // every file in the store's directory (WAL, MANIFEST... too)
};

// The column families the store keeps for the daemon, reached through the generic KV calls.
enum class ReservedSpace { kFrontier, kHostState, kRobots };

class Store {
 public:
  // Opens (or creates, see StoreOptions) the store at `path`. Fails with:
  //   InvalidArgument    `path` exists but is not a directory;
  //   FailedPrecondition `path` is a non-empty directory that is not a RocksDB database, or the
  //                      store is locked by another process (the message says which);
  //   Corruption         a RocksDB database that is not a newscrawl store, or one of another
  //                      format version (the message names both versions), or damaged files;
  //   NotFound           `path` does not exist and create_if_missing is false.
  static Result<std::unique_ptr<Store>> Open(const std::string& path,
                                             const StoreOptions& options = {});
  virtual ~Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Dedups and stores `article` (see the file comment). Uses article.url (required, absolute),
  // article.canonical_url (optional), article.text; computes content_hash when it is empty
  // (trusts it otherwise: FillFingerprints may have run) and always simhash; overwrites id,
  // canonical_url, version, seq and duplicate_of. Fails with InvalidArgument for an unusable URL or
  // a page that is not an article (is_article false), FailedPrecondition on a read-only store,
  // IoError when RocksDB cannot write: nothing of that ingest (nor of the ingests decided after
  // it, which may depend on it) is written, no sequence number is used, and every later Ingest
  // fails with the same IoError until the store is reopened (RocksDB itself refuses writes after
  // a failed WAL or memtable write).
  virtual Result<IngestResult> Ingest(Article article) = 0;
  // The same with the article's identity already computed (IdentifyArticle on this article, e.g.
  // to claim it in a cluster first): the URLs, id and fingerprints are taken from `identity`, not
  // derived again; content_hash from `identity` when article.content_hash is empty.
  virtual Result<IngestResult> Ingest(Article article, const ArticleIdentity& identity) = 0;

  // The latest version of the article with hex `id` / at `url` (canonicalised first; the fetched
  // URL of a page that named another canonical URL finds it too). NotFound when absent.
  virtual Result<Article> GetById(std::string_view id) const = 0;
  virtual Result<Article> GetByUrl(std::string_view url) const = 0;
  // The same, as the JSON record exactly as stored (what the change feed carries): for serving
  // and publishing without parsing and re-serialising.
  virtual Result<std::string> GetJsonById(std::string_view id) const = 0;
  virtual Result<std::string> GetJsonByUrl(std::string_view url) const = 0;
  // One stored version, as the JSON record (schema 1) that the change feed carries.
  virtual Result<std::string> GetRecordJson(std::string_view id, uint32_t version) const = 0;

  // Sequence number of the last event; 0 for an empty store.
  virtual uint64_t LastSeq() const = 0;
  // Calls fn(event, record_json) for the events with seq > after, in seq order, at most `limit`
  // of them (0: no limit), until fn returns false. record_json is valid during the call only.
  virtual Status ForEachChange(
      uint64_t after, size_t limit,
      const std::function<bool(const ChangeEvent&, std::string_view record_json)>& fn) const = 0;
  // Waits until LastSeq() > after or `timeout` passes; returns LastSeq(). A read-only store
  // polls the writer (Refresh) while it waits.
  virtual uint64_t WaitForChanges(uint64_t after, std::chrono::milliseconds timeout) = 0;
  // Read-only stores: catch up with the writer's progress. No-op on a writable store.
  virtual Status Refresh() = 0;

  // Named consumer cursors: the last seq a consumer has processed. GetCursor returns 0 for an
  // unknown name. SetCursor fails on a read-only store.
  virtual Result<uint64_t> GetCursor(std::string_view consumer) const = 0;
  virtual Status SetCursor(std::string_view consumer, uint64_t seq) = 0;

  virtual Result<StoreStats> Stats() const = 0;

  // Checks the invariants of the whole store, reading all of it (tests, `newscrawl stats
  // --verify`, after a crash): the change log holds 1..LastSeq() without gaps, each entry's
  // record exists and carries that seq; every article's versions 1..latest exist and its URL is
  // indexed; every URL, hash and band index entry points at a stored article; the counters match.
  // Returns Corruption naming the first violation found.
  virtual Status Verify() const = 0;

  // Generic small key-value storage in the reserved column families (frontier, host state,
  // robots cache). Each Put/Delete is atomic and durable like an ingest. Get: NotFound when
  // absent. Scan calls fn(key, value) for keys starting with `prefix` in order until it
  // returns false.
  virtual Status Put(ReservedSpace space, std::string_view key, std::string_view value) = 0;
  virtual Result<std::string> Get(ReservedSpace space, std::string_view key) const = 0;
  virtual Status Delete(ReservedSpace space, std::string_view key) = 0;
  virtual Status Scan(
      ReservedSpace space, std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) const = 0;

 protected:
  Store() = default;
};

}  // namespace newscrawl::store
