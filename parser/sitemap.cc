// ParseSitemap: gzip detection, urlset / sitemapindex / text / feed sitemaps, sitemaps.org limits.
#include "parser/sitemap.h"

#include "common/text.h"
#include "parser/date_parse.h"
#include "parser/feed.h"
#include "parser/feed_internal.h"
#include "parser/xml_util.h"

namespace newscrawl {
namespace {

bool IsGzip(std::string_view body) {
  return body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
         static_cast<unsigned char>(body[1]) == 0x8b;
}

void AddWarning(Sitemap* sitemap, const std::string& warning) {
  if (!sitemap->warning.empty()) sitemap->warning += "; ";
  sitemap->warning += warning;
}

// Adds `entry` unless the URL cap is reached (then marks the sitemap truncated, once).
// Returns false when no more entries may be added.
bool AddUrl(SitemapUrl entry, Sitemap* sitemap) {
  if (sitemap->urls.size() >= kSitemapMaxUrls) {
    if (!sitemap->truncated || sitemap->warning.find("more than") == std::string::npos) {
      sitemap->truncated = true;
      AddWarning(sitemap, "more than " + std::to_string(kSitemapMaxUrls) +
                              " URLs: the rest ignored (sitemaps.org limit)");
    }
    return false;
  }
  sitemap->urls.push_back(std::move(entry));
  return true;
}

Sitemap ParseTextSitemap(std::string_view body, std::string_view sitemap_url) {
  Sitemap sitemap;
  sitemap.kind = SitemapKind::kText;
  size_t skipped = 0;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = body.size();
    std::string line = text::CollapseWhitespace(body.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty()) continue;
    // Text sitemaps must list absolute URLs; a relative line is not a URL of this file.
    std::string url = feed_internal::ResolveHttpUrl("", line);
    if (url.empty()) {
      ++skipped;
      continue;
    }
    if (!AddUrl({std::move(url), "", std::nullopt}, &sitemap)) break;
  }
  if (skipped > 0) AddWarning(&sitemap, std::to_string(skipped) + " lines are not absolute URLs");
  return sitemap;
}

std::optional<SitemapNews> ParseNews(const pugi::xml_node& url_node) {
  pugi::xml_node news = xml::Child(url_node, "news");
  if (!news) return std::nullopt;
  SitemapNews meta;
  pugi::xml_node publication = xml::Child(news, "publication");
  meta.publication_name = xml::CleanText(xml::Child(publication, "name"));
  meta.language = xml::CleanText(xml::Child(publication, "language"));
  meta.publication_date = ParseFeedDate(xml::CleanText(xml::Child(news, "publication_date")));
  meta.title = xml::HtmlToText(xml::NodeText(xml::Child(news, "title")));
  return meta;
}

// Feeds are valid sitemaps (sitemaps.org "Other formats"): their entries become URLs.
Result<Sitemap> SitemapFromFeed(std::string_view body, std::string_view sitemap_url) {
  Result<Feed> feed = ParseFeed(body, sitemap_url);
  if (!feed.ok()) return feed.status();
  Sitemap sitemap;
  sitemap.kind = SitemapKind::kFeed;
  for (FeedEntry& entry : feed->entries) {
    std::string date = entry.updated_at.empty() ? entry.published_at : entry.updated_at;
    if (!AddUrl({std::move(entry.url), std::move(date), std::nullopt}, &sitemap)) break;
  }
  if (!feed->warning.empty()) {
    sitemap.truncated = true;
    AddWarning(&sitemap, feed->warning);
  }
  return sitemap;
}

Result<Sitemap> ParseXmlSitemap(std::string_view body, std::string_view sitemap_url) {
  pugi::xml_document doc;
  size_t error_offset = 0;
  Status load = xml::LoadXml(body, &doc, &error_offset);
  pugi::xml_node root = doc.document_element();
  if (!root) {
    return Status::InvalidArgument(load.ok() ? "not a sitemap: no root element"
                                             : "not a sitemap: " + load.message());
  }
  if (xml::LocalNameIs(root, "rss") || xml::LocalNameIs(root, "RDF") ||
      xml::LocalNameIs(root, "feed")) {
    return SitemapFromFeed(body, sitemap_url);
  }

  Sitemap sitemap;
  const char* entry_name = nullptr;
  if (xml::LocalNameIs(root, "urlset")) {
    sitemap.kind = SitemapKind::kUrlSet;
    entry_name = "url";
  } else if (xml::LocalNameIs(root, "sitemapindex")) {
    sitemap.kind = SitemapKind::kIndex;
    entry_name = "sitemap";
  } else {
    return Status::InvalidArgument("not a sitemap: the document's root element is <" +
                                   std::string(xml::LocalName(root.name())) +
                                   ">, expected <urlset> or <sitemapindex>");
  }

  size_t bad_locations = 0;
  for (pugi::xml_node node = root.first_child(); node; node = node.next_sibling()) {
    if (!xml::LocalNameIs(node, entry_name)) continue;
    if (!load.ok() && !xml::ElementComplete(node, body, error_offset)) break;  // cut by the error
    SitemapUrl entry;
    entry.url = feed_internal::ResolveHttpUrl(sitemap_url, xml::CleanText(xml::Child(node, "loc")));
    if (entry.url.empty()) {
      ++bad_locations;
      continue;
    }
    entry.lastmod = ParseFeedDate(xml::CleanText(xml::Child(node, "lastmod")));
    if (sitemap.kind == SitemapKind::kUrlSet) entry.news = ParseNews(node);
    if (!AddUrl(std::move(entry), &sitemap)) break;
  }
  if (bad_locations > 0) {
    AddWarning(&sitemap, std::to_string(bad_locations) + " entries without a usable <loc>");
  }
  if (!load.ok()) {
    if (sitemap.urls.empty())
      return Status::InvalidArgument("malformed sitemap: " + load.message());
    sitemap.truncated = true;
    AddWarning(&sitemap, load.message() + "; " + std::to_string(sitemap.urls.size()) +
                             " entries read before it");
  }
  return sitemap;
}

}  // namespace

