// Discovery: what a fetched source (feed, sitemap, robots.txt, section or home page) tells the
// daemon about new URLs, filtered by the site's rules. Pure functions over bytes plus the rules;
// thread-safe; called on the worker pool, never on the fetcher's I/O thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "config/config.h"
#include "pipeline/frontier.h"

namespace newscrawl::pipeline {

// Which URLs belong to a site and which of them are articles.
//   - A URL belongs to the site when it is http(s), on the same site (SameSite) as one of the
//     site's seeds, matches none of the deny patterns and, when allow patterns are given, at
//     least one of them.
//   - Links found on section/home pages are articles only when they also match the article
//     pattern (when one is set). Feed and sitemap entries are trusted to be articles.
// Patterns are config UrlPatterns (globs, or "regex:" regular expressions) over the canonical URL.
class SiteRules {
 public:
  explicit SiteRules(const SiteConfig& site);
  const std::string& site() const { return site_.name; }
  bool Allowed(std::string_view url) const;
  bool IsArticleLink(std::string_view url) const;

 private:
  SiteConfig site_;
};

struct DiscoveredUrl {
  std::string url;  // canonical
  UrlKind kind = UrlKind::kArticle;
  std::string title;
  // A publication date: a feed entry's date or a news sitemap's news:publication_date; never a
  // sitemap's <lastmod> (when the page last changed, which may be long after publication).
  std::string published_at;
  // A sitemap entry's <lastmod> (ISO 8601), for recrawl decisions only; "" otherwise.
  std::string lastmod;
  bool from_news_sitemap = false;
  int depth = 0;  // sitemaps only
};

struct DiscoveryResult {
  std::vector<DiscoveredUrl> urls;  // in document order, without duplicates
  std::string warning;              // a partial/damaged document, a depth limit hit; else ""
};

// Parses `body` as `source.kind` (fetched from `final_url`) and returns what it lists that the
// rules allow. Sitemap indexes yield child sitemaps one level deeper; children deeper than
// kSitemapMaxIndexDepth are dropped with a warning. Fails with InvalidArgument when the body is
// not the kind of document expected (e.g. an HTML error page where a feed should be).
Result<DiscoveryResult> DiscoverFromSource(const FrontierEntry& source, std::string_view body,
                                           std::string_view final_url, const SiteRules& rules,
                                           std::string_view robots_product_token);

// The targets of <a href> links in `html`, resolved against `base_url` (and <base href>), in
// document order, without duplicates. A byte scan, no DOM: cheap enough for section pages.
std::vector<std::string> ScanLinks(std::string_view html, std::string_view base_url);

}  // namespace newscrawl::pipeline
