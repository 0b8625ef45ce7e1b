#include "pipeline/discovery.h"

#include <algorithm>
#include <unordered_set>

#include "common/text.h"
#include "common/url.h"
#include "parser/feed.h"
#include "parser/robots.h"
#include "parser/sitemap.h"

namespace newscrawl::pipeline {
namespace {

bool IEqualsAt(std::string_view s, size_t pos, std::string_view word) {
  return pos <= s.size() && text::StartsWithIgnoreCase(s.substr(pos), word);
}

// Finds the value of attribute `name` inside one tag text ("<a class=x href='/y'>").
std::string AttributeValue(std::string_view tag, std::string_view name) {
  size_t pos = 0;
  while (pos < tag.size()) {
    // Attribute names follow whitespace.
    while (pos < tag.size() && !text::IsAsciiSpace(tag[pos])) {
      if (tag[pos] == '"' || tag[pos] == '\'') {
        char q = tag[pos];
        size_t end = tag.find(q, pos + 1);
        pos = end == std::string_view::npos ? tag.size() : end + 1;
      } else {
        ++pos;
      }
    }
    while (pos < tag.size() && text::IsAsciiSpace(tag[pos])) ++pos;
    if (!IEqualsAt(tag, pos, name)) continue;
    size_t p = pos + name.size();
    while (p < tag.size() && text::IsAsciiSpace(tag[p])) ++p;
    if (p >= tag.size() || tag[p] != '=') continue;
    ++p;
    while (p < tag.size() && text::IsAsciiSpace(tag[p])) ++p;
    if (p >= tag.size()) return "";
    std::string_view value;
    if (tag[p] == '"' || tag[p] == '\'') {
      size_t end = tag.find(tag[p], p + 1);
      value =
          tag.substr(p + 1, end == std::string_view::npos ? std::string_view::npos : end - p - 1);
    } else {
      size_t end = p;
      while (end < tag.size() && !text::IsAsciiSpace(tag[end]) && tag[end] != '>') ++end;
      value = tag.substr(p, end - p);
    }
    std::string out(value);
    // The entities that appear in URLs.
    for (auto [from, to] : {std::pair<std::string_view, std::string_view>{"&amp;", "&"},
                            {"&#38;", "&"},
                            {"&quot;", "\""}}) {
      for (size_t at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size()))
        out.replace(at, from.size(), to);
    }
    return out;
  }
  return "";
}

std::string Canonical(std::string_view url) {
  auto canonical = CanonicalizeUrl(url);
  return canonical.ok() ? *canonical : "";
}

class Collector {
 public:
  void Add(DiscoveredUrl u) {
    if (u.url.empty() || !seen_.insert(u.url).second) return;
    result.urls.push_back(std::move(u));
  }
  DiscoveryResult result;

 private:
  std::unordered_set<std::string> seen_;
};

}  // namespace

SiteRules::SiteRules(const SiteConfig& site) : site_(site) {}

bool SiteRules::Allowed(std::string_view url) const {
  if (url.substr(0, 7) != "http://" && url.substr(0, 8) != "https://") return false;
  bool same_site = std::any_of(site_.seeds.begin(), site_.seeds.end(),
                               [&](const Seed& seed) { return SameSite(seed.url, url); });
  if (!same_site) return false;
  for (const auto& pattern : site_.deny)
    if (pattern.Matches(url)) return false;
  if (site_.allow.empty()) return true;
  return std::any_of(site_.allow.begin(), site_.allow.end(),
                     [&](const UrlPattern& pattern) { return pattern.Matches(url); });
}

bool SiteRules::IsArticleLink(std::string_view url) const {
  if (!Allowed(url)) return false;
  return !site_.article_pattern || site_.article_pattern->Matches(url);
}

