// Private to store/: the RocksDB handles behind a Store and how they are opened.
#pragma once

#include <rocksdb/db.h>

#include <memory>
#include <string>
#include <vector>

#include "store/store.h"

namespace newscrawl::store {

struct Store::Handles {
  // Declared first so that it is destroyed last: handles must go before the DB.
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;  // index = ColumnFamily; owned, see ~Handles
  rocksdb::WriteOptions write_options;
  std::string secondary_dir;  // read-only stores: scratch dir for the follower's own log files

  ~Handles();
};

// Opens the RocksDB database at `path` with every column family of keys.h, creating it when
// allowed, and checks the format version (see Store::Open for the errors).
Result<std::unique_ptr<Store::Handles>> OpenHandles(const std::string& path,
                                                    const StoreOptions& options);

// Maps a rocksdb::Status to ours, with `what` as context.
Status FromRocks(const rocksdb::Status& s, const std::string& what);

}  // namespace newscrawl::store
