// Opening a store: directory checks, RocksDB options per column family, format version.
#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_buffer_manager.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <filesystem>
#include <system_error>

#include "store/store_internal.h"

namespace newscrawl::store {
namespace {

namespace fs = std::filesystem;

rocksdb::DBOptions MakeDbOptions(const StoreOptions& o,
                                 const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::DBOptions db;
  db.max_background_jobs = 2;       // this machine class has 2 cores
  db.max_file_opening_threads = 1;  // RocksDB would start 16 short-lived threads per family
  db.bytes_per_sync = 1 << 20;
  db.keep_log_file_num = 3;
  db.max_log_file_size = 4 << 20;
  db.max_total_wal_size = 256u << 20;
  // Memtables are charged to the block cache: one memory budget for the whole store.
  db.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(o.cache_bytes / 2, cache);
  db.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  if (o.read_only) db.max_open_files = -1;  // required by secondary instances
  return db;
}

rocksdb::ColumnFamilyOptions MakeCfOptions(ColumnFamily cf,
                                           const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.cache_index_and_filter_blocks = true;  // index/filter memory counts against the cache
  table.cache_index_and_filter_blocks_with_high_priority = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // Partitioned index and filters: an SST's filter and index are read in ~4 KB pieces, so a
  // lookup never needs a whole multi-MB filter block. With one full filter per file, the
  // band_index files of a store of 500k articles had ~3 MB filters, larger than a block-cache
  // shard (256 MB / 64 shards): they were never cached and every ingest re-read and
  // re-checksummed them (ingest fell to ~150 articles/s). Only the small top-level pieces stay
  // pinned.
  table.index_type = rocksdb::BlockBasedTableOptions::kTwoLevelIndexSearch;
  table.partition_filters = true;
  table.metadata_block_size = 4096;
  table.pin_top_level_index_and_filter = true;
  table.format_version = 5;
  rocksdb::ColumnFamilyOptions opts;
  opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  opts.compression = rocksdb::kLZ4Compression;
  opts.level_compaction_dynamic_level_bytes = true;
  opts.write_buffer_size = 16u << 20;
  // Most ingest lookups miss (new URLs, new hashes, empty bands): a memtable bloom filter
  // answers those without walking the skip list.
  opts.memtable_prefix_bloom_size_ratio = 0.05;
  opts.memtable_whole_key_filtering = true;
  if (cf == ColumnFamily::kVersions) {
    // Records are ~5 KB. (Blob files would keep them out of compactions, but RocksDB 7.8 crashes
    // reading blobs from a secondary instance -- the read-only mode export/get/stats use.)
    opts.write_buffer_size = 64u << 20;
  }
  return opts;
}

bool IsLockError(const rocksdb::Status& s) {
  return s.IsIOError() && s.ToString().find("lock") != std::string::npos;
}

Status CheckFormatVersion(rocksdb::DB* db, const std::string& path) {
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), kMetaFormatVersion, &value);
  if (s.IsNotFound())
    return Status::Corruption(path +
                              " is a RocksDB database but not a newscrawl store (it has no " +
                              kMetaFormatVersion + " key)");
  if (!s.ok()) return FromRocks(s, "reading the format version of " + path);
  if (value != std::to_string(kFormatVersion))
    return Status::Corruption(path + " has store format version " + value +
                              "; this build reads version " + std::to_string(kFormatVersion) +
                              " only (use a matching newscrawl build, or export and re-ingest)");
  return Status::Ok();
}

// Makes `path` ready: creates it when allowed; refuses a file or a foreign non-empty directory.
// Sets *exists when it already holds a RocksDB database.
Status PrepareDirectory(const std::string& path, const StoreOptions& o, bool* exists) {
  std::error_code ec;
  *exists = false;
  if (!fs::exists(path, ec)) {
    if (!o.create_if_missing || o.read_only)
      return Status::NotFound("store " + path + " does not exist");
    if (!fs::create_directories(path, ec) && ec)
      return Status::IoError("cannot create the store directory " + path + ": " + ec.message());
    return Status::Ok();
  }
  if (!fs::is_directory(path, ec))
    return Status::InvalidArgument("store path " + path + " exists and is not a directory");
  if (fs::exists(fs::path(path) / "CURRENT", ec)) {
    *exists = true;
    return Status::Ok();
  }
  if (!fs::is_empty(path, ec))
    return Status::FailedPrecondition(path +
                                      " is not a newscrawl store (a non-empty directory without a "
                                      "RocksDB CURRENT file); refusing to write into it");
  if (!o.create_if_missing || o.read_only)
    return Status::NotFound("store " + path + " is an empty directory");
  return Status::Ok();
}

}  // namespace

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::Ok();
  std::string msg = what + ": " + s.ToString();
  if (s.IsNotFound()) return Status::NotFound(msg);
  if (s.IsCorruption()) return Status::Corruption(msg);
  if (s.IsInvalidArgument()) return Status::InvalidArgument(msg);
  if (s.IsNotSupported()) return Status::Unimplemented(msg);
  return Status::IoError(msg);
}

StoreHandles::~StoreHandles() {
  if (db) {
    for (auto* cf : cfs)
      if (cf) db->DestroyColumnFamilyHandle(cf).PermitUncheckedError();
    cfs.clear();
    db->Close().PermitUncheckedError();
    db.reset();
  }
  if (!secondary_dir.empty()) {
    std::error_code ec;
    fs::remove_all(secondary_dir, ec);
  }
}

