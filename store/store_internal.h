// Private to store/: the RocksDB-backed implementation of the Store contract (store/store.h), its
// handles and how they are opened. Nothing outside store/ includes this header (store/ exports
// only its contract; cmake/IncludeRoots.cmake keeps other modules to what they link, and this
// file is no part of the contract).
#pragma once

#include <rocksdb/db.h>

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/near_dup.h"
#include "store/store.h"

namespace newscrawl::store {

struct StoreHandles {
  // Declared first so that it is destroyed last: handles must go before the DB.
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;  // index = ColumnFamily; owned, see ~StoreHandles
  rocksdb::WriteOptions write_options;
  std::string secondary_dir;  // read-only stores: scratch dir for the follower's own log files

  ~StoreHandles();
};

// The store over RocksDB: Store::Open makes one. Thread safety as Store's.
class StoreImpl final : public Store {
 public:
  StoreImpl(std::string path, StoreOptions options, std::unique_ptr<StoreHandles> handles);
  ~StoreImpl() override;

  Result<IngestResult> Ingest(Article article) override;
  Result<IngestResult> Ingest(Article article, const ArticleIdentity& identity) override;
  Result<Article> GetById(std::string_view id) const override;
  Result<Article> GetByUrl(std::string_view url) const override;
  Result<std::string> GetJsonById(std::string_view id) const override;
  Result<std::string> GetJsonByUrl(std::string_view url) const override;
  Result<std::string> GetRecordJson(std::string_view id, uint32_t version) const override;
  uint64_t LastSeq() const override;
  Status ForEachChange(uint64_t after, size_t limit,
                       const std::function<bool(const ChangeEvent&, std::string_view record_json)>&
                           fn) const override;
  uint64_t WaitForChanges(uint64_t after, std::chrono::milliseconds timeout) override;
  Status Refresh() override;
  Result<uint64_t> GetCursor(std::string_view consumer) const override;
  Status SetCursor(std::string_view consumer, uint64_t seq) override;
  Result<StoreStats> Stats() const override;
  Status Verify() const override;
  Status Put(ReservedSpace space, std::string_view key, std::string_view value) override;
  Result<std::string> Get(ReservedSpace space, std::string_view key) const override;
  Status Delete(ReservedSpace space, std::string_view key) override;
  Status Scan(
      ReservedSpace space, std::string_view prefix,
      const std::function<bool(std::string_view key, std::string_view value)>& fn) const override;

 private:
  friend class Store;  // Open reads the counters and the change log through the handles
  // Read-only stores and pages that are not articles are refused before any work.
  Status CheckIngestable(const Article& article) const;
  rocksdb::ColumnFamilyHandle* Cf(ColumnFamily cf) const;
  // The ingest pipeline's state: decisions, staged writes, commit groups (store_pipeline.h).
  struct Pipeline;
  struct CommitGroup;
  // What the dedup indexes say about a text; the values read are reused for the batch.
  struct DedupLookup {
    std::string duplicate_of;                        // hex id of the original, or empty
    bool hash_indexed = false;                       // the content hash is in hash_index
    std::map<std::string, std::string> band_values;  // band key -> current value ("" absent)
  };
  // Requires pipeline_->decide_mu: reads through the staged writes of unwritten groups.
  rocksdb::Status ReadForDecision(ColumnFamily cf, const std::string& key, std::string* value,
                                  std::shared_ptr<CommitGroup>* writer = nullptr) const;
  Result<DedupLookup> DuplicateOf(const std::string& content_hash, const NearDupProbe& probe,
                                  std::string_view self_raw_id) const;
  // Returns once `group` is written (writing it, and the groups before it, when no other
  // thread is); its status.
  Status WaitUntilWritten(const std::shared_ptr<CommitGroup>& group);

  const std::string path_;
  const StoreOptions options_;
  std::unique_ptr<StoreHandles> handles_;
  std::unique_ptr<Pipeline> pipeline_;
  mutable std::mutex seq_mu_;
  std::condition_variable seq_cv_;
  uint64_t last_seq_ = 0;  // guarded by seq_mu_: the last seq written (published in order)
};

// Opens the RocksDB database at `path` with every column family of keys.h, creating it when
// allowed, and checks the format version (see Store::Open for the errors).
Result<std::unique_ptr<StoreHandles>> OpenHandles(const std::string& path,
                                                  const StoreOptions& options);

// Maps a rocksdb::Status to ours, with `what` as context.
Status FromRocks(const rocksdb::Status& s, const std::string& what);

}  // namespace newscrawl::store
