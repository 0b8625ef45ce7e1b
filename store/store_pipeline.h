// StoreImpl's ingest pipeline state (internal to store/): decisions, staged writes and commit
// groups, shared by store.cc (open, commit) and store_ingest.cc (dedup, ingest).
#pragma once

#include <rocksdb/write_batch.h>

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/store_internal.h"

namespace newscrawl::store {

// The ingest pipeline. Decisions are taken one at a time (decide_mu): each reads the store
// through the staged writes of the groups not written yet, takes the next seq and appends its
// operations to the open group's WriteBatch. Writing is serialised separately (commit_mu): an
// ingest that finds no write in progress closes the open group and writes it with one
// db->Write (one WAL record: after a crash all of a group is there or none of it), while the
// next decisions fill the next group. Groups are closed and written in seq order, so the
// change log never has a gap, also across crashes.
struct StoreImpl::CommitGroup {
  rocksdb::WriteBatch batch;
  uint64_t last_seq = 0;                 // of the last event added; 0 when none
  std::vector<std::string> staged_keys;  // Pipeline::staged entries this group wrote
  bool done = false;                     // guarded by commit_mu
  Status status;                         // guarded by commit_mu; set when done
};

struct StoreImpl::Pipeline {
  struct Staged {
    std::optional<std::string> value;     // nullopt: deleted
    std::shared_ptr<CommitGroup> writer;  // the latest group that writes the key
  };
  std::mutex decide_mu;
  Counters counters;                  // guarded by decide_mu; includes unwritten groups
  uint64_t next_seq = 1;              // guarded by decide_mu
  std::shared_ptr<CommitGroup> open;  // guarded by decide_mu; never null
  std::unordered_map<std::string, Staged> staged;  // guarded by decide_mu; key: cf byte + key
  Status failed;                                   // guarded by decide_mu: first write error
  std::mutex commit_mu;
  std::condition_variable commit_cv;
  bool committing = false;  // guarded by commit_mu
};

// The key of a staged write: the column family's byte, then the key.
inline std::string StagedKey(ColumnFamily cf, std::string_view key) {
  std::string k(1, static_cast<char>(cf));
  k.append(key);
  return k;
}

}  // namespace newscrawl::store
