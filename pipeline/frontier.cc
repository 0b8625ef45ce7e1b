#include "pipeline/frontier.h"

#include <nlohmann/json.hpp>

namespace newscrawl::pipeline {
namespace {

using store::FrontierDueKey;
using store::FrontierUrlKey;
using store::kFrontierDuePrefix;
using store::kFrontierUrlPrefix;

bool HasFrontierDueKey(const FrontierEntry& e) {
  return e.state == UrlState::kPending || e.state == UrlState::kLeased;
}

}  // namespace

const char* UrlKindName(UrlKind kind) {
  switch (kind) {
    case UrlKind::kArticle:
      return "article";
    case UrlKind::kFeed:
      return "feed";
    case UrlKind::kSitemap:
      return "sitemap";
    case UrlKind::kSection:
      return "section";
    case UrlKind::kRobots:
      return "robots";
  }
  return "unknown";
}

// Short field names: a million entries are kept, and most fields are empty.
std::string EncodeEntry(const FrontierEntry& e) {
  nlohmann::json j = {{"k", static_cast<int>(e.kind)},
                      {"s", static_cast<int>(e.state)},
                      {"site", e.site},
                      {"due", e.due_ms}};
  if (e.failures) j["f"] = e.failures;
  if (e.dead) j["dead"] = true;
  if (!e.etag.empty()) j["etag"] = e.etag;
  if (!e.last_modified.empty()) j["lm"] = e.last_modified;
  if (e.interval_ms) j["iv"] = e.interval_ms;
  if (e.depth) j["dp"] = e.depth;
  if (!e.title.empty()) j["t"] = e.title;
  if (!e.published_at.empty()) j["p"] = e.published_at;
  if (e.metadata_from_news_sitemap) j["ns"] = true;
  if (e.discovered_ms) j["disc"] = e.discovered_ms;
  if (e.recheck_until_ms) j["rc"] = e.recheck_until_ms;
  if (e.alias_waits) j["aw"] = e.alias_waits;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<FrontierEntry> DecodeEntry(std::string_view url, std::string_view value) {
  nlohmann::json j = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object())
    return Status::Corruption("frontier entry for " + std::string(url) + " is not a JSON object");
  FrontierEntry e;
  e.url = std::string(url);
  e.kind = static_cast<UrlKind>(j.value("k", 0));
  e.state = static_cast<UrlState>(j.value("s", 0));
  e.site = j.value("site", "");
  e.due_ms = j.value("due", int64_t{0});
  e.failures = j.value("f", 0);
  e.dead = j.value("dead", false);
  e.etag = j.value("etag", "");
  e.last_modified = j.value("lm", "");
  e.interval_ms = j.value("iv", int64_t{0});
  e.depth = j.value("dp", 0);
  e.title = j.value("t", "");
  e.published_at = j.value("p", "");
  e.metadata_from_news_sitemap = j.value("ns", false);
  e.discovered_ms = j.value("disc", int64_t{0});
  e.recheck_until_ms = j.value("rc", int64_t{0});
  e.alias_waits = j.value("aw", 0);
  if (static_cast<int>(e.kind) > static_cast<int>(UrlKind::kRobots) ||
      static_cast<int>(e.state) > static_cast<int>(UrlState::kDone))
    return Status::Corruption("frontier entry for " + std::string(url) +
                              " has an unknown kind/state");
  return e;
}

Frontier::Frontier(store::Store* store, int64_t lease_ms, const Clock* clock)
    : store_(store), lease_ms_(lease_ms), clock_(clock ? *clock : SystemClock()) {}

Status Frontier::WriteLocked(const FrontierEntry& entry, std::optional<int64_t> old_due_ms) {
  const bool indexed = HasFrontierDueKey(entry);
  // Order matters for crash safety (see header): new index key, state, then the old key.
  if (indexed && (!old_due_ms || *old_due_ms != entry.due_ms))
    NC_RETURN_IF_ERROR(
        store_->Put(store::ReservedSpace::kFrontier, FrontierDueKey(entry.due_ms, entry.url), ""));
  NC_RETURN_IF_ERROR(
      store_->Put(store::ReservedSpace::kFrontier, FrontierUrlKey(entry.url), EncodeEntry(entry)));
  if (old_due_ms && (!indexed || *old_due_ms != entry.due_ms))
    NC_RETURN_IF_ERROR(
        store_->Delete(store::ReservedSpace::kFrontier, FrontierDueKey(*old_due_ms, entry.url)));
  return Status::Ok();
}

Result<bool> Frontier::Add(const FrontierEntry& entry) {
  std::lock_guard<std::mutex> lock(mu_);
  auto existing = store_->Get(store::ReservedSpace::kFrontier, FrontierUrlKey(entry.url));
  if (existing.ok()) {
    auto old = DecodeEntry(entry.url, *existing);
    if (!old.ok()) return old.status();
    // An article fetched once keeps the metadata it was stored with: what a later listing says
    // is not a change of the article (re-checks would otherwise make versions of it).
    if (old->kind == UrlKind::kArticle &&
        (old->recheck_until_ms != 0 || old->state == UrlState::kDone))
      return false;
    FrontierEntry merged = *old;
    bool changed = false;
    if (merged.title.empty() && !entry.title.empty()) merged.title = entry.title, changed = true;
    if (merged.published_at.empty() && !entry.published_at.empty())
      merged.published_at = entry.published_at, changed = true;
    if (!merged.metadata_from_news_sitemap && entry.metadata_from_news_sitemap) {
      merged.metadata_from_news_sitemap = true;
      if (!entry.title.empty()) merged.title = entry.title;
      if (!entry.published_at.empty()) merged.published_at = entry.published_at;
      changed = true;
    }
    if (changed)
      NC_RETURN_IF_ERROR(store_->Put(store::ReservedSpace::kFrontier, FrontierUrlKey(entry.url),
                                     EncodeEntry(merged)));
    return false;
  }
  if (existing.status().code() != StatusCode::kNotFound) return existing.status();
  NC_RETURN_IF_ERROR(WriteLocked(entry, std::nullopt));
  ++stats_.added;
  return true;
}

Result<FrontierEntry> Frontier::Get(std::string_view url) const {
  auto value = store_->Get(store::ReservedSpace::kFrontier, FrontierUrlKey(url));
  if (!value.ok()) return value.status();
  return DecodeEntry(url, *value);
}

Result<std::vector<FrontierEntry>> Frontier::LeaseDue(
    size_t max, size_t max_scan, const std::function<bool(const FrontierEntry&)>& accept) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now_ms = clock_.UnixNowMs();
  // Collect first, write after: no writes while the iterator is open.
  std::vector<std::pair<int64_t, std::string>> due;
  NC_RETURN_IF_ERROR(store_->Scan(store::ReservedSpace::kFrontier,
                                  std::string(1, kFrontierDuePrefix),
                                  [&](std::string_view key, std::string_view) {
                                    auto at = store::ParseFrontierDueKey(key);
                                    if (!at) return true;
                                    if (at->due_ms > now_ms) return false;
                                    due.emplace_back(at->due_ms, std::string(at->url));
                                    return due.size() < max_scan;
                                  }));
  std::vector<FrontierEntry> leased;
  for (const auto& [at, url] : due) {
    if (leased.size() >= max) break;
    auto value = store_->Get(store::ReservedSpace::kFrontier, FrontierUrlKey(url));
    Result<FrontierEntry> entry =
        value.ok() ? DecodeEntry(url, *value) : Result<FrontierEntry>(value.status());
    if (!entry.ok() && entry.status().code() != StatusCode::kNotFound) return entry.status();
    if (!entry.ok() || !HasFrontierDueKey(*entry) || entry->due_ms != at) {
      // A leftover of a crash between the writes of WriteLocked: the entry moved on.
      NC_RETURN_IF_ERROR(store_->Delete(store::ReservedSpace::kFrontier, FrontierDueKey(at, url)));
      ++stats_.stale_index_keys_removed;
      continue;
    }
    if (!accept(*entry)) continue;
    FrontierEntry next = *entry;
    next.state = UrlState::kLeased;
    next.due_ms = now_ms + lease_ms_;
    NC_RETURN_IF_ERROR(WriteLocked(next, at));
    ++stats_.leased;
    leased.push_back(std::move(next));
  }
  return leased;
}

