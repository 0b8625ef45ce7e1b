#include "parser/robots.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "common/text.h"

namespace newscrawl {
namespace {

// RFC 9309 §2.2.1: product-token = identifier / "*"; identifier = 1*(%x2D / %x41-5A / %x5F /
// %x61-7A). The token of a user-agent line (or of our own name) is its leading identifier run.
std::string ProductToken(std::string_view value) {
  value = text::TrimAsciiSpace(value);
  if (!value.empty() && value.front() == '*') return "*";
  std::string token;
  for (char c : value) {
    bool ident = c == '-' || c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    if (!ident) break;
    token.push_back(text::AsciiLower(c));
  }
  return token;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void AppendEscaped(unsigned char c, std::string* out) {
  static const char kHex[] = "0123456789ABCDEF";
  out->push_back('%');
  out->push_back(kHex[c >> 4]);
  out->push_back(kHex[c & 0xF]);
}

// RFC 9309 §2.2.2: compare octets with percent-encoding normalised. Escapes of unreserved
// characters are decoded, other escapes get upper-case hex, raw non-ASCII / control octets are
// escaped. Applied to both the patterns and the paths, so "%7E", "~" and "%7e" are the same.
std::string NormalizePercentEncoding(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '%' && i + 2 < s.size() && text::HexDigitValue(s[i + 1]) >= 0 &&
        text::HexDigitValue(s[i + 2]) >= 0) {
      unsigned char decoded = static_cast<unsigned char>(text::HexDigitValue(s[i + 1]) * 16 +
                                                         text::HexDigitValue(s[i + 2]));
      if (IsUnreserved(decoded)) {
        out.push_back(static_cast<char>(decoded));
      } else {
        AppendEscaped(decoded, &out);
      }
      i += 2;
    } else if (c >= 0x80 || c <= 0x20 || c == 0x7F) {
      AppendEscaped(c, &out);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// Does `pattern` match a prefix of `path` ('*' = any run, final '$' = end of path)? Tracks the set
// of path positions reachable after each pattern octet: O(|pattern| * |path|), no backtracking
// blow-up on patterns like "/*a*a*a*a".
bool PatternMatches(std::string_view pattern, std::string_view path) {
  std::vector<size_t> positions{0};
  std::vector<size_t> next;
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '$' && i + 1 == pattern.size()) {
      return std::find(positions.begin(), positions.end(), path.size()) != positions.end();
    }
    next.clear();
    if (c == '*') {
      for (size_t p = positions.front(); p <= path.size(); ++p) next.push_back(p);
    } else {
      for (size_t p : positions) {
        if (p < path.size() && path[p] == c) next.push_back(p + 1);
      }
    }
    if (next.empty()) return false;
    positions.swap(next);
  }
  return true;
}

enum class Key { kUserAgent, kAllow, kDisallow, kCrawlDelay, kSitemap, kUnknown };

Key ParseKey(std::string_view raw) {
  std::string key = text::AsciiLower(text::TrimAsciiSpace(raw));
  if (key == "user-agent" || key == "useragent" || key == "user agent") return Key::kUserAgent;
  if (key == "allow") return Key::kAllow;
  if (key == "disallow" || key == "dissallow" || key == "dissalow" || key == "disalow" ||
      key == "diasllow" || key == "disallaw") {
    return Key::kDisallow;
  }
  if (key == "crawl-delay" || key == "crawldelay" || key == "crawl delay") return Key::kCrawlDelay;
  if (key == "sitemap" || key == "site-map") return Key::kSitemap;
  return Key::kUnknown;
}

std::optional<double> ParseDelay(std::string_view value) {
  std::string text(text::TrimAsciiSpace(value));
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double seconds = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(seconds) || seconds < 0) return std::nullopt;
  return seconds;
}

// Splits `body` into lines on LF, CR or CRLF; calls `visit(line)` for each.
template <typename Visit>
void ForEachLine(std::string_view body, Visit visit) {
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find_first_of("\r\n", start);
    if (end == std::string_view::npos) {
      visit(body.substr(start));
      return;
    }
    visit(body.substr(start, end - start));
    start = end + 1;
    if (body[end] == '\r' && start < body.size() && body[start] == '\n') ++start;
  }
}

}  // namespace

