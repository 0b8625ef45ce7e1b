// Config values: durations, sizes, URL patterns, summaries (the YAML side is config_load.cc).
#include "config/config.h"

#include <cctype>
#include <limits>

namespace newscrawl {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Reads leading decimal digits (with an optional fraction when `allow_fraction`).
bool ReadNumber(std::string_view* s, double* value, bool allow_fraction) {
  size_t i = 0;
  double v = 0;
  while (i < s->size() && std::isdigit(static_cast<unsigned char>((*s)[i]))) {
    v = v * 10 + ((*s)[i] - '0');
    ++i;
  }
  if (i == 0) return false;
  if (allow_fraction && i < s->size() && (*s)[i] == '.') {
    double scale = 0.1;
    size_t start = ++i;
    while (i < s->size() && std::isdigit(static_cast<unsigned char>((*s)[i]))) {
      v += ((*s)[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return false;
  }
  s->remove_prefix(i);
  *value = v;
  return true;
}

// Glob -> ECMAScript regex anchored at both ends; '*' any run, '?' one character.
std::string GlobToRegex(std::string_view glob) {
  std::string re = "^";
  for (char c : glob) {
    if (c == '*') {
      re += ".*";
    } else if (c == '?') {
      re += '.';
    } else {
      if (std::string_view("\\^$.|+()[]{}").find(c) != std::string_view::npos) re += '\\';
      re += c;
    }
  }
  return re + "$";
}

}  // namespace

bool UrlPattern::Matches(std::string_view url) const {
  if (compiled == nullptr) return false;
  return std::regex_search(url.begin(), url.end(), *compiled);
}

Result<UrlPattern> CompileUrlPattern(std::string_view text) {
  UrlPattern pattern;
  pattern.source = std::string(text);
  constexpr std::string_view kRegexPrefix = "regex:";
  std::string expression;
  if (text.substr(0, kRegexPrefix.size()) == kRegexPrefix) {
    pattern.is_regex = true;
    expression = std::string(text.substr(kRegexPrefix.size()));
  } else {
    expression = GlobToRegex(text);
  }
  if (TrimSpaces(expression).empty() || expression == "^$") {
    return Status::InvalidArgument("empty URL pattern");
  }
  try {
    pattern.compiled = std::make_shared<const std::regex>(
        expression, std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    return Status::InvalidArgument("invalid regular expression '" + expression + "': " + e.what());
  }
  return pattern;
}

const char* SeedTypeName(SeedType type) {
  switch (type) {
    case SeedType::kFeed:
      return "feed";
    case SeedType::kSitemap:
      return "sitemap";
    case SeedType::kSection:
      return "section";
    case SeedType::kHome:
      return "home";
  }
  return "unknown";
}

std::string IdentityConfig::RobotsToken() const {
  if (!robots_token.empty()) return robots_token;
  std::string token;
  for (char c : user_agent) {
    if (!(std::isalpha(static_cast<unsigned char>(c)) || c == '-' || c == '_')) break;
    token.push_back(c);
  }
  return token;
}

std::string Config::Summary() const {
  size_t seeds = 0;
  for (const SiteConfig& site : sites) seeds += site.seeds.size();
  std::string summary = std::to_string(sites.size()) +
                        (sites.size() == 1 ? " site, " : " sites, ") + std::to_string(seeds) +
                        (seeds == 1 ? " seed" : " seeds") + ", storage " + storage_path + ", API " +
                        http_api.bind;
  if (cluster.enabled) summary += ", cluster instance " + cluster.instance_name;
  if (!warc.dir.empty()) summary += ", WARC to " + warc.dir;
  return summary;
}

Result<ConfigDuration> ParseDuration(std::string_view text) {
  std::string_view s = TrimSpaces(text);
  if (s.empty()) return Status::InvalidArgument("empty duration");
  double total_ms = 0;
  bool any = false;
  while (!s.empty()) {
    double value = 0;
    if (!ReadNumber(&s, &value, true)) {
      return Status::InvalidArgument("bad duration '" + std::string(text) +
                                     "': expected a number and a unit, like \"30s\" or \"5m\"");
    }
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);  // "30 s" is fine too
    size_t unit_len = 0;
    while (unit_len < s.size() && std::isalpha(static_cast<unsigned char>(s[unit_len]))) {
      ++unit_len;
    }
    std::string_view unit = s.substr(0, unit_len);
    s.remove_prefix(unit_len);
    double scale = 0;
    if (unit == "ms") {
      scale = 1;
    } else if (unit == "s") {
      scale = 1000;
    } else if (unit == "m") {
      scale = 60'000;
    } else if (unit == "h") {
      scale = 3'600'000;
    } else if (unit == "d") {
      scale = 86'400'000;
    } else {
      return Status::InvalidArgument(
          "bad duration '" + std::string(text) +
          "': " + (unit.empty() ? "missing unit" : "unknown unit '" + std::string(unit) + "'") +
          " (use ms, s, m, h or d, like \"30s\")");
    }
    total_ms += value * scale;
    any = true;
  }
  if (!any || total_ms > 1e15)
    return Status::InvalidArgument("bad duration '" + std::string(text) + "'");
  return ConfigDuration(static_cast<int64_t>(total_ms + 0.5));
}

Result<uint64_t> ParseSize(std::string_view text) {
  std::string_view s = TrimSpaces(text);
  double value = 0;
  if (!ReadNumber(&s, &value, true)) {
    return Status::InvalidArgument("bad size '" + std::string(text) +
                                   "': expected a number and a unit, like \"10MiB\"");
  }
  std::string_view unit = TrimSpaces(s);
  struct Unit {
    const char* name;
    double bytes;
  };
  static const Unit kUnits[] = {
      {"", 1},     {"B", 1},    {"KiB", 1024.0}, {"MiB", 1048576.0}, {"GiB", 1073741824.0},
      {"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6},     {"GB", 1e9}};
  for (const Unit& u : kUnits) {
    if (unit == u.name) {
      double bytes = value * u.bytes;
      if (bytes > static_cast<double>(std::numeric_limits<uint64_t>::max() / 2)) break;
      if (unit.empty() && value != static_cast<double>(static_cast<uint64_t>(value))) break;
      return static_cast<uint64_t>(bytes + 0.5);
    }
  }
  return Status::InvalidArgument("bad size '" + std::string(text) +
                                 "': use B, KiB, MiB, GiB (or kB, MB, GB), like \"10MiB\"");
}

}  // namespace newscrawl
