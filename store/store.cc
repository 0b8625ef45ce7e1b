// Store: open, ingest (dedup + one WriteBatch) and sequence numbers. Reads are in store_read.cc.
#include "store/store.h"

#include <rocksdb/write_batch.h>

#include <map>
#include <set>

#include "common/fingerprint.h"
#include "common/url.h"
#include "store/near_dup.h"
#include "store/store_internal.h"

namespace newscrawl::store {
namespace {

// Bound on the originals remembered per band key; older ones drop out of near-dup detection.
constexpr size_t kMaxBandEntries = 64;

// The URL index key of a page: its rel=canonical / og:url when that is on the same site as the
// fetched URL (a page may not claim another site's URL), else its fetched URL; canonicalised.
Result<std::string> IndexUrlOf(const Article& a, std::string* fetched_key) {
  auto fetched = CanonicalizeUrl(a.url);
  if (!fetched.ok()) return fetched.status().WithContext("article url \"" + a.url + "\"");
  *fetched_key = fetched.value();
  if (!a.canonical_url.empty() && SameSite(a.canonical_url, a.url)) {
    auto declared = CanonicalizeUrl(a.canonical_url);
    if (declared.ok()) return declared;
  }
  return fetched;
}

// ArticleToJson ends with the three members only the store assigns. The ~5 KB record is
// serialised before the writer lock with them unset, and completed under it.
constexpr std::string_view kUnsetTail = R"(,"duplicate_of":null,"version":null,"seq":null})";

std::string RecordWithoutStoreFields(Article a) {
  a.duplicate_of.clear();
  a.version = 0;
  a.seq = 0;
  return ArticleToJson(a);
}

std::string CompleteRecord(std::string json, const Article& a) {
  if (json.size() < kUnsetTail.size() ||
      std::string_view(json).substr(json.size() - kUnsetTail.size()) != kUnsetTail)
    return ArticleToJson(a);  // the layout changed: take the slow, always-right path
  json.resize(json.size() - kUnsetTail.size());
  json += ",\"duplicate_of\":";
  json += a.duplicate_of.empty() ? "null" : "\"" + a.duplicate_of + "\"";  // hex: no escaping
  json += ",\"version\":" + std::to_string(a.version) + ",\"seq\":" + std::to_string(a.seq) + "}";
  return json;
}

}  // namespace

Store::Store(std::string path, StoreOptions options, std::unique_ptr<Handles> handles)
    : path_(std::move(path)), options_(options), handles_(std::move(handles)) {}

Store::~Store() = default;

rocksdb::ColumnFamilyHandle* Store::Cf(ColumnFamily cf) const {
  return handles_->cfs[static_cast<size_t>(cf)];
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& path, const StoreOptions& options) {
  auto handles = OpenHandles(path, options);
  if (!handles.ok()) return handles.status();
  std::unique_ptr<Store> store(new Store(path, options, std::move(handles).value()));
  // Counters and the last sequence number are re-read; the batch that wrote them is atomic.
  rocksdb::DB* db = store->handles_->db.get();
  std::string value;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), kMetaCounters, &value);
  if (!s.ok()) return FromRocks(s, "reading the counters of store " + path);
  auto counters = DecodeCounters(value);
  if (!counters.ok()) return counters.status().WithContext("store " + path);
  store->counters_ = counters.value();
  std::unique_ptr<rocksdb::Iterator> it(
      db->NewIterator(rocksdb::ReadOptions(), store->Cf(ColumnFamily::kChangeLog)));
  it->SeekToLast();
  if (it->Valid()) {
    auto seq = ParseSeqKey(it->key().ToStringView());
    if (!seq.ok()) return seq.status().WithContext("change log of store " + path);
    store->last_seq_ = seq.value();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the change log of " + path);
  if (store->last_seq_ != store->counters_.versions)
    return Status::Corruption("store " + path + ": change log ends at seq " +
                              std::to_string(store->last_seq_) + " but " +
                              std::to_string(store->counters_.versions) + " versions are counted");
  return store;
}