namespace {

// Opens the database at `path`; creates a complete one (all families, meta keys) when !exists.
Result<std::unique_ptr<StoreHandles>> OpenRocks(const std::string& path, const StoreOptions& o,
                                                bool exists) {
  auto cache = rocksdb::NewLRUCache(o.cache_bytes);
  rocksdb::DBOptions db_options = MakeDbOptions(o, cache);
  std::vector<std::string> names;
  if (exists) {
    rocksdb::Status s = rocksdb::DB::ListColumnFamilies(db_options, path, &names);
    if (!s.ok()) return FromRocks(s, "reading the column families of store " + path);
  } else {
    db_options.create_if_missing = true;
    db_options.create_missing_column_families = true;
    for (int i = 0; i < static_cast<int>(ColumnFamily::kCount); ++i)
      names.push_back(ColumnFamilyName(static_cast<ColumnFamily>(i)));
  }
  // Open every family the DB has (RocksDB requires it); unknown ones with default options.
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) {
    rocksdb::ColumnFamilyOptions cf_options;
    for (int i = 0; i < static_cast<int>(ColumnFamily::kCount); ++i)
      if (name == ColumnFamilyName(static_cast<ColumnFamily>(i)))
        cf_options = MakeCfOptions(static_cast<ColumnFamily>(i), cache);
    descriptors.emplace_back(name, cf_options);
  }

  auto handles = std::make_unique<StoreHandles>();
  std::vector<rocksdb::ColumnFamilyHandle*> opened;
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status s;
  if (o.read_only) {
    std::string dir = (fs::temp_directory_path() / "newscrawl-follower-XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr)
      return Status::IoError("cannot create a scratch directory for a read-only store");
    handles->secondary_dir = dir;
    s = rocksdb::DB::OpenAsSecondary(db_options, path, dir, descriptors, &opened, &raw_db);
  } else {
    s = rocksdb::DB::Open(db_options, path, descriptors, &opened, &raw_db);
  }
  if (!s.ok()) {
    if (IsLockError(s))
      return Status::FailedPrecondition("store " + path +
                                        " is in use by another process (its LOCK file is held); "
                                        "stop it or open the store read-only");
    return FromRocks(s, "opening store " + path);
  }
  handles->db.reset(raw_db);
  handles->cfs.assign(static_cast<size_t>(ColumnFamily::kCount), nullptr);
  std::vector<rocksdb::ColumnFamilyHandle*> unknown;
  for (auto* h : opened) {
    bool known = false;
    for (int i = 0; i < static_cast<int>(ColumnFamily::kCount); ++i) {
      if (h->GetName() == ColumnFamilyName(static_cast<ColumnFamily>(i))) {
        handles->cfs[i] = h;
        known = true;
      }
    }
    if (!known) handles->cfs.push_back(h);  // kept only to be destroyed
  }
  // The default CF handle RocksDB returns is owned by the DB, but destroying it is allowed.

  if (!exists) {
    rocksdb::WriteBatch batch;
    batch.Put(kMetaFormatVersion, std::to_string(kFormatVersion));
    batch.Put(kMetaCounters, EncodeCounters(Counters{}));
    rocksdb::WriteOptions sync;
    sync.sync = true;
    s = handles->db->Write(sync, &batch);
    if (!s.ok()) return FromRocks(s, "initialising store " + path);
  }
  NC_RETURN_IF_ERROR(CheckFormatVersion(handles->db.get(), path));
  for (int i = 0; i < static_cast<int>(ColumnFamily::kCount); ++i)
    if (handles->cfs[i] == nullptr)
      return Status::Corruption("store " + path + " lacks the column family \"" +
                                ColumnFamilyName(static_cast<ColumnFamily>(i)) + "\"");
  handles->write_options.sync = o.sync_writes;
  return handles;
}

// Creates a complete store in a scratch directory next to `path` and renames it into place, so
// that a crash during creation never leaves a half-initialised store at `path` (a crash leaves
// only the scratch directory, ".<name>.creating-<pid>", which may be deleted).
Status CreateAtomically(const std::string& path, const StoreOptions& o) {
  fs::path target = fs::absolute(fs::path(path)).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();
  fs::path scratch = target.parent_path() /
                     ("." + target.filename().string() + ".creating-" + std::to_string(getpid()));
  std::error_code ec;
  fs::remove_all(scratch, ec);
  {
    auto created = OpenRocks(scratch.string(), o, /*exists=*/false);
    if (!created.ok()) {
      fs::remove_all(scratch, ec);
      return created.status();
    }
  }  // closed: everything synced by the initialising write
  if (std::rename(scratch.c_str(), target.c_str()) != 0) {
    std::string err = std::strerror(errno);
    fs::remove_all(scratch, ec);
    return Status::IoError("cannot move the new store into " + path + ": " + err);
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<StoreHandles>> OpenHandles(const std::string& path, const StoreOptions& o) {
  bool exists = false;
  NC_RETURN_IF_ERROR(PrepareDirectory(path, o, &exists));
  if (!exists) NC_RETURN_IF_ERROR(CreateAtomically(path, o));
  return OpenRocks(path, o, /*exists=*/true);
}

}  // namespace newscrawl::store