Status Frontier::Update(const FrontierEntry& entry) {
  std::lock_guard<std::mutex> lock(mu_);
  auto value = store_->Get(store::ReservedSpace::kFrontier, FrontierUrlKey(entry.url));
  std::optional<int64_t> old_due;
  if (value.ok()) {
    auto old = DecodeEntry(entry.url, *value);
    if (!old.ok()) return old.status();
    if (HasFrontierDueKey(*old)) old_due = old->due_ms;
  } else if (value.status().code() != StatusCode::kNotFound) {
    return value.status();
  }
  return WriteLocked(entry, old_due);
}

std::optional<int64_t> Frontier::NextDueMs() const {
  std::optional<int64_t> next;
  (void)store_->Scan(store::ReservedSpace::kFrontier, std::string(1, kFrontierDuePrefix),
                     [&](std::string_view key, std::string_view) {
                       auto at = store::ParseFrontierDueKey(key);
                       if (!at) return true;
                       next = at->due_ms;
                       return false;
                     });
  return next;
}

Status Frontier::ForEach(const std::function<bool(const FrontierEntry&)>& fn) const {
  Status decode_error;
  Status scan = store_->Scan(store::ReservedSpace::kFrontier, std::string(1, kFrontierUrlPrefix),
                             [&](std::string_view key, std::string_view value) {
                               auto e = DecodeEntry(key.substr(1), value);
                               if (!e.ok()) {
                                 decode_error = e.status();
                                 return false;
                               }
                               return fn(*e);
                             });
  NC_RETURN_IF_ERROR(scan);
  return decode_error;
}

FrontierStats Frontier::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

}  // namespace newscrawl::pipeline
