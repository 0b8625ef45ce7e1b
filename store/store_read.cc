// Store: lookups, the change feed, cursors, statistics and the reserved key-value spaces.
#include <rocksdb/write_batch.h>

#include <filesystem>
#include <thread>

#include "common/url.h"
#include "store/store_internal.h"

namespace newscrawl::store {
namespace {

ColumnFamily CfOf(ReservedSpace space) {
  switch (space) {
    case ReservedSpace::kFrontier:
      return ColumnFamily::kFrontier;
    case ReservedSpace::kHostState:
      return ColumnFamily::kHostState;
    case ReservedSpace::kRobots:
      return ColumnFamily::kRobots;
  }
  return ColumnFamily::kFrontier;
}

bool LooksLikeId(std::string_view s) { return EncodeId(s).ok(); }

}  // namespace

Result<std::string> StoreImpl::GetRecordJson(std::string_view id, uint32_t version) const {
  auto raw = EncodeId(id);
  if (!raw.ok()) return raw.status();
  std::string value;
  rocksdb::Status s = handles_->db->Get(rocksdb::ReadOptions(), Cf(ColumnFamily::kVersions),
                                        VersionKey(raw.value(), version), &value);
  if (s.IsNotFound())
    return Status::NotFound("article " + std::string(id) + " has no version " +
                            std::to_string(version));
  if (!s.ok()) return FromRocks(s, "reading article " + std::string(id));
  return value;
}

Result<std::string> StoreImpl::GetJsonById(std::string_view id) const {
  if (!LooksLikeId(id)) return Status::InvalidArgument("article id must be 16 hex digits");
  std::string value;
  rocksdb::Status s = handles_->db->Get(rocksdb::ReadOptions(), Cf(ColumnFamily::kArticles),
                                        EncodeId(id).value(), &value);
  if (s.IsNotFound()) return Status::NotFound("no article with id " + std::string(id));
  if (!s.ok()) return FromRocks(s, "reading article " + std::string(id));
  auto head = DecodeArticleHead(value);
  if (!head.ok()) return head.status().WithContext("article " + std::string(id));
  return GetRecordJson(id, head->version);
}

Result<std::string> StoreImpl::GetJsonByUrl(std::string_view url) const {
  auto key = CanonicalizeUrl(url);
  if (!key.ok()) return key.status();
  std::string raw_id;
  rocksdb::Status s =
      handles_->db->Get(rocksdb::ReadOptions(), Cf(ColumnFamily::kUrlIndex), key.value(), &raw_id);
  if (s.IsNotFound()) return Status::NotFound("no article at " + key.value());
  if (!s.ok()) return FromRocks(s, "reading the URL index");
  return GetJsonById(DecodeId(raw_id));
}

namespace {

Result<Article> ParseStoredRecord(const Result<std::string>& json, std::string_view what) {
  if (!json.ok()) return json.status();
  auto article = ArticleFromJson(json.value());
  if (!article.ok())
    return Status::Corruption("record of article " + std::string(what) + ": " +
                              article.status().message());
  return article;
}

}  // namespace

Result<Article> StoreImpl::GetById(std::string_view id) const {
  return ParseStoredRecord(GetJsonById(id), id);
}

Result<Article> StoreImpl::GetByUrl(std::string_view url) const {
  return ParseStoredRecord(GetJsonByUrl(url), url);
}

uint64_t StoreImpl::LastSeq() const {
  std::lock_guard<std::mutex> lock(seq_mu_);
  return last_seq_;
}

Status StoreImpl::ForEachChange(
    uint64_t after, size_t limit,
    const std::function<bool(const ChangeEvent&, std::string_view record_json)>& fn) const {
  rocksdb::ReadOptions ro;
  // Never read past the last event this Store has published, so a reader never sees an
  // event before LastSeq() says it exists (and never a later one out of order).
  const uint64_t last = LastSeq();
  std::unique_ptr<rocksdb::Iterator> it(
      handles_->db->NewIterator(ro, Cf(ColumnFamily::kChangeLog)));
  size_t n = 0;
  std::string record;
  for (it->Seek(SeqKey(after + 1)); it->Valid(); it->Next()) {
    auto seq = ParseSeqKey(it->key().ToStringView());
    if (!seq.ok()) return seq.status().WithContext("change log");
    if (seq.value() > last) break;
    auto entry = DecodeChangeLogEntry(it->value().ToStringView());
    if (!entry.ok()) return entry.status().WithContext("change log seq " + std::to_string(*seq));
    ChangeEvent event{seq.value(), entry->kind, entry->id, entry->version};
    auto raw = EncodeId(entry->id).value();
    rocksdb::Status s = handles_->db->Get(ro, Cf(ColumnFamily::kVersions),
                                          VersionKey(raw, entry->version), &record);
    if (s.IsNotFound())
      return Status::Corruption("change log seq " + std::to_string(event.seq) +
                                " points to a missing record (article " + entry->id + " version " +
                                std::to_string(entry->version) + ")");
    if (!s.ok()) return FromRocks(s, "reading the record of seq " + std::to_string(event.seq));
    if (!fn(event, record)) return Status::Ok();
    if (limit != 0 && ++n >= limit) return Status::Ok();
  }
  return FromRocks(it->status(), "reading the change log");
}

uint64_t StoreImpl::WaitForChanges(uint64_t after, std::chrono::milliseconds timeout) {
  if (options_.read_only) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      (void)Refresh();
      uint64_t last = LastSeq();
      if (last > after || std::chrono::steady_clock::now() >= deadline) return last;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  std::unique_lock<std::mutex> lock(seq_mu_);
  seq_cv_.wait_for(lock, timeout, [&] { return last_seq_ > after; });
  return last_seq_;
}

Status StoreImpl::Refresh() {
  if (!options_.read_only) return Status::Ok();
  rocksdb::Status s = handles_->db->TryCatchUpWithPrimary();
  if (!s.ok()) return FromRocks(s, "catching up with the writer of " + path_);
  std::unique_ptr<rocksdb::Iterator> it(
      handles_->db->NewIterator(rocksdb::ReadOptions(), Cf(ColumnFamily::kChangeLog)));
  it->SeekToLast();
  if (it->Valid()) {
    auto seq = ParseSeqKey(it->key().ToStringView());
    if (seq.ok()) {
      std::lock_guard<std::mutex> lock(seq_mu_);
      last_seq_ = seq.value();
    }
  }
  return FromRocks(it->status(), "reading the change log");
}

Result<uint64_t> StoreImpl::GetCursor(std::string_view consumer) const {
  std::string value;
  rocksdb::Status s = handles_->db->Get(rocksdb::ReadOptions(), Cf(ColumnFamily::kCursors),
                                        rocksdb::Slice(consumer.data(), consumer.size()), &value);
  if (s.IsNotFound()) return uint64_t{0};
  if (!s.ok()) return FromRocks(s, "reading cursor " + std::string(consumer));
  return DecodeU64(value);
}

Status StoreImpl::SetCursor(std::string_view consumer, uint64_t seq) {
  if (options_.read_only) return Status::FailedPrecondition("store " + path_ + " is read-only");
  if (consumer.empty()) return Status::InvalidArgument("consumer name is empty");
  rocksdb::Status s =
      handles_->db->Put(handles_->write_options, Cf(ColumnFamily::kCursors),
                        rocksdb::Slice(consumer.data(), consumer.size()), EncodeU64(seq));
  return FromRocks(s, "writing cursor " + std::string(consumer));
}

Result<StoreStats> StoreImpl::Stats() const {
  StoreStats stats;
  stats.last_seq = LastSeq();
  std::string value;
  rocksdb::Status s = handles_->db->Get(rocksdb::ReadOptions(), kMetaCounters, &value);
  if (!s.ok()) return FromRocks(s, "reading the counters");
  auto counters = DecodeCounters(value);
  if (!counters.ok()) return counters.status();
  stats.counters = counters.value();
  for (int i = 0; i < static_cast<int>(ColumnFamily::kCount); ++i) {
    ColumnFamilySize size;
    size.name = ColumnFamilyName(static_cast<ColumnFamily>(i));
    auto* cf = Cf(static_cast<ColumnFamily>(i));
    uint64_t v = 0;
    // Files on disk only: memtable sizes are arena allocations, not data, and were reported
    // ~10x too large when added in.
    for (const char* prop : {"rocksdb.total-sst-files-size", "rocksdb.total-blob-file-size"})
      if (handles_->db->GetIntProperty(cf, prop, &v)) size.bytes += v;
    if (handles_->db->GetIntProperty(cf, "rocksdb.estimate-num-keys", &v)) size.estimated_keys = v;
    stats.column_families.push_back(size);
  }
  // Every file of the store directory (SSTs, blobs, WAL, MANIFEST, OPTIONS...), as `du -b`.
  std::error_code ec;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path_, ec)) {
    if (entry.is_regular_file(ec)) stats.total_bytes += entry.file_size(ec);
  }
  return stats;
}

