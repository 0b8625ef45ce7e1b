// Sitemaps (sitemaps.org 0.9): bytes of a sitemap -> the article URLs or child sitemaps it lists.
//
// Pure and thread-safe: no I/O, no logging, no global state. Accepted documents:
//  - <urlset> with <url><loc>, <lastmod>, and Google News <news:news> (publication name and
//    language, publication_date, title: carried per entry as high-trust metadata); image, video
//    and other extension elements are ignored;
//  - <sitemapindex> with <sitemap><loc>, <lastmod>: the entries are returned, not followed; the
//    caller fetches them, following nested indexes at most kSitemapMaxIndexDepth levels deep;
//  - text sitemaps: one absolute http(s) URL per line (blank and other lines ignored);
//  - RSS and Atom feeds, which sitemaps.org also allows (their entries become urls).
// Gzip is recognised by its magic bytes (1f 8b), never by the file name or Content-Type, and
// decompressed exactly once: a body already decoded by the HTTP layer (Content-Encoding) is plain
// XML and parsed as is; gzip inside gzip is an error, not a second decompression.
// The sitemaps.org limits are enforced: at most kSitemapMaxUrls entries and kSitemapMaxBytes of
// uncompressed data (decompression stops at the cap: no gzip bomb); what is beyond them is cut and
// Sitemap::truncated says so. Elements are matched by local name, whatever the prefix.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace newscrawl {

inline constexpr size_t kSitemapMaxUrls = 50000;              // per file (sitemaps.org)
inline constexpr size_t kSitemapMaxBytes = 50 * 1024 * 1024;  // uncompressed, per file
// index -> index -> urlset: an index found this many levels below the root one is not followed.
// Sitemaps.org forbids nested indexes; real sites nest once or twice (per year, per month).
inline constexpr int kSitemapMaxIndexDepth = 3;

// Google News sitemap metadata (https://developers.google.com/search/docs/crawling-indexing/
// sitemaps/news-sitemap): written by the publisher for this URL, so trusted over page guesses.
struct SitemapNews {
  std::string publication_name;  // <news:publication><news:name>
  std::string language;          // <news:publication><news:language> ("vi", "zh-cn")
  std::string publication_date;  // ISO 8601 (ParseFeedDate); "" when absent or unparsable
  std::string title;             // <news:title>, plain text
};

struct SitemapUrl {
  std::string url;      // absolute http(s) URL (relative <loc> resolved against the sitemap URL)
  std::string lastmod;  // ISO 8601 from <lastmod> (or a feed entry's date); "" when absent/bad
  std::optional<SitemapNews> news;  // present when the entry has <news:news>
};

enum class SitemapKind { kUrlSet, kIndex, kText, kFeed };

// "urlset", "sitemapindex", "text", "feed".
const char* SitemapKindName(SitemapKind kind);

struct Sitemap {
  SitemapKind kind = SitemapKind::kUrlSet;
  // kUrlSet, kText, kFeed: the pages listed; kIndex: the child sitemaps (url + lastmod, no news).
  std::vector<SitemapUrl> urls;
  bool gzipped = false;    // the body was gzip (and was decompressed once)
  bool truncated = false;  // a limit was hit or the document was cut/damaged: urls is partial
  // Why the result is partial ("more than 50000 URLs: the rest ignored", "XML error at byte 812:
  // ..."); also entries skipped for an unusable <loc>. Empty when nothing was lost.
  std::string warning;
};

// Parses a sitemap. `sitemap_url` is the absolute URL it came from (resolves relative <loc>; may be
// empty, then relative locations are dropped).
// Fails with InvalidArgument when the body is empty, is not a sitemap (the message names the root
// element), is damaged before any entry (byte offset and description), or is corrupt gzip.
Result<Sitemap> ParseSitemap(std::string_view body, std::string_view sitemap_url);

// Decompresses a gzip body (one or more members) into at most `max_output` bytes; sets
// `*truncated` when the output is partial: the data goes on beyond the cap, or the compressed
// data ends early (a cut download). Fails on corrupt data, on data ending before any output, or
// when `body` does not start with the gzip magic. Exposed for the tests and for callers that need
// the raw bytes.
Result<std::string> GunzipCapped(std::string_view body, size_t max_output, bool* truncated);

}  // namespace newscrawl
