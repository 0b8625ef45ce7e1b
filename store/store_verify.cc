// StoreImpl::Verify: a full consistency check of the store's invariants.
#include <set>

#include "store/store_internal.h"

namespace newscrawl::store {
namespace {

Status Violation(const std::string& what) { return Status::Corruption("store check: " + what); }

}  // namespace

Status StoreImpl::Verify() const {
  rocksdb::DB* db = handles_->db.get();
  rocksdb::ReadOptions ro;
  // One snapshot for the whole check, so a concurrent ingest cannot make it fail.
  // (A read-only store changes only on Refresh() and has no snapshots.)
  const rocksdb::Snapshot* snapshot = options_.read_only ? nullptr : db->GetSnapshot();
  ro.snapshot = snapshot;
  struct Release {
    rocksdb::DB* db;
    const rocksdb::Snapshot* s;
    ~Release() {
      if (s) db->ReleaseSnapshot(s);
    }
  } release{db, snapshot};
  auto iterate = [&](ColumnFamily cf) {
    return std::unique_ptr<rocksdb::Iterator>(db->NewIterator(ro, Cf(cf)));
  };

  std::string value;
  rocksdb::Status s = db->Get(ro, kMetaCounters, &value);
  if (!s.ok()) return Violation("no counters");
  auto counters = DecodeCounters(value);
  if (!counters.ok()) return counters.status();

  // Change log: 1, 2, ..., N; each record present and stamped with its seq.
  uint64_t expected = 1;
  std::string record;
  auto log = iterate(ColumnFamily::kChangeLog);
  for (log->SeekToFirst(); log->Valid(); log->Next(), ++expected) {
    auto seq = ParseSeqKey(log->key().ToStringView());
    if (!seq.ok()) return seq.status();
    if (*seq != expected)
      return Violation("change log jumps from seq " + std::to_string(expected - 1) + " to " +
                       std::to_string(*seq));
    auto entry = DecodeChangeLogEntry(log->value().ToStringView());
    if (!entry.ok()) return entry.status();
    s = db->Get(ro, Cf(ColumnFamily::kVersions),
                VersionKey(EncodeId(entry->id).value(), entry->version), &record);
    if (!s.ok()) return Violation("seq " + std::to_string(*seq) + " points to a missing record");
    auto article = ArticleFromJson(record);
    if (!article.ok() || article->seq != *seq || article->id != entry->id)
      return Violation("record of seq " + std::to_string(*seq) + " does not carry that seq/id");
  }
  if (!log->status().ok()) return FromRocks(log->status(), "store check");
  const uint64_t events = expected - 1;
  if (events != counters->versions || events != LastSeq())
    return Violation(std::to_string(events) + " events but " + std::to_string(counters->versions) +
                     " counted versions, last seq " + std::to_string(LastSeq()));

  // Heads: versions 1..latest, URL indexed, counters.
  std::set<std::string> ids;
  uint64_t duplicates = 0;
  auto heads = iterate(ColumnFamily::kArticles);
  for (heads->SeekToFirst(); heads->Valid(); heads->Next()) {
    std::string raw(heads->key().ToStringView());
    std::string id = DecodeId(raw);
    auto head = DecodeArticleHead(heads->value().ToStringView());
    if (!head.ok()) return head.status().WithContext("article " + id);
    for (uint32_t v = 1; v <= head->version; ++v)
      if (!db->Get(ro, Cf(ColumnFamily::kVersions), VersionKey(raw, v), &record).ok())
        return Violation("article " + id + " lacks version " + std::to_string(v));
    s = db->Get(ro, Cf(ColumnFamily::kUrlIndex), head->canonical_url, &value);
    if (!s.ok() || value != raw) return Violation("article " + id + " is not in the URL index");
    if (!head->duplicate_of.empty()) ++duplicates;
    ids.insert(raw);
  }
  if (ids.size() != counters->articles || duplicates != counters->duplicates)
    return Violation(std::to_string(ids.size()) + " articles / " + std::to_string(duplicates) +
                     " duplicates stored but counters say " + std::to_string(counters->articles) +
                     " / " + std::to_string(counters->duplicates));

  // Indexes point at stored articles.
  for (ColumnFamily cf : {ColumnFamily::kUrlIndex, ColumnFamily::kHashIndex}) {
    auto it = iterate(cf);
    for (it->SeekToFirst(); it->Valid(); it->Next())
      if (!ids.count(std::string(it->value().ToStringView())))
        return Violation(std::string(ColumnFamilyName(cf)) + " entry points to a missing article");
  }
  auto bands = iterate(ColumnFamily::kBandIndex);
  for (bands->SeekToFirst(); bands->Valid(); bands->Next())
    for (const auto& raw : DecodeBandIds(bands->value().ToStringView()))
      if (!ids.count(raw) || !db->Get(ro, Cf(ColumnFamily::kSignatures), raw, &value).ok())
        return Violation("band index names article " + DecodeId(raw) +
                         " which is not stored with a signature");
  return Status::Ok();
}

}  // namespace newscrawl::store
