#include "pipeline/discovery.h"

#include "parser/sitemap.h"

#include <gtest/gtest.h>

#include "tests/support/test_server.h"

namespace newscrawl::pipeline {
namespace {

SiteConfig Site() {
  SiteConfig site;
  site.name = "a";
  site.seeds.push_back({SeedType::kFeed, "https://news.example/rss"});
  site.deny.push_back(*CompileUrlPattern("*/video/*"));
  site.article_pattern = *CompileUrlPattern("regex:/\\d+\\.html$");
  return site;
}

FrontierEntry Source(UrlKind kind, int depth = 0) {
  FrontierEntry e;
  e.kind = kind;
  e.depth = depth;
  e.site = "a";
  return e;
}

std::vector<std::string> Urls(const DiscoveryResult& r) {
  std::vector<std::string> urls;
  for (const auto& u : r.urls) urls.push_back(u.url);
  return urls;
}

TEST(SiteRulesTest, SameSiteAllowDenyAndArticlePattern) {
  SiteRules rules(Site());
  EXPECT_TRUE(rules.Allowed("https://news.example/a/1.html"));
  EXPECT_TRUE(rules.Allowed("https://www.news.example/a/1.html"));  // SameSite drops www.
  EXPECT_FALSE(rules.Allowed("https://other.example/a/1.html"));
  EXPECT_FALSE(rules.Allowed("https://news.example/video/1.html"));
  EXPECT_FALSE(rules.Allowed("ftp://news.example/1.html"));
  EXPECT_TRUE(rules.IsArticleLink("https://news.example/a/1.html"));
  EXPECT_FALSE(rules.IsArticleLink("https://news.example/about"));
  SiteConfig with_allow = Site();
  with_allow.allow.push_back(*CompileUrlPattern("https://news.example/a/*"));
  SiteRules allow_rules(with_allow);
  EXPECT_TRUE(allow_rules.Allowed("https://news.example/a/2.html"));
  EXPECT_FALSE(allow_rules.Allowed("https://news.example/b/2.html"));
}

TEST(ScanLinksTest, ResolvesDedupsAndSkipsComments) {
  const std::string html =
      "<html><head><base href=\"/dir/\"></head><body>"
      "<a href='x.html'>x</a> <A class=\"c\" HREF=\"/y.html?a=1&amp;b=2\">y</A>"
      "<!-- <a href=\"/hidden.html\"> --><a href=x.html>again</a><a name=anchor>no</a>"
      "<abbr href=\"/not-a-link\"></abbr></body></html>";
  EXPECT_EQ(ScanLinks(html, "https://h.example/start/page"),
            (std::vector<std::string>{"https://h.example/dir/x.html",
                                      "https://h.example/y.html?a=1&b=2"}));
}

TEST(DiscoveryTest, FeedEntriesAreCanonicalisedAndFiltered) {
  const std::string rss =
      "<rss version=\"2.0\"><channel><title>t</title>"
      "<item><title>One</title><link>https://news.example/a/1.html?utm_source=rss</link>"
      "<pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate></item>"
      "<item><link>https://news.example/video/2.html</link></item>"
      "<item><link>https://elsewhere.example/3.html</link></item>"
      "<item><link>https://news.example/a/1.html?utm_medium=x</link></item>"
      "</channel></rss>";
  auto r = DiscoverFromSource(Source(UrlKind::kFeed), rss, "https://news.example/rss",
                              SiteRules(Site()), "newscrawl");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(Urls(*r), (std::vector<std::string>{"https://news.example/a/1.html"}));
  EXPECT_EQ(r->urls[0].title, "One");
  EXPECT_EQ(r->urls[0].published_at.substr(0, 10), "2026-11-25");
  EXPECT_FALSE(r->urls[0].from_news_sitemap);
}

TEST(DiscoveryTest, HtmlWhereAFeedShouldBeIsAnError) {
  auto r = DiscoverFromSource(Source(UrlKind::kFeed), "<html><body>moved</body></html>",
                              "https://news.example/rss", SiteRules(Site()), "newscrawl");
  EXPECT_FALSE(r.ok());
}

TEST(DiscoveryTest, GzippedNewsSitemapCarriesHighTrustMetadata) {
  const std::string xml =
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
      "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\"><url>"
      "<loc>https://news.example/a/7.html</loc><news:news><news:publication><news:name>A</"
      "news:name>"
      "<news:language>vi</news:language></news:publication>"
      "<news:publication_date>2026-11-25T09:00:00+07:00</news:publication_date>"
      "<news:title>Tin 7</news:title></news:news></url></urlset>";
  auto r = DiscoverFromSource(Source(UrlKind::kSitemap), testing::Gzip(xml),
                              "https://news.example/news.xml.gz", SiteRules(Site()), "newscrawl");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->urls.size(), 1u);
  EXPECT_EQ(r->urls[0].kind, UrlKind::kArticle);
  EXPECT_TRUE(r->urls[0].from_news_sitemap);
  EXPECT_EQ(r->urls[0].title, "Tin 7");
  EXPECT_EQ(r->urls[0].published_at, "2026-11-25T09:00:00+07:00");
}

TEST(DiscoveryTest, PlainSitemapLastmodIsNotAPublicationDate) {
  const std::string xml =
      "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
      "<url><loc>https://news.example/a/8.html</loc><lastmod>2026-11-25T10:00:00Z</lastmod></url>"
      "</urlset>";
  auto r = DiscoverFromSource(Source(UrlKind::kSitemap), xml, "https://news.example/sitemap.xml",
                              SiteRules(Site()), "newscrawl");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->urls.size(), 1u);
  EXPECT_EQ(r->urls[0].published_at, "");  // lastmod is when the page changed, not published
  EXPECT_EQ(r->urls[0].lastmod.substr(0, 16), "2026-11-25T10:00");
  EXPECT_FALSE(r->urls[0].from_news_sitemap);
}