Result<Store::DedupLookup> Store::DuplicateOf(const std::string& content_hash,
                                              const NearDupProbe& probe,
                                              std::string_view self_raw_id) const {
  rocksdb::DB* db = handles_->db.get();
  rocksdb::ReadOptions ro;
  DedupLookup lookup;
  std::string value;
  std::string original_raw;
  // Exact: the same normalised text under another URL.
  rocksdb::Status s = db->Get(ro, Cf(ColumnFamily::kHashIndex), content_hash, &value);
  lookup.hash_indexed = s.ok();
  if (s.ok() && value != self_raw_id) {
    original_raw = value;
  } else if (!s.ok() && !s.IsNotFound()) {
    return FromRocks(s, "reading the content hash index");
  }
  // Near: originals sharing a band key, verified on their signatures.
  if (original_raw.empty() && !probe.index_keys.empty()) {
    std::vector<rocksdb::Slice> keys(probe.index_keys.begin(), probe.index_keys.end());
    std::vector<rocksdb::PinnableSlice> values(keys.size());
    std::vector<rocksdb::Status> statuses(keys.size());
    db->MultiGet(ro, Cf(ColumnFamily::kBandIndex), keys.size(), keys.data(), values.data(),
                 statuses.data());
    std::set<std::string> seen;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (statuses[i].IsNotFound()) {
        lookup.band_values[probe.index_keys[i]] = "";
        continue;
      }
      if (!statuses[i].ok()) return FromRocks(statuses[i], "reading the band index");
      lookup.band_values[probe.index_keys[i]] = values[i].ToString();
      if (!original_raw.empty()) continue;
      for (const auto& raw : DecodeBandIds(values[i].ToStringView())) {
        if (raw == self_raw_id || !seen.insert(raw).second) continue;
        std::string other;
        s = db->Get(ro, Cf(ColumnFamily::kSignatures), raw, &other);
        if (s.IsNotFound()) continue;
        if (!s.ok()) return FromRocks(s, "reading a near-duplicate signature");
        if (SignaturesMatch(probe.signature, other)) {
          original_raw = raw;
          break;
        }
      }
    }
  }
  if (original_raw.empty()) return lookup;
  // Point at the root: an original that later became a duplicate itself passes its original on.
  lookup.duplicate_of = DecodeId(original_raw);
  s = db->Get(ro, Cf(ColumnFamily::kArticles), original_raw, &value);
  if (s.ok()) {
    auto head = DecodeArticleHead(value);
    if (head.ok() && !head->duplicate_of.empty()) lookup.duplicate_of = head->duplicate_of;
  }
  return lookup;
}

