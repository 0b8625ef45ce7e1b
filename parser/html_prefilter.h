// PrefilterHtml: a cheap byte-level pass that removes what the extractor never needs before the
// (much slower) Gumbo parse, and caps size and nesting depth so Gumbo stays fast on hostile input.
//
// Removed with their content: comments, <script> (except type="application/ld+json", kept
// verbatim for metadata), <style>, <svg>, <math>, <noscript>, <template>, <iframe>, <object>,
// <canvas>, <select>, <textarea>, <button>; <input> and <link> tags other than rel=canonical.
// Start tags keep only the attributes some reader in parser/ looks at, and links lose their
// targets (see html_attributes.h: on news pages most markup left is attributes nothing reads);
// a run of whitespace between tags becomes one character. Everything else is copied byte for
// byte, so the parse of the result sees the same text and structure, except for repairs:
//  - an element of raw content left open (<title>, <textarea>, <xmp> holding a tag; <style>,
//    <script>, <noscript>, <iframe>... without end tag or reaching </head>, <body>, </body>)
//    is closed where the page goes on (a kept <title>/<xmp> gets its end tag inserted there),
//    instead of swallowing the rest of the document (see unclosed_raw_text);
//  - start tags with more than 128 kept attributes or over 64 KiB are cut at an attribute
//    boundary, end tags lose their attributes (Gumbo checks attributes for duplicates
//    quadratically).
//
// Caps: input beyond max_bytes is cut at the last tag boundary before the cap. Start tags that
// would open an element deeper than max_depth (estimated with the HTML rules for implied end tags
// of p/li/td/... ) are dropped together with their end tags; their content is kept, flattened
// into the element at max_depth. Runs in time linear in the input and memory linear in depth.
// Pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace newscrawl {

struct PrefilterOptions {
  size_t max_bytes = 8 * 1024 * 1024;  // larger inputs are truncated (never rejected)
  int max_depth = 400;                 // deeper elements are flattened
};

struct PrefilterResult {
  std::string html;        // the filtered document
  bool truncated = false;  // the input was longer than max_bytes
  bool flattened = false;  // at least one start tag was dropped for depth
  // An element of raw content (title, textarea, style, script, noscript, ...) was left open
  // and closed where the page goes on, so that it does not swallow the rest of the document.
  bool unclosed_raw_text = false;
};

PrefilterResult PrefilterHtml(std::string_view html, const PrefilterOptions& options);

}  // namespace newscrawl