TEST(DiscoveryTest, FeedServedAsSitemapKeepsItsEntryDates) {
  const std::string rss =
      "<rss version=\"2.0\"><channel><title>t</title>"
      "<item><link>https://news.example/a/9.html</link>"
      "<pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate></item></channel></rss>";
  auto r = DiscoverFromSource(Source(UrlKind::kSitemap), rss, "https://news.example/sitemap.rss",
                              SiteRules(Site()), "newscrawl");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->urls.size(), 1u);
  EXPECT_EQ(r->urls[0].published_at.substr(0, 10), "2026-11-25");
  EXPECT_EQ(r->urls[0].lastmod, "");
}

TEST(DiscoveryTest, SitemapIndexChildrenGoOneLevelDeeperUpToTheLimit) {
  const std::string index =
      "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
      "<sitemap><loc>https://news.example/s1.xml</loc></sitemap>"
      "<sitemap><loc>https://elsewhere.example/s2.xml</loc></sitemap></sitemapindex>";
  auto r = DiscoverFromSource(Source(UrlKind::kSitemap, 1), index, "https://news.example/index.xml",
                              SiteRules(Site()), "newscrawl");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(Urls(*r), (std::vector<std::string>{"https://news.example/s1.xml"}));
  EXPECT_EQ(r->urls[0].kind, UrlKind::kSitemap);
  EXPECT_EQ(r->urls[0].depth, 2);
  auto too_deep =
      DiscoverFromSource(Source(UrlKind::kSitemap, newscrawl::kSitemapMaxIndexDepth), index,
                         "https://news.example/index.xml", SiteRules(Site()), "newscrawl");
  ASSERT_TRUE(too_deep.ok());
  EXPECT_TRUE(too_deep->urls.empty());
  EXPECT_NE(too_deep->warning.find("not followed"), std::string::npos);
}

TEST(DiscoveryTest, RobotsSitemapLinesBecomeSitemapSources) {
  auto r = DiscoverFromSource(Source(UrlKind::kRobots),
                              "User-agent: *\nDisallow: /private/\nSitemap: /sitemap.xml\n"
                              "Sitemap: https://elsewhere.example/x.xml\n",
                              "https://news.example/robots.txt", SiteRules(Site()), "newscrawl");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(Urls(*r), (std::vector<std::string>{"https://news.example/sitemap.xml"}));
  EXPECT_EQ(r->urls[0].kind, UrlKind::kSitemap);
}

TEST(DiscoveryTest, SectionPagesYieldArticleLinksAndAlternateFeeds) {
  const std::string html =
      "<html><head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.rss\"></head>"
      "<body><a href=\"/a/1.html\">1</a><a href=\"/about\">about</a>"
      "<a href=\"/video/9.html\">v</a><a "
      "href=\"https://elsewhere.example/5.html\">x</a></body></html>";
  auto r = DiscoverFromSource(Source(UrlKind::kSection), html, "https://news.example/",
                              SiteRules(Site()), "newscrawl");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(Urls(*r), (std::vector<std::string>{"https://news.example/feed.rss",
                                                "https://news.example/a/1.html"}));
  EXPECT_EQ(r->urls[0].kind, UrlKind::kFeed);
  EXPECT_EQ(r->urls[1].kind, UrlKind::kArticle);
}

}  // namespace
}  // namespace newscrawl::pipeline
