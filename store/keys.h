// Every key layout of the store, and the value layout of its own column families, in one place
// (docs/on-disk-format.md describes them).
//
// The store is one RocksDB database with the column families below. All integers inside keys are
// big-endian so that RocksDB's bytewise order is numeric order; integers inside values are
// big-endian too (one convention, easy to read in a hex dump). Article ids are the 16 hex digits of
// ArticleIdFor(); inside keys and values they are stored as their 8 raw bytes.
//
// Changing anything here changes the on-disk format: bump kFormatVersion and say why in the docs.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace newscrawl::store {

// Version of the layouts in this file. Stored under kMetaFormatVersion in the default CF.
inline constexpr int kFormatVersion = 1;

// Column family names. kDefault holds the meta keys.
inline constexpr const char* kCfDefault = "default";
inline constexpr const char* kCfArticles = "articles";      // id -> ArticleHead
inline constexpr const char* kCfVersions = "versions";      // id + version -> record JSON
inline constexpr const char* kCfUrlIndex = "url_index";     // canonical URL -> id
inline constexpr const char* kCfHashIndex = "hash_index";   // content hash -> id
inline constexpr const char* kCfBandIndex = "band_index";   // near-dup band key -> raw ids
inline constexpr const char* kCfSignatures = "signatures";  // id -> near-dup signature bytes
inline constexpr const char* kCfChangeLog = "changelog";    // seq -> ChangeLogEntry
inline constexpr const char* kCfCursors = "cursors";        // consumer name -> seq
// Reserved for the daemon (issue 5); the store offers a generic key-value API on them.
inline constexpr const char* kCfFrontier = "frontier";
inline constexpr const char* kCfHostState = "host_state";
inline constexpr const char* kCfRobots = "robots";

// All column families in the order the store opens them (index = ColumnFamily value).
enum class ColumnFamily : int {
  kDefault = 0,
  kArticles,
  kVersions,
  kUrlIndex,
  kHashIndex,
  kBandIndex,
  kSignatures,
  kChangeLog,
  kCursors,
  kFrontier,
  kHostState,
  kRobots,
  kCount,
};
const char* ColumnFamilyName(ColumnFamily cf);

// Meta keys in the default CF.
inline constexpr const char* kMetaFormatVersion = "format_version";  // decimal ASCII, e.g. "1"
inline constexpr const char* kMetaCounters = "counters";             // Counters, see below

// --- the daemon's reserved spaces (Store::Put/Get/Delete/Scan with a ReservedSpace) ---
// Their keys are laid out here; their values belong to the code that owns them.
//
// frontier (pipeline/frontier.h):
//   FrontierUrlKey(url)          -> the entry (JSON, pipeline/frontier.cc)
//   FrontierDueKey(due_ms, url)  -> "" : the due index of pending and leased entries; bytewise
//                                   order is due order (the time is biased by 2^63, so a negative
//                                   time, never expected, still sorts first)
//   kOutboxPublishedThroughKey   -> the seq up to which every change-feed event is known to be
//                                   published (cluster outbox, pipeline/outbox.h), decimal ASCII;
//                                   '~' sorts after, and never collides with, the entries' keys.
// host_state and robots (pipeline/store_host_state_store.h): the fetcher's host key verbatim
//   (Url::Origin(): "scheme://host[:port]") -> the host's politeness state / robots.txt cache.
inline constexpr char kFrontierUrlPrefix = 'u';
inline constexpr char kFrontierDuePrefix = 'd';
inline constexpr uint64_t kFrontierDueBias = uint64_t{1} << 63;
inline constexpr const char* kOutboxPublishedThroughKey = "~cluster/published_through";
std::string FrontierUrlKey(std::string_view url);
std::string FrontierDueKey(int64_t due_ms, std::string_view url);
struct FrontierDue {
  int64_t due_ms = 0;
  std::string_view url;  // points into the key
};
// The due time and URL of a due-index key; nullopt for any other key.
std::optional<FrontierDue> ParseFrontierDueKey(std::string_view key);

// --- ids ---
// 16 hex digits -> 8 bytes. Fails for anything else.
Result<std::string> EncodeId(std::string_view hex_id);
// 8 bytes -> 16 lower-case hex digits.
std::string DecodeId(std::string_view raw_id);

// --- keys ---
std::string SeqKey(uint64_t seq);  // 8 bytes big-endian
Result<uint64_t> ParseSeqKey(std::string_view key);
std::string VersionKey(std::string_view raw_id, uint32_t version);  // raw id + 4 bytes BE
// The URL index key is the canonical URL itself (UTF-8/ASCII bytes); the hash index key is the
// content hash string (32 hex digits). Both are used verbatim, so no functions are needed.

// --- values ---
enum class EventKind : uint8_t { kNone = 0, kNew = 1, kVersion = 2, kDuplicate = 3 };
// "new", "version", "duplicate" ("none" for kNone).
const char* EventKindName(EventKind kind);

// articles CF value: what the store must know about an article without reading its record.
struct ArticleHead {
  uint32_t version = 0;       // latest version number (1-based)
  uint64_t seq = 0;           // seq of the event that stored the latest version
  uint64_t simhash = 0;       // SimHash of the latest text
  std::string content_hash;   // content hash of the latest text
  std::string duplicate_of;   // hex id of the original, empty when this article is one
  std::string canonical_url;  // the URL index key of this article
  // What a version compares besides the text (issue #12), stored since format 3 of the head; a
  // head written before has has_meta = false and only its text is compared.
  bool has_meta = false;
  std::string title;
  std::string published_at;
  std::string modified_at;
  // The latest version came from an alias rendering (AMP, print) because the canonical page
  // could not be had; the canonical page's article replaces it as the next version.
  bool from_alias = false;
};
std::string EncodeArticleHead(const ArticleHead& head);
Result<ArticleHead> DecodeArticleHead(std::string_view value);

// changelog CF value.
struct ChangeLogEntry {
  EventKind kind = EventKind::kNone;
  std::string id;  // hex id
  uint32_t version = 0;
};
std::string EncodeChangeLogEntry(const ChangeLogEntry& entry);
Result<ChangeLogEntry> DecodeChangeLogEntry(std::string_view value);

// band_index CF value: the raw ids (8 bytes each) of the originals filed under that band key,
// oldest first. Keys are the 9-byte band keys of common/near_duplicate.h, verbatim.
std::vector<std::string> DecodeBandIds(std::string_view value);  // ignores a torn tail
// Appends `raw_id` (unless present), dropping the oldest ids beyond `max_ids`.
std::string AppendBandId(std::string_view value, std::string_view raw_id, size_t max_ids);
// Removes `raw_id`.
std::string RemoveBandId(std::string_view value, std::string_view raw_id);

// default CF kMetaCounters value: exact counts maintained inside each ingest batch.
struct Counters {
  uint64_t articles = 0;    // distinct canonical URLs (originals + duplicates)
  uint64_t duplicates = 0;  // articles whose latest version has duplicate_of set
  uint64_t versions = 0;    // stored record versions (== events)
};
std::string EncodeCounters(const Counters& c);
Result<Counters> DecodeCounters(std::string_view value);

// cursors CF value and 8-byte big-endian helpers.
std::string EncodeU64(uint64_t v);
Result<uint64_t> DecodeU64(std::string_view value);

}  // namespace newscrawl::store
