// robots.txt (RFC 9309): bytes of a robots.txt file -> the rules that apply to one crawler.
//
// Pure and thread-safe: no I/O, no logging, no global state. ParseRobotsTxt never fails: invalid
// lines are ignored, as the RFC requires, and an empty or unparsable file allows everything.
// What the caller (crawler/) decides, not this parser: 4xx = AllowAll(), 5xx or network error =
// DisallowAll() (retry later, never cache as "allow"), the 24 h cache and the redirects.
//
// What ParseRobotsTxt implements:
//  - only the first kRobotsMaxBytes bytes are parsed (a line cut at the limit is dropped);
//  - a UTF-8 BOM is skipped; lines end with LF, CR or CRLF; '#' starts a comment;
//  - keys are case-insensitive ("user-agent", "allow", "disallow", "crawl-delay", "sitemap",
//    plus common misspellings such as "useragent" and "dissallow"); lines without ':' are ignored;
//  - a group is one or more consecutive user-agent lines followed by rules; a user-agent line after
//    a rule starts a new group; rules before any user-agent line are ignored;
//  - the group(s) whose product token equals ours (case-insensitive, compared on the leading
//    [A-Za-z_-] characters, so "Googlebot/2.1" is "googlebot") apply, all merged; otherwise the
//    "*" group(s), merged; otherwise everything is allowed;
//  - the longest matching pattern wins (length in octets after normalisation), allow wins ties;
//    '*' matches any sequence, a trailing '$' anchors at the end of the path;
//  - percent-encoding is normalised on both sides before comparison: unreserved characters are
//    decoded, other escapes get upper-case hex, non-ASCII octets are percent-encoded;
//  - an empty Allow/Disallow value is no rule (so "Disallow:" allows everything);
//  - "/robots.txt" is always allowed;
//  - Crawl-delay (non-standard) is taken from the selected group(s): the first valid non-negative
//    number; Sitemap: lines are collected from anywhere in the file (any group or none).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newscrawl {

// RFC 9309 §2.5: crawlers must parse at least 500 KiB; we parse exactly that much.
inline constexpr size_t kRobotsMaxBytes = 500 * 1024;

struct RobotsRule {
  std::string pattern;  // normalised (see above); never empty; may contain '*' and a final '$'
  bool allow = false;   // true for Allow:, false for Disallow:
};

struct RobotsRules {
  // Rules of the selected group(s), in file order.
  std::vector<RobotsRule> rules;
  // Crawl-delay of the selected group(s), in seconds, as written (the caller applies its cap).
  std::optional<double> crawl_delay_seconds;
  // Sitemap: URLs from anywhere in the file, as written (duplicates removed, order kept). They
  // should be absolute; the caller resolves or rejects the rest.
  std::vector<std::string> sitemaps;

  // True when a crawler may fetch `path_and_query`: the URL's path plus "?query" when present
  // ("/news/a.html?id=3"); "" is treated as "/"; a fragment ("#...") is ignored.
  bool IsAllowed(std::string_view path_and_query) const;

  // Everything allowed (robots.txt absent: 4xx).
  static RobotsRules AllowAll();
  // Everything disallowed except "/robots.txt" (robots.txt unreachable: 5xx, network error).
  static RobotsRules DisallowAll();
};

// Parses `body` (the robots.txt bytes) for the crawler named `product_token` (e.g. "newscrawl";
// only the leading [A-Za-z_-] characters count, so "newscrawl/0.1" works too).
RobotsRules ParseRobotsTxt(std::string_view body, std::string_view product_token);

}  // namespace newscrawl
