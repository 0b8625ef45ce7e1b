// Article: the one record newscrawl produces, stores and publishes (JSON "schema": 1).
//
// The same record comes out of `newscrawl extract`, `newscrawl fetch`, `export`, the HTTP API and
// the NATS stream; docs/article-schema.md documents every field. Empty strings / empty vectors mean
// "unknown" and are written as JSON null / [] respectively. Timestamps are ISO 8601 strings with an
// offset ("2023-03-16T10:30:00+07:00"); a date known only to the day is "2023-03-16" (never
// completed with an invented time or day).
// Thread safety: a plain value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace newscrawl {

inline constexpr int kArticleSchemaVersion = 1;

struct ArticleImage {
  std::string url;      // absolute URL
  std::string caption;  // caption text as printed on the page; empty when none
  bool operator==(const ArticleImage& o) const { return url == o.url && caption == o.caption; }
};

struct HttpInfo {
  int status = 0;             // final HTTP status; 0 when the page did not come from HTTP
  std::string etag;           // ETag response header, verbatim
  std::string last_modified;  // Last-Modified response header, verbatim
  std::string content_type;   // Content-Type response header (or the caller's), verbatim
  std::string charset;        // the charset the page was decoded from ("utf-8", "windows-1258")
  bool operator==(const HttpInfo& o) const {
    return status == o.status && etag == o.etag && last_modified == o.last_modified &&
           content_type == o.content_type && charset == o.charset;
  }
};

struct Article {
  std::string id;             // 16 hex digits: ArticleIdFor(canonical_url or url)
  std::string url;            // the URL the page was fetched from (after redirects)
  std::string canonical_url;  // canonicalised rel=canonical / og:url / url
  std::string site;           // site name (og:site_name, JSON-LD publisher) or host
  std::string title;
  std::string lead;                  // sapo / standfirst; empty when the page has none
  std::string text;                  // article body, paragraphs separated by '\n'; no headline
  std::vector<std::string> authors;  // person names, no "By"
  std::string published_at;          // ISO 8601, see header comment
  std::string modified_at;
  std::string language;  // BCP 47 ("vi", "en-US") or empty
  std::string section;
  std::vector<std::string> tags;
  std::vector<ArticleImage> images;
  std::string fetched_at;  // ISO 8601 UTC time of the fetch; empty for `extract` of a file
  HttpInfo http;

  // Not-an-article pages (home page, listing, consent wall, empty JS shell) keep is_article=false
  // and a short machine-readable reason ("listing_page", "too_little_text", ...).
  bool is_article = true;
  std::string not_article_reason;
  // Set on an article (is_article=true) kept on weak evidence, so that a consumer can review it
  // rather than lose it: "short_text" (less text than an article usually has), empty otherwise.
  std::string doubt_reason;

  std::string content_hash;  // 32 hex digits of the hash of the normalised text
  uint64_t simhash = 0;      // 64-bit SimHash of the text (written as 16 hex digits in JSON)
  // On a stored version > 1: what differs from the version before, of "title", "text",
  // "published_at", "modified_at" (in that order; docs/change-feed.md). Empty otherwise.
  std::vector<std::string> changed;
  std::string duplicate_of;  // id of the article this one duplicates; empty when original
  uint32_t version = 0;      // 1 for the first stored version; 0 when not stored
  uint64_t seq = 0;          // change-feed sequence number of the event; 0 when not stored

  bool operator==(const Article& o) const;
};

// Serialises `a` as one line of JSON (no trailing newline), fields in the documented order.
std::string ArticleToJson(const Article& a);

// Parses a record written by ArticleToJson. Unknown fields are ignored (forward compatibility);
// a missing or different "schema" is an InvalidArgument error naming the version found.
Result<Article> ArticleFromJson(std::string_view json);

}  // namespace newscrawl