std::vector<std::string> ScanLinks(std::string_view html, std::string_view base_url) {
  std::string base(base_url);
  std::vector<std::string> links;
  std::unordered_set<std::string> seen;
  size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string_view::npos) {
    if (html.substr(pos, 4) == "<!--") {
      size_t end = html.find("-->", pos + 4);
      if (end == std::string_view::npos) break;
      pos = end + 3;
      continue;
    }
    size_t end = html.find('>', pos);
    if (end == std::string_view::npos) break;
    std::string_view tag = html.substr(pos, end - pos);
    const bool is_a = IEqualsAt(tag, 1, "a") && tag.size() > 2 && text::IsAsciiSpace(tag[2]);
    const bool is_base = IEqualsAt(tag, 1, "base") && tag.size() > 5 && text::IsAsciiSpace(tag[5]);
    if (is_a || is_base) {
      std::string href = AttributeValue(tag.substr(2), "href");
      if (is_base) {
        if (!href.empty()) {
          std::string resolved = ResolveUrlString(base, href);
          if (!resolved.empty()) base = resolved;
        }
      } else if (!href.empty()) {
        std::string resolved = ResolveUrlString(base, href);
        if (!resolved.empty() && seen.insert(resolved).second) links.push_back(resolved);
      }
    }
    pos = end + 1;
  }
  return links;
}

Result<DiscoveryResult> DiscoverFromSource(const FrontierEntry& source, std::string_view body,
                                           std::string_view final_url, const SiteRules& rules,
                                           std::string_view robots_product_token) {
  Collector out;
  auto article = [&](std::string_view url) {
    DiscoveredUrl u;
    u.url = Canonical(url);
    u.kind = UrlKind::kArticle;
    return u;
  };
  switch (source.kind) {
    case UrlKind::kFeed: {
      auto feed = ParseFeed(body, final_url);
      if (!feed.ok()) return feed.status();
      out.result.warning = feed->warning;
      for (const auto& entry : feed->entries) {
        DiscoveredUrl u = article(entry.url);
        if (u.url.empty() || !rules.Allowed(u.url)) continue;
        u.title = entry.title;
        u.published_at = entry.published_at;
        out.Add(std::move(u));
      }
      break;
    }
    case UrlKind::kSitemap: {
      auto sitemap = ParseSitemap(body, final_url);
      if (!sitemap.ok()) return sitemap.status();
      out.result.warning = sitemap->warning;
      for (const auto& entry : sitemap->urls) {
        if (sitemap->kind == SitemapKind::kIndex) {
          if (source.depth + 1 > kSitemapMaxIndexDepth) {
            out.result.warning = "sitemap index nested deeper than " +
                                 std::to_string(kSitemapMaxIndexDepth) + " levels: not followed";
            continue;
          }
          DiscoveredUrl u;
          u.url = Canonical(entry.url);
          if (u.url.empty() || !rules.Allowed(u.url)) continue;
          u.kind = UrlKind::kSitemap;
          u.depth = source.depth + 1;
          out.Add(std::move(u));
          continue;
        }
        DiscoveredUrl u = article(entry.url);
        if (u.url.empty() || !rules.Allowed(u.url)) continue;
        if (entry.news) {
          u.title = entry.news->title;
          u.published_at = entry.news->publication_date;
          u.from_news_sitemap = true;
        } else if (sitemap->kind == SitemapKind::kFeed) {
          u.published_at = entry.lastmod;  // a feed served as a sitemap: the entry's date
        }
        // <lastmod> says when the page last changed, not when it was published.
        if (sitemap->kind != SitemapKind::kFeed) u.lastmod = entry.lastmod;
        out.Add(std::move(u));
      }
      break;
    }
    case UrlKind::kRobots: {
      RobotsRules robots = ParseRobotsTxt(body, robots_product_token);
      for (const auto& sitemap_url : robots.sitemaps) {
        DiscoveredUrl u;
        u.url = Canonical(ResolveUrlString(final_url, sitemap_url));
        if (u.url.empty() || !rules.Allowed(u.url)) continue;
        u.kind = UrlKind::kSitemap;
        out.Add(std::move(u));
      }
      break;
    }
    case UrlKind::kSection: {
      for (const auto& feed_url : DiscoverFeedLinks(body, final_url)) {
        DiscoveredUrl u;
        u.url = Canonical(feed_url);
        if (u.url.empty() || !rules.Allowed(u.url)) continue;
        u.kind = UrlKind::kFeed;
        out.Add(std::move(u));
      }
      for (const auto& link : ScanLinks(body, final_url)) {
        DiscoveredUrl u = article(link);
        if (u.url.empty() || !rules.IsArticleLink(u.url)) continue;
        out.Add(std::move(u));
      }
      break;
    }
    case UrlKind::kArticle:
      return Status::InvalidArgument("an article is not a discovery source");
  }
  return std::move(out.result);
}

}  // namespace newscrawl::pipeline
