// ParseFeed (format dispatch), DiscoverFeedLinks and the helpers shared by the feed syntaxes.
#include "parser/feed.h"

#include <algorithm>

#include "common/text.h"
#include "common/url.h"
#include "parser/feed_internal.h"
#include "parser/xml_util.h"

namespace newscrawl {
namespace feed_internal {

std::string ResolveHttpUrl(std::string_view base, std::string_view reference) {
  std::string ref = text::CollapseWhitespace(reference);
  if (ref.empty()) return "";
  std::string resolved;
  if (base.empty()) {
    Result<Url> absolute = ParseUrl(ref);
    if (absolute.ok()) resolved = absolute->ToString();
  } else {
    resolved = ResolveUrlString(base, ref);
  }
  auto starts_with = [&](std::string_view prefix) {
    return resolved.size() > prefix.size() && resolved.compare(0, prefix.size(), prefix) == 0;
  };
  return starts_with("http://") || starts_with("https://") ? resolved : "";
}

std::string AuthorName(std::string_view text) {
  std::string name = text::CollapseWhitespace(text);
  size_t open = name.find('(');
  size_t close = name.rfind(')');
  if (open != std::string::npos && close != std::string::npos && close > open &&
      name.find('@') < open) {
    return text::CollapseWhitespace(std::string_view(name).substr(open + 1, close - open - 1));
  }
  bool is_email = name.find('@') != std::string::npos && name.find(' ') == std::string::npos;
  return is_email ? "" : name;
}

void AddAuthor(std::string name, std::vector<std::string>* names) {
  if (name.empty() || std::find(names->begin(), names->end(), name) != names->end()) return;
  names->push_back(std::move(name));
}

}  // namespace feed_internal

const char* FeedFormatName(FeedFormat format) {
  switch (format) {
    case FeedFormat::kRss2:
      return "rss2";
    case FeedFormat::kRss1:
      return "rss1";
    case FeedFormat::kAtom:
      return "atom";
    case FeedFormat::kJsonFeed:
      return "jsonfeed";
  }
  return "unknown";
}

Result<Feed> ParseFeed(std::string_view body, std::string_view feed_url) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Status::InvalidArgument("empty feed document");
  if (body[first] == '{') return feed_internal::ParseJsonFeed(body, feed_url);
  return feed_internal::ParseXmlFeed(body, feed_url);
}

namespace {

// Finds `needle` (lower-case) in `hay` ignoring ASCII case, from `from`.
size_t FindIgnoreCase(std::string_view hay, std::string_view needle, size_t from) {
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && text::AsciiLower(hay[i + k]) == needle[k]) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

// Reads the attributes of the tag whose name ends at `pos` up to its '>'; lower-cased names.
// Returns the position after the tag.
size_t ReadAttributes(std::string_view html, size_t pos,
                      std::vector<std::pair<std::string, std::string>>* attrs) {
  while (pos < html.size()) {
    while (pos < html.size() && (text::IsAsciiSpace(html[pos]) || html[pos] == '/')) ++pos;
    if (pos >= html.size() || html[pos] == '>') return pos + 1;
    size_t name_start = pos;
    while (pos < html.size() && !text::IsAsciiSpace(html[pos]) && html[pos] != '=' &&
           html[pos] != '>' && html[pos] != '/') {
      ++pos;
    }
    std::string name = text::AsciiLower(html.substr(name_start, pos - name_start));
    while (pos < html.size() && text::IsAsciiSpace(html[pos])) ++pos;
    std::string value;
    if (pos < html.size() && html[pos] == '=') {
      ++pos;
      while (pos < html.size() && text::IsAsciiSpace(html[pos])) ++pos;
      if (pos < html.size() && (html[pos] == '"' || html[pos] == '\'')) {
        char quote = html[pos++];
        size_t end = html.find(quote, pos);
        if (end == std::string_view::npos) end = html.size();
        value = std::string(html.substr(pos, end - pos));
        pos = end + 1;
      } else {
        size_t start = pos;
        while (pos < html.size() && !text::IsAsciiSpace(html[pos]) && html[pos] != '>') ++pos;
        value = std::string(html.substr(start, pos - start));
      }
    }
    if (!name.empty()) attrs->emplace_back(std::move(name), xml::HtmlToText(value));
  }
  return pos;
}

std::string_view Find(const std::vector<std::pair<std::string, std::string>>& attrs,
                      std::string_view name) {
  for (const auto& [n, v] : attrs) {
    if (n == name) return v;
  }
  return {};
}

bool HasToken(std::string_view list, std::string_view token) {
  std::string lower = text::AsciiLower(list);
  size_t pos = 0;
  while (pos < lower.size()) {
    while (pos < lower.size() && text::IsAsciiSpace(lower[pos])) ++pos;
    size_t end = pos;
    while (end < lower.size() && !text::IsAsciiSpace(lower[end])) ++end;
    if (std::string_view(lower).substr(pos, end - pos) == token) return true;
    pos = end;
  }
  return false;
}

bool IsFeedType(std::string_view type) {
  std::string t = text::AsciiLower(text::CollapseWhitespace(type));
  t = t.substr(0, t.find(';'));
  while (!t.empty() && t.back() == ' ') t.pop_back();
  return t == "application/rss+xml" || t == "application/atom+xml" ||
         t == "application/feed+json" || t == "application/rdf+xml";
}

}  // namespace

std::vector<std::string> DiscoverFeedLinks(std::string_view html, std::string_view base_url) {
  std::vector<std::string> links;
  std::string base(base_url);
  bool base_seen = false;
  size_t pos = 0;
  while (pos < html.size()) {
    size_t lt = html.find('<', pos);
    if (lt == std::string_view::npos) break;
    if (html.substr(lt, 4) == "<!--") {
      size_t end = html.find("-->", lt + 4);
      if (end == std::string_view::npos) break;
      pos = end + 3;
      continue;
    }
    bool is_link = FindIgnoreCase(html.substr(lt, 5), "<link", 0) == 0;
    bool is_base = FindIgnoreCase(html.substr(lt, 5), "<base", 0) == 0;
    size_t name_end = lt + 5;
    if ((!is_link && !is_base) || name_end >= html.size() ||
        !(text::IsAsciiSpace(html[name_end]) || html[name_end] == '/' || html[name_end] == '>')) {
      pos = lt + 1;
      continue;
    }
    std::vector<std::pair<std::string, std::string>> attrs;
    pos = ReadAttributes(html, name_end, &attrs);
    std::string_view href = Find(attrs, "href");
    if (is_base) {
      // Only the first <base href> counts (HTML spec); it is itself resolved against the URL.
      std::string resolved = feed_internal::ResolveHttpUrl(base_url, href);
      if (!resolved.empty() && !base_seen) base = resolved;
      base_seen = base_seen || !resolved.empty();
      continue;
    }
    if (!HasToken(Find(attrs, "rel"), "alternate") || !IsFeedType(Find(attrs, "type"))) continue;
    std::string url = feed_internal::ResolveHttpUrl(base, href);
    if (!url.empty() && std::find(links.begin(), links.end(), url) == links.end()) {
      links.push_back(std::move(url));
    }
  }
  return links;
}

}  // namespace newscrawl
