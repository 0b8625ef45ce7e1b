// Store: ingest: the dedup lookups and the decision of each article, staged into the open
// commit group (store_pipeline.h), which store.cc writes as one WriteBatch.
#include "store/store.h"

#include <rocksdb/write_batch.h>

#include <map>
#include <optional>
#include <set>
#include <unordered_map>

#include "common/article_identity.h"
#include "common/text.h"
#include "store/near_dup.h"
#include "store/store_pipeline.h"

namespace newscrawl::store {
namespace {

// Bound on the originals remembered per band key; older ones drop out of near-dup detection.
constexpr size_t kMaxBandEntries = 64;

// What differs between the stored head `old` and `a` (Article::changed: title, text,
// published_at, modified_at). Whitespace in a title is rendering, not a change; a head without
// the meta block (older stores) compares the text only.
std::vector<std::string> ChangedFields(const ArticleHead& old, const Article& a) {
  std::vector<std::string> changed;
  if (old.has_meta && text::CollapseWhitespace(old.title) != text::CollapseWhitespace(a.title))
    changed.push_back("title");
  if (old.content_hash != a.content_hash) changed.push_back("text");
  if (old.has_meta && old.published_at != a.published_at) changed.push_back("published_at");
  if (old.has_meta && old.modified_at != a.modified_at) changed.push_back("modified_at");
  return changed;
}

// ArticleToJson ends with the members only the store assigns. The ~5 KB record is
// serialised before the writer lock with them unset, and completed under it.
constexpr std::string_view kUnsetTail =
    R"(,"changed":[],"duplicate_of":null,"version":null,"seq":null})";

std::string RecordWithoutStoreFields(Article a) {
  a.changed.clear();
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
  json += ",\"changed\":[";
  for (size_t i = 0; i < a.changed.size(); ++i)
    json += (i ? ",\"" : "\"") + a.changed[i] + "\"";  // fixed ASCII names: no escaping
  json += "],\"duplicate_of\":";
  json += a.duplicate_of.empty() ? "null" : "\"" + a.duplicate_of + "\"";  // hex: no escaping
  json += ",\"version\":" + std::to_string(a.version) + ",\"seq\":" + std::to_string(a.seq) + "}";
  return json;
}

}  // namespace

Result<StoreImpl::DedupLookup> StoreImpl::DuplicateOf(const std::string& content_hash,
                                                      const NearDupProbe& probe,
                                                      std::string_view self_raw_id) const {
  rocksdb::DB* db = handles_->db.get();
  DedupLookup lookup;
  std::string value;
  std::string original_raw;
  // Exact: the same normalised text under another URL.
  rocksdb::Status s = ReadForDecision(ColumnFamily::kHashIndex, content_hash, &value);
  lookup.hash_indexed = s.ok();
  if (s.ok() && value != self_raw_id) {
    original_raw = value;
  } else if (!s.ok() && !s.IsNotFound()) {
    return FromRocks(s, "reading the content hash index");
  }
  // Near: originals sharing a band key, verified on their signatures.
  if (original_raw.empty() && !probe.index_keys.empty()) {
    // Staged values first; one MultiGet for the keys no unwritten group touches.
    std::vector<std::string> values(probe.index_keys.size());
    std::vector<rocksdb::Status> statuses(probe.index_keys.size());
    std::vector<rocksdb::Slice> keys;
    std::vector<size_t> positions;
    for (size_t i = 0; i < probe.index_keys.size(); ++i) {
      auto it = pipeline_->staged.find(StagedKey(ColumnFamily::kBandIndex, probe.index_keys[i]));
      if (it == pipeline_->staged.end()) {
        keys.emplace_back(probe.index_keys[i]);
        positions.push_back(i);
      } else if (it->second.value) {
        values[i] = *it->second.value;
      } else {
        statuses[i] = rocksdb::Status::NotFound();
      }
    }
    if (!keys.empty()) {
      std::vector<rocksdb::PinnableSlice> read(keys.size());
      std::vector<rocksdb::Status> read_statuses(keys.size());
      db->MultiGet(rocksdb::ReadOptions(), Cf(ColumnFamily::kBandIndex), keys.size(), keys.data(),
                   read.data(), read_statuses.data());
      for (size_t k = 0; k < keys.size(); ++k) {
        statuses[positions[k]] = read_statuses[k];
        if (read_statuses[k].ok()) values[positions[k]] = read[k].ToString();
      }
    }
    std::set<std::string> seen;
    for (size_t i = 0; i < probe.index_keys.size(); ++i) {
      if (statuses[i].IsNotFound()) {
        lookup.band_values[probe.index_keys[i]] = "";
        continue;
      }
      if (!statuses[i].ok()) return FromRocks(statuses[i], "reading the band index");
      lookup.band_values[probe.index_keys[i]] = values[i];
      if (!original_raw.empty()) continue;
      for (const auto& raw : DecodeBandIds(values[i])) {
        if (raw == self_raw_id || !seen.insert(raw).second) continue;
        std::string other;
        s = ReadForDecision(ColumnFamily::kSignatures, raw, &other);
        if (s.IsNotFound()) continue;
        if (!s.ok()) return FromRocks(s, "reading a near-duplicate signature");
        if (SignatureMatches(probe.parsed_signature, other)) {
          original_raw = raw;
          break;
        }
      }
    }
  }
  if (original_raw.empty()) return lookup;
  // Point at the root: an original that later became a duplicate itself passes its original on.
  lookup.duplicate_of = DecodeId(original_raw);
  s = ReadForDecision(ColumnFamily::kArticles, original_raw, &value);
  if (s.ok()) {
    auto head = DecodeArticleHead(value);
    if (head.ok() && !head->duplicate_of.empty()) lookup.duplicate_of = head->duplicate_of;
  }
  return lookup;
}

Status StoreImpl::CheckIngestable(const Article& article) const {
  if (options_.read_only) return Status::FailedPrecondition("store " + path_ + " is read-only");
  if (!article.is_article)
    return Status::InvalidArgument("not an article (" + article.not_article_reason +
                                   "): not stored");
  return Status::Ok();
}

Result<IngestResult> StoreImpl::Ingest(Article article) {
  NC_RETURN_IF_ERROR(CheckIngestable(article));
  // The expensive part (normalising, tokenising, hashing): outside the lock.
  auto identity = IdentifyArticle(article);
  if (!identity.ok()) return identity.status();
  return Ingest(std::move(article), identity.value());
}

Result<IngestResult> StoreImpl::Ingest(Article article, const ArticleIdentity& identity) {
  NC_RETURN_IF_ERROR(CheckIngestable(article));
  const std::string& fetched_key = identity.fetched_url;
  article.canonical_url = identity.index_url;
  article.id = identity.id;
  auto raw_id_or = EncodeId(article.id);
  if (!raw_id_or.ok()) return Status::Internal("ArticleIdFor returned \"" + article.id + "\"");
  const std::string raw_id = raw_id_or.value();
  NearDupProbe probe = MakeNearDupProbe(identity.text);
  article.simhash = probe.simhash;
  if (article.content_hash.empty()) article.content_hash = probe.content_hash;
  std::string record = RecordWithoutStoreFields(article);

  Pipeline& p = *pipeline_;
  std::shared_ptr<CommitGroup> group;  // the group to wait for
  EventKind kind = EventKind::kNone;
  {
    std::lock_guard<std::mutex> lock(p.decide_mu);
    if (!p.failed.ok()) return p.failed;
    std::string value;
    std::optional<ArticleHead> old;
    std::shared_ptr<CommitGroup> head_writer;
    rocksdb::Status s = ReadForDecision(ColumnFamily::kArticles, raw_id, &value, &head_writer);
    if (s.ok()) {
      auto head = DecodeArticleHead(value);
      if (!head.ok()) return head.status().WithContext("article " + article.id);
      old = head.value();
    } else if (!s.IsNotFound()) {
      return FromRocks(s, "reading article " + article.id);
    }
    // Written to the open group's batch and staged for the decisions taken before it is written.
    auto put = [&](ColumnFamily cf, const std::string& key, std::string v) {
      group->batch.Put(Cf(cf), key, v);
      std::string staged_key = StagedKey(cf, key);
      p.staged[staged_key] = Pipeline::Staged{std::move(v), group};
      group->staged_keys.push_back(std::move(staged_key));
    };
    auto erase = [&](ColumnFamily cf, const std::string& key) {
      group->batch.Delete(Cf(cf), key);
      std::string staged_key = StagedKey(cf, key);
      p.staged[staged_key] = Pipeline::Staged{std::nullopt, group};
      group->staged_keys.push_back(std::move(staged_key));
    };
    // An alias rendering (AMP, print: fetched URL != canonical URL) of a stored article adds its
    // URL and nothing else: aliases never make versions. The canonical page's own article makes
    // a version when its title, text or times changed (or it replaces an alias rendering).
    const bool from_alias = fetched_key != article.canonical_url;
    std::vector<std::string> changed;
    if (old && !from_alias) changed = ChangedFields(*old, article);
    const bool upgrade = old && old->from_alias && !from_alias;  // canonical replaces alias text
    if (old && (from_alias || changed.empty())) {
      group = head_writer;  // an unwritten identical version: report it once it is written
      const bool new_alias =
          from_alias && ReadForDecision(ColumnFamily::kUrlIndex, fetched_key, &value).IsNotFound();
      if (new_alias || upgrade) {
        // Written without an event: the alias's URL, or the head no longer marked as an alias's
        // (the canonical page's text is the alias's: nothing changed).
        group = p.open;
        if (new_alias) put(ColumnFamily::kUrlIndex, fetched_key, raw_id);
        if (upgrade) {
          ArticleHead head = *old;
          head.from_alias = false;
          head.has_meta = true;
          head.title = article.title;
          head.published_at = article.published_at;
          head.modified_at = article.modified_at;
          put(ColumnFamily::kArticles, raw_id, EncodeArticleHead(head));
        }
      }
    } else {
      auto dup = DuplicateOf(article.content_hash, probe, raw_id);
      if (!dup.ok()) return dup.status();
      group = p.open;
      const uint64_t seq = p.next_seq;
      article.duplicate_of = dup->duplicate_of;
      article.version = old ? old->version + 1 : 1;
      article.seq = seq;
      article.changed = std::move(changed);
      kind = old                             ? EventKind::kVersion
             : !article.duplicate_of.empty() ? EventKind::kDuplicate
                                             : EventKind::kNew;

      rocksdb::WriteBatch& batch = group->batch;
      // Records and change-log entries are never read by decisions: not staged.
      record = CompleteRecord(std::move(record), article);
      batch.Put(Cf(ColumnFamily::kVersions), VersionKey(raw_id, article.version), record);
      ArticleHead head{article.version,      seq,
                       article.simhash,      article.content_hash,
                       article.duplicate_of, article.canonical_url};
      head.has_meta = true;
      head.title = article.title;
      head.published_at = article.published_at;
      head.modified_at = article.modified_at;
      head.from_alias = from_alias;
      put(ColumnFamily::kArticles, raw_id, EncodeArticleHead(head));
      if (!old) put(ColumnFamily::kUrlIndex, article.canonical_url, raw_id);
      if (from_alias) {
        // The fetched URL finds the article too, unless it already names an article of its own.
        s = ReadForDecision(ColumnFamily::kUrlIndex, fetched_key, &value);
        if (s.IsNotFound()) put(ColumnFamily::kUrlIndex, fetched_key, raw_id);
      }

      // Dedup indexes hold originals only; a new version replaces the old text's entries.
      std::map<std::string, std::string>& bands = dup->band_values;  // band key -> new value
      auto band_value = [&](const std::string& key) -> std::string& {
        auto it = bands.find(key);
        if (it != bands.end()) return it->second;
        std::string v;
        ReadForDecision(ColumnFamily::kBandIndex, key, &v).PermitUncheckedError();
        return bands[key] = v;
      };
      if (old && old->duplicate_of.empty()) {
        s = ReadForDecision(ColumnFamily::kHashIndex, old->content_hash, &value);
        if (s.ok() && value == raw_id) erase(ColumnFamily::kHashIndex, old->content_hash);
        std::string old_signature;
        s = ReadForDecision(ColumnFamily::kSignatures, raw_id, &old_signature);
        if (s.ok())
          for (const auto& key : IndexKeysOfSignature(old_signature))
            band_value(key) = RemoveBandId(band_value(key), raw_id);
        erase(ColumnFamily::kSignatures, raw_id);
      }
      if (article.duplicate_of.empty()) {
        if (!dup->hash_indexed) put(ColumnFamily::kHashIndex, article.content_hash, raw_id);
        for (const auto& key : probe.index_keys)
          band_value(key) = AppendBandId(band_value(key), raw_id, kMaxBandEntries);
        put(ColumnFamily::kSignatures, raw_id, probe.signature);
      }
      for (auto& [key, v] : bands) {
        if (v.empty())
          erase(ColumnFamily::kBandIndex, key);
        else
          put(ColumnFamily::kBandIndex, key, std::move(v));
      }

      batch.Put(Cf(ColumnFamily::kChangeLog), SeqKey(seq),
                EncodeChangeLogEntry({kind, article.id, article.version}));
      Counters& counters = p.counters;
      counters.articles += old ? 0 : 1;
      counters.duplicates += article.duplicate_of.empty() ? 0 : 1;
      counters.duplicates -= old && !old->duplicate_of.empty() ? 1 : 0;
      counters.versions += 1;
      batch.Put(kMetaCounters, EncodeCounters(counters));  // the group's last one stays
      group->last_seq = seq;
      p.next_seq = seq + 1;
    }
  }

  if (group) NC_RETURN_IF_ERROR(WaitUntilWritten(group));
  if (kind == EventKind::kNone) {
    auto json = GetJsonById(article.id);
    if (!json.ok()) return json.status();
    auto stored = ArticleFromJson(json.value());
    if (!stored.ok()) return stored.status().WithContext("record of article " + article.id);
    return IngestResult{std::move(stored).value(), EventKind::kNone, std::move(json).value()};
  }
  return IngestResult{std::move(article), kind, std::move(record)};
}

}  // namespace newscrawl::store