Status StoreImpl::Put(ReservedSpace space, std::string_view key, std::string_view value) {
  if (options_.read_only) return Status::FailedPrecondition("store " + path_ + " is read-only");
  return FromRocks(handles_->db->Put(handles_->write_options, Cf(CfOf(space)),
                                     rocksdb::Slice(key.data(), key.size()),
                                     rocksdb::Slice(value.data(), value.size())),
                   "writing to " + std::string(ColumnFamilyName(CfOf(space))));
}

Result<std::string> StoreImpl::Get(ReservedSpace space, std::string_view key) const {
  std::string value;
  rocksdb::Status s = handles_->db->Get(rocksdb::ReadOptions(), Cf(CfOf(space)),
                                        rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound())
    return Status::NotFound("no such key in " + std::string(ColumnFamilyName(CfOf(space))));
  if (!s.ok()) return FromRocks(s, "reading " + std::string(ColumnFamilyName(CfOf(space))));
  return value;
}

Status StoreImpl::Delete(ReservedSpace space, std::string_view key) {
  if (options_.read_only) return Status::FailedPrecondition("store " + path_ + " is read-only");
  return FromRocks(handles_->db->Delete(handles_->write_options, Cf(CfOf(space)),
                                        rocksdb::Slice(key.data(), key.size())),
                   "deleting from " + std::string(ColumnFamilyName(CfOf(space))));
}

Status StoreImpl::Scan(ReservedSpace space, std::string_view prefix,
                       const std::function<bool(std::string_view, std::string_view)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(
      handles_->db->NewIterator(rocksdb::ReadOptions(), Cf(CfOf(space))));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    std::string_view key = it->key().ToStringView();
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!fn(key, it->value().ToStringView())) break;
  }
  return FromRocks(it->status(), "scanning " + std::string(ColumnFamilyName(CfOf(space))));
}

}  // namespace newscrawl::store
