// Store: open, the commit of ingest groups and sequence numbers. Ingest (dedup and the decision
// of each article) is in store_ingest.cc, reads in store_read.cc.
#include "store/store.h"

#include "store/store_pipeline.h"

namespace newscrawl::store {

StoreImpl::StoreImpl(std::string path, StoreOptions options, std::unique_ptr<StoreHandles> handles)
    : path_(std::move(path)),
      options_(options),
      handles_(std::move(handles)),
      pipeline_(std::make_unique<Pipeline>()) {
  pipeline_->open = std::make_shared<CommitGroup>();
}

StoreImpl::~StoreImpl() = default;

rocksdb::ColumnFamilyHandle* StoreImpl::Cf(ColumnFamily cf) const {
  return handles_->cfs[static_cast<size_t>(cf)];
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options) {
  auto handles = OpenHandles(path, options);
  if (!handles.ok()) return handles.status();
  auto store = std::make_unique<StoreImpl>(path, options, std::move(handles).value());
  // Counters and the last sequence number are re-read; the batch that wrote them is atomic.
  rocksdb::DB* db = store->handles_->db.get();
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), kMetaCounters, &value);
  if (!s.ok()) return FromRocks(s, "reading the counters of store " + path);
  auto counters = DecodeCounters(value);
  if (!counters.ok()) return counters.status().WithContext("store " + path);
  store->pipeline_->counters = counters.value();
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), store->Cf(ColumnFamily::kChangeLog)));
  it->SeekToLast();
  if (it->Valid()) {
    auto seq = ParseSeqKey(it->key().ToStringView());
    if (!seq.ok()) return seq.status().WithContext("change log of store " + path);
    store->last_seq_ = seq.value();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the change log of " + path);
  if (store->last_seq_ != store->pipeline_->counters.versions)
    return Status::Corruption(
        "store " + path + ": change log ends at seq " + std::to_string(store->last_seq_) + " but " +
        std::to_string(store->pipeline_->counters.versions) + " versions are counted");
  store->pipeline_->next_seq = store->last_seq_ + 1;
  return std::unique_ptr<Store>(std::move(store));
}

rocksdb::Status StoreImpl::ReadForDecision(ColumnFamily cf, const std::string& key,
                                           std::string* value,
                                           std::shared_ptr<CommitGroup>* writer) const {
  auto it = pipeline_->staged.find(StagedKey(cf, key));
  if (it != pipeline_->staged.end()) {
    if (writer) *writer = it->second.writer;
    if (!it->second.value) return rocksdb::Status::NotFound();
    *value = *it->second.value;
    return rocksdb::Status::OK();
  }
  return handles_->db->Get(rocksdb::ReadOptions(), Cf(cf), key, value);
}

Status StoreImpl::WaitUntilWritten(const std::shared_ptr<CommitGroup>& group) {
  Pipeline& p = *pipeline_;
  std::unique_lock<std::mutex> commit_lock(p.commit_mu);
  while (!group->done) {
    if (p.committing) {
      p.commit_cv.wait(commit_lock);
      continue;
    }
    // No write in progress, so `group` is still the open one: close it and write it.
    p.committing = true;
    commit_lock.unlock();
    std::shared_ptr<CommitGroup> closed;
    Status status;
    {
      std::lock_guard<std::mutex> lock(p.decide_mu);
      closed = std::move(p.open);
      p.open = std::make_shared<CommitGroup>();
      status = p.failed;
    }
    if (status.ok()) {
      rocksdb::Status s = handles_->db->Write(handles_->write_options, &closed->batch);
      status = FromRocks(s, "storing articles up to seq " + std::to_string(closed->last_seq) +
                                " (store " + path_ + "; reopen it to ingest again)");
    }
    {
      std::lock_guard<std::mutex> lock(p.decide_mu);
      if (!status.ok()) {
        if (p.failed.ok()) p.failed = status;  // later decisions may depend on this group
      } else {
        for (const auto& key : closed->staged_keys) {
          auto it = p.staged.find(key);
          if (it != p.staged.end() && it->second.writer == closed) p.staged.erase(it);
        }
      }
    }
    if (status.ok() && closed->last_seq != 0) {
      std::lock_guard<std::mutex> seq_lock(seq_mu_);
      last_seq_ = closed->last_seq;
    }
    seq_cv_.notify_all();
    commit_lock.lock();
    closed->status = status;
    closed->done = true;
    p.committing = false;
    p.commit_cv.notify_all();
  }
  return group->status;
}

}  // namespace newscrawl::store
