// ExtractArticle: bytes of a web page -> the article record (schema 1) with its metadata.
//
// Pure and thread-safe: no I/O, no logging, no global state; many threads may call it at once.
// Steps: decode (BOM > caller charset > <meta> prescan > detection) to NFC UTF-8, cap size and
// nesting depth, parse with Gumbo (scripts/styles/comments never reach the parser; JSON-LD kept),
// read metadata, find the main content, drop boilerplate blocks (trailer headings such as
// "Phản hồi", "Các tin khác", "Mới nhất", "Xem nhiều nhất", related/comment blocks, share bars).
// Not an article (home page, listing, consent wall, JS shell): the record is still returned with
// is_article=false and not_article_reason set. Fingerprints (id, content_hash, simhash) are NOT
// filled here (see common/fingerprint.h: FillFingerprints).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/article.h"
#include "common/status.h"

namespace newscrawl {

struct ExtractOptions {
  std::string url;      // the page's URL (resolves relative links, date-in-URL, site); may be empty
  std::string charset;  // charset from the HTTP header or the user (--charset); empty = unknown
  std::string content_type;  // Content-Type header, copied to http.content_type; may be empty
  // Extra boilerplate headings for this site (from config), in addition to the built-in list.
  std::vector<std::string> extra_boilerplate_phrases;
  // Inputs larger than this are truncated at a tag boundary before parsing (never rejected).
  size_t max_input_bytes = 8 * 1024 * 1024;
  // Elements nested deeper than this are flattened before parsing (Gumbo is quadratic in depth).
  int max_depth = 400;
};

// Fails only when nothing usable can be produced (e.g. empty input: InvalidArgument "empty
// document"); binary or malformed input yields a record with is_article=false instead.
Result<Article> ExtractArticle(std::string_view bytes, const ExtractOptions& options);

}  // namespace newscrawl