const char* SitemapKindName(SitemapKind kind) {
  switch (kind) {
    case SitemapKind::kUrlSet:
      return "urlset";
    case SitemapKind::kIndex:
      return "sitemapindex";
    case SitemapKind::kText:
      return "text";
    case SitemapKind::kFeed:
      return "feed";
  }
  return "unknown";
}

Result<Sitemap> ParseSitemap(std::string_view body, std::string_view sitemap_url) {
  std::string inflated;
  bool gzipped = IsGzip(body);
  bool cut = false;
  if (gzipped) {
    Result<std::string> plain = GunzipCapped(body, kSitemapMaxBytes, &cut);
    if (!plain.ok()) return plain.status().WithContext("sitemap");
    inflated = std::move(plain).value();
    body = inflated;
    // Decompressed once only: a gzip inside the gzip is a broken server, not a format.
    if (IsGzip(body)) return Status::InvalidArgument("sitemap: gzip data inside gzip data");
  } else if (body.size() > kSitemapMaxBytes) {
    body = body.substr(0, kSitemapMaxBytes);
    cut = true;
  }

  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return Status::InvalidArgument("empty sitemap document");

  bool is_xml = body[first] == '<';
  if (cut && !is_xml) body = body.substr(0, body.find_last_of("\r\n") + 1);  // drop a cut line
  Result<Sitemap> sitemap = is_xml ? ParseXmlSitemap(body, sitemap_url)
                                   : Result<Sitemap>(ParseTextSitemap(body, sitemap_url));
  if (!sitemap.ok()) return sitemap;
  sitemap->gzipped = gzipped;
  if (cut) {
    sitemap->truncated = true;
    AddWarning(&sitemap.value(), "more than " + std::to_string(kSitemapMaxBytes >> 20) +
                                     " MiB of data (or a cut download): the rest ignored");
  }
  return sitemap;
}

}  // namespace newscrawl