bool RobotsRules::IsAllowed(std::string_view path_and_query) const {
  size_t hash = path_and_query.find('#');
  if (hash != std::string_view::npos) path_and_query = path_and_query.substr(0, hash);
  std::string path = NormalizePercentEncoding(path_and_query.empty() ? "/" : path_and_query);
  if (path == "/robots.txt") return true;

  const RobotsRule* best = nullptr;
  for (const RobotsRule& rule : rules) {
    if (best != nullptr && rule.pattern.size() < best->pattern.size()) continue;
    if (best != nullptr && rule.pattern.size() == best->pattern.size() && !rule.allow) continue;
    if (PatternMatches(rule.pattern, path)) best = &rule;
  }
  return best == nullptr || best->allow;
}

RobotsRules RobotsRules::AllowAll() { return RobotsRules(); }

RobotsRules RobotsRules::DisallowAll() {
  RobotsRules rules;
  rules.rules.push_back({"/", false});
  return rules;
}

RobotsRules ParseRobotsTxt(std::string_view body, std::string_view product_token) {
  if (body.size() > kRobotsMaxBytes) {
    body = body.substr(0, kRobotsMaxBytes);
    // A line cut in the middle could turn "Disallow: /private" into "Disallow: /p": drop it.
    size_t last_break = body.find_last_of("\r\n");
    body = last_break == std::string_view::npos ? std::string_view() : body.substr(0, last_break);
  }
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  const std::string ours = ProductToken(product_token);

  // Every group is read; the rules of the groups that match us and of the "*" groups are kept
  // apart, and the "*" ones are used only when no group names us.
  RobotsRules specific;
  RobotsRules wildcard;
  bool matched_specific = false;
  bool in_agent_lines = false;  // the previous group line was a user-agent line
  bool group_is_ours = false;
  bool group_is_wildcard = false;
  std::vector<std::string> sitemaps;

  ForEachLine(body, [&](std::string_view line) {
    size_t comment = line.find('#');
    if (comment != std::string_view::npos) line = line.substr(0, comment);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) return;  // invalid line: ignored (RFC 9309 §2.2)
    Key key = ParseKey(line.substr(0, colon));
    std::string_view value = text::TrimAsciiSpace(line.substr(colon + 1));
    switch (key) {
      case Key::kUserAgent: {
        if (!in_agent_lines) group_is_ours = group_is_wildcard = false;  // a new group starts
        in_agent_lines = true;
        std::string token = ProductToken(value);
        if (token == "*") {
          group_is_wildcard = true;
        } else if (!token.empty() && token == ours) {
          group_is_ours = true;
          matched_specific = true;
        }
        return;
      }
      case Key::kAllow:
      case Key::kDisallow:
      case Key::kCrawlDelay: {
        in_agent_lines = false;
        RobotsRules* target = group_is_ours ? &specific : group_is_wildcard ? &wildcard : nullptr;
        if (target == nullptr) return;
        if (key == Key::kCrawlDelay) {
          if (!target->crawl_delay_seconds) target->crawl_delay_seconds = ParseDelay(value);
        } else if (!value.empty()) {  // "Disallow:" with no path is no rule
          target->rules.push_back({NormalizePercentEncoding(value), key == Key::kAllow});
        }
        return;
      }
      case Key::kSitemap:
        if (!value.empty() &&
            std::find(sitemaps.begin(), sitemaps.end(), value) == sitemaps.end()) {
          sitemaps.emplace_back(value);
        }
        return;
      case Key::kUnknown:
        return;  // other records (Host:, Clean-param:, ...) neither start nor end a group
    }
  });

  RobotsRules result = matched_specific ? std::move(specific) : std::move(wildcard);
  result.sitemaps = std::move(sitemaps);
  return result;
}

}  // namespace newscrawl