Result<IngestResult> Store::Ingest(Article article) {
  if (options_.read_only) return Status::FailedPrecondition("store " + path_ + " is read-only");
  if (!article.is_article)
    return Status::InvalidArgument("not an article (" + article.not_article_reason +
                                   "): not stored");
  std::string fetched_key;
  auto index_url = IndexUrlOf(article, &fetched_key);
  if (!index_url.ok()) return index_url.status();
  article.canonical_url = index_url.value();
  article.id = ArticleIdFor(article.canonical_url);
  auto raw_id_or = EncodeId(article.id);
  if (!raw_id_or.ok()) return Status::Internal("ArticleIdFor returned \"" + article.id + "\"");
  const std::string raw_id = raw_id_or.value();
  // The expensive part (normalising, tokenising, hashing): outside the lock.
  NearDupProbe probe = MakeNearDupProbe(article);
  article.simhash = probe.simhash;
  if (article.content_hash.empty()) article.content_hash = probe.content_hash;
  std::string record = RecordWithoutStoreFields(article);

  std::lock_guard<std::mutex> lock(write_mu_);
  rocksdb::DB* db = handles_->db.get();
  rocksdb::ReadOptions ro;
  std::string value;
  std::optional<ArticleHead> old;
  rocksdb::Status s = db->Get(ro, Cf(ColumnFamily::kArticles), raw_id, &value);
  if (s.ok()) {
    auto head = DecodeArticleHead(value);
    if (!head.ok()) return head.status().WithContext("article " + article.id);
    old = head.value();
  } else if (!s.IsNotFound()) {
    return FromRocks(s, "reading article " + article.id);
  }
  if (old && old->content_hash == article.content_hash) {
    auto stored = GetById(article.id);
    if (!stored.ok()) return stored.status();
    return IngestResult{std::move(stored).value(), EventKind::kNone};
  }

  auto dup = DuplicateOf(article.content_hash, probe, raw_id);
  if (!dup.ok()) return dup.status();
  const uint64_t seq = last_seq_ + 1;  // only this thread (write_mu_) advances last_seq_
  article.duplicate_of = dup->duplicate_of;
  article.version = old ? old->version + 1 : 1;
  article.seq = seq;
  EventKind kind = old                             ? EventKind::kVersion
                   : !article.duplicate_of.empty() ? EventKind::kDuplicate
                                                   : EventKind::kNew;

  rocksdb::WriteBatch batch;
  batch.Put(Cf(ColumnFamily::kVersions), VersionKey(raw_id, article.version),
            CompleteRecord(std::move(record), article));
  ArticleHead head{article.version,      seq,
                   article.simhash,      article.content_hash,
                   article.duplicate_of, article.canonical_url};
  batch.Put(Cf(ColumnFamily::kArticles), raw_id, EncodeArticleHead(head));
  if (!old) batch.Put(Cf(ColumnFamily::kUrlIndex), article.canonical_url, raw_id);
  if (fetched_key != article.canonical_url) {
    // The fetched URL finds the article too, unless it already names an article of its own.
    s = db->Get(ro, Cf(ColumnFamily::kUrlIndex), fetched_key, &value);
    if (s.IsNotFound()) batch.Put(Cf(ColumnFamily::kUrlIndex), fetched_key, raw_id);
  }

  // Dedup indexes hold originals only; a new version replaces the old text's entries.
  std::map<std::string, std::string>& bands = dup->band_values;  // band key -> new value
  auto band_value = [&](const std::string& key) -> std::string& {
    auto it = bands.find(key);
    if (it != bands.end()) return it->second;
    std::string v;
    db->Get(ro, Cf(ColumnFamily::kBandIndex), key, &v).PermitUncheckedError();
    return bands[key] = v;
  };
  if (old && old->duplicate_of.empty()) {
    s = db->Get(ro, Cf(ColumnFamily::kHashIndex), old->content_hash, &value);
    if (s.ok() && value == raw_id) batch.Delete(Cf(ColumnFamily::kHashIndex), old->content_hash);
    std::string old_signature;
    s = db->Get(ro, Cf(ColumnFamily::kSignatures), raw_id, &old_signature);
    if (s.ok())
      for (const auto& key : IndexKeysOfSignature(old_signature))
        band_value(key) = RemoveBandId(band_value(key), raw_id);
    batch.Delete(Cf(ColumnFamily::kSignatures), raw_id);
  }
  if (article.duplicate_of.empty()) {
    if (!dup->hash_indexed) batch.Put(Cf(ColumnFamily::kHashIndex), article.content_hash, raw_id);
    for (const auto& key : probe.index_keys)
      band_value(key) = AppendBandId(band_value(key), raw_id, kMaxBandEntries);
    batch.Put(Cf(ColumnFamily::kSignatures), raw_id, probe.signature);
  }
  for (const auto& [key, v] : bands) {
    if (v.empty())
      batch.Delete(Cf(ColumnFamily::kBandIndex), key);
    else
      batch.Put(Cf(ColumnFamily::kBandIndex), key, v);
  }

  batch.Put(Cf(ColumnFamily::kChangeLog), SeqKey(seq),
            EncodeChangeLogEntry({kind, article.id, article.version}));
  Counters counters = counters_;
  counters.articles += old ? 0 : 1;
  counters.duplicates += article.duplicate_of.empty() ? 0 : 1;
  counters.duplicates -= old && !old->duplicate_of.empty() ? 1 : 0;
  counters.versions += 1;
  batch.Put(kMetaCounters, EncodeCounters(counters));

  s = db->Write(handles_->write_options, &batch);
  if (!s.ok()) return FromRocks(s, "storing article " + article.id);
  counters_ = counters;
  {
    std::lock_guard<std::mutex> seq_lock(seq_mu_);
    last_seq_ = seq;
  }
  seq_cv_.notify_all();
  return IngestResult{std::move(article), kind};
}

}  // namespace newscrawl::store
