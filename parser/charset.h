// Charset decoding of fetched HTML: bytes in any encoding -> valid, NFC-normalised UTF-8.
//
// The encoding is chosen in this order (the first that applies wins):
//   1. "bom":      a UTF-8 / UTF-16LE / UTF-16BE byte-order mark (the BOM is removed);
//   2. "caller":   the charset from the HTTP Content-Type header or --charset, when ICU knows it;
//   3. "meta":     <meta charset=...> / <meta http-equiv=Content-Type content="...charset=...">
//                  found by the HTML-standard prescan of the first 4096 bytes;
//   4. "detected": ICU charset detection (ucsdet) over a bounded prefix, when it is confident;
//   5. "default":  utf-8 when the bytes are valid UTF-8, else windows-1252 (WHATWG's default).
// A declared (caller or meta) charset is overridden in two cases. (a) It names a legacy encoding
// but the bytes are (almost all) valid UTF-8 with non-ASCII sequences: the page is mis-declared
// (very common after a site migrates to UTF-8; legacy text practically never forms valid UTF-8
// sequences by chance) and is decoded as UTF-8; `source` then says "detected". (b) It names
// UTF-8 but most non-ASCII sequences are invalid: the declaration is skipped and the next rule
// applies. A declared UTF-16 on bytes without a BOM is treated as UTF-8 (as the HTML standard
// does for meta). When nothing is declared and the bytes are not UTF-8, a meta declaration up to
// 32 KiB into the page is still honoured (long <head>s), before detection.
// Unknown charset names are ignored (the next rule applies); they are never an error.
// Invalid sequences become U+FFFD. Work is bounded: prescan and detection read bounded prefixes,
// and conversion is linear in the input. Pure ASCII / valid UTF-8 input takes a fast path that
// skips ICU conversion (only NFC normalisation, itself skipped when the text is already NFC).
// Thread safety: pure function, safe to call from many threads.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace newscrawl {

struct DecodedHtml {
  std::string utf8;     // valid UTF-8 (invalid sequences replaced by U+FFFD), NFC-normalised
  std::string charset;  // lower-case canonical name decoded from: "utf-8", "windows-1258", ...
  std::string source;   // how it was chosen: "bom", "caller", "meta", "detected", "default"
};

// Whether DecodeHtml NFC-normalises its output. kNone is for a caller that normalises a smaller
// text itself later (ExtractArticle normalises what is left after PrefilterHtml, a third of a
// typical page; NFC leaves ASCII markup alone, so the order does not change the result).
enum class Normalization { kNfc, kNone };

// caller_charset: from the HTTP Content-Type header or --charset; may be empty. A whole
// Content-Type value ("text/html; charset=UTF-8") is accepted too. With Normalization::kNone
// `utf8` is valid UTF-8 but not normalised.
// Fails only when ICU itself fails (Internal); any byte sequence otherwise decodes.
Result<DecodedHtml> DecodeHtml(std::string_view bytes, std::string_view caller_charset,
                               Normalization normalization = Normalization::kNfc);

// The charset named by the HTML prescan of `bytes` (meta charset / http-equiv), lower-case as
// written, or "" when none is found. Reads at most the first `limit` bytes.
std::string PrescanMetaCharset(std::string_view bytes, size_t limit = 4096);

// The canonical lower-case name for a charset label ("latin1" -> "windows-1252" per WHATWG,
// "UTF8" -> "utf-8", "x-user-defined"...), or "" when the label is unknown.
std::string CanonicalCharsetName(std::string_view label);

// True when `bytes` is entirely valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

// Converts `text` (valid UTF-8) to NFC; returns it unchanged when already NFC.
std::string NormalizeNfc(std::string_view text);

}  // namespace newscrawl
