// Frontier: every URL the daemon knows (articles to fetch once, sources to poll), kept in the
// store's reserved "frontier" column family so that nothing is lost across crashes and restarts.
//
// Layout (all in ReservedSpace::kFrontier):
//   "u" + url                    -> FrontierEntry (JSON): the authoritative state of one URL
//   "d" + be64(due_ms) + url     -> ""  the due-time index: the URL is due at due_ms
// Every entry that is not finished has exactly one current index key (the one matching its
// due_ms). Writes go index first, then state, then removal of the old index key, so a crash
// between them leaves at worst a stale index key (its due time differs from the entry's); stale
// keys are recognised and deleted when the scan meets them. A URL is therefore never lost.
//
// Leases: LeaseDue() marks the URLs it hands out as leased with due_ms = now + lease time, "now"
// being the Clock's UnixNowMs() (injected; tests pass a FakeClock). If the daemon dies before it
// records the fetch's outcome with Update(), the lease simply expires and the URL becomes due
// again; URLs that were completed are not due (articles) or due only at their next poll time
// (sources), so a restart causes no refetch storm.
//
// Thread safety: all methods may be called from several threads; one mutex serialises the
// read-modify-write of entries (a handful of RocksDB point operations each).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace newscrawl::pipeline {

// What a URL is to the daemon.
enum class UrlKind : uint8_t {
  kArticle = 0,  // fetched once (plus optional re-checks), extracted and ingested
  kFeed = 1,     // polled: RSS/Atom/JSON Feed
  kSitemap = 2,  // polled: urlset, index, text or news sitemap
  kSection = 3,  // polled: an HTML page whose links matching the article pattern are articles
  kRobots = 4,   // polled rarely: robots.txt, for its Sitemap: lines
};
const char* UrlKindName(UrlKind kind);
inline bool IsSource(UrlKind kind) { return kind != UrlKind::kArticle; }

enum class UrlState : uint8_t {
  kPending = 0,  // waiting for due_ms
  kLeased = 1,   // handed to a fetch; due_ms is the lease expiry
  kDone = 2,     // article stored (or given up); not due unless recheck_until is set
};

struct FrontierEntry {
  std::string url;  // canonical URL (the key)
  UrlKind kind = UrlKind::kArticle;
  UrlState state = UrlState::kPending;
  std::string site;      // configured site name
  int64_t due_ms = 0;    // unix ms; meaningful while pending or leased
  int32_t failures = 0;  // consecutive failed fetches
  bool dead = false;     // a source that kept failing (flagged, still polled at max interval)
  // Sources: conditional GET validators and the adaptive poll interval.
  std::string etag;
  std::string last_modified;
  int64_t interval_ms = 0;
  int32_t depth = 0;  // sitemaps: nesting depth below the configured/robots sitemap (0)
  // Articles: high-trust metadata from a news sitemap or a feed, applied at ingest.
  std::string title;
  std::string published_at;  // ISO 8601
  bool metadata_from_news_sitemap = false;
  int64_t discovered_ms = 0;
  int64_t recheck_until_ms = 0;  // articles: re-fetched for updates until then (0 = never)
  // Articles: how often this page turned out an alias (AMP, print) whose canonical page was not
  // stored yet and was put off for it (article_ingester.h).
  int32_t alias_waits = 0;
};

std::string EncodeEntry(const FrontierEntry& entry);
Result<FrontierEntry> DecodeEntry(std::string_view url, std::string_view value);

struct FrontierStats {
  uint64_t added = 0;
  uint64_t leased = 0;
  uint64_t stale_index_keys_removed = 0;
};

class Frontier {
 public:
  // `store` must outlive the frontier, and so must `clock` (null: SystemClock()). `lease_ms`: how
  // long a leased URL stays invisible.
  Frontier(store::Store* store, int64_t lease_ms, const Clock* clock = nullptr);

  // Adds `entry` unless its URL is already known. Returns true when added. An existing entry is
  // left alone, except that missing high-trust metadata (title, published_at) is filled in while
  // an article has not been fetched yet (then it is what the article was stored with).
  Result<bool> Add(const FrontierEntry& entry);

  // The entry for `url`, or NotFound.
  Result<FrontierEntry> Get(std::string_view url) const;

  // Leases up to `max` URLs due now (the clock's UnixNowMs(); earliest first) for which `accept`
  // returns true (e.g. their host has room); each is returned with state kLeased and due_ms =
  // now + lease_ms. Looks at no more than `max_scan` due keys so one tick stays cheap.
  Result<std::vector<FrontierEntry>> LeaseDue(
      size_t max, size_t max_scan, const std::function<bool(const FrontierEntry&)>& accept);

  // Records the outcome of a leased URL: `entry` is the new state (kPending with a new due_ms to
  // poll or retry later, kDone to finish). Writes the state and moves the index key.
  Status Update(const FrontierEntry& entry);

  // The earliest due time among pending/leased URLs, or nullopt when nothing is due ever.
  std::optional<int64_t> NextDueMs() const;

  // Calls fn for every entry (tests, stats); stops when fn returns false.
  Status ForEach(const std::function<bool(const FrontierEntry&)>& fn) const;

  FrontierStats stats() const;

 private:
  Status WriteLocked(const FrontierEntry& entry, std::optional<int64_t> old_due_ms);

  store::Store* const store_;
  const int64_t lease_ms_;
  const Clock& clock_;
  mutable std::mutex mu_;
  FrontierStats stats_;  // guarded by mu_
};

}  // namespace newscrawl::pipeline
