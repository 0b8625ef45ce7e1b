// Sitemaps: urlset, index, Google News, text, feeds, gzip by magic bytes, sitemaps.org limits.
#include "parser/sitemap.h"

#include <zlib.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace newscrawl {
namespace {

using ::testing::HasSubstr;

std::string ReadSitemapFixture(const std::string& name) {
  std::ifstream in(std::string(NC_SOURCE_DIR) + "/tests/fixtures/discovery/" + name,
                   std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  EXPECT_FALSE(out.str().empty()) << "missing fixture " << name;
  return out.str();
}

// gzip-compresses `data` (one member), as a server would.
std::string Gzip(std::string_view data) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

const char kSitemapUrl[] = "https://news.example.vn/sitemaps/news.xml";

void ExpectNewsSitemap(const Sitemap& sitemap) {
  EXPECT_EQ(sitemap.kind, SitemapKind::kUrlSet);
  ASSERT_EQ(sitemap.urls.size(), 3u);  // the <url> without <loc> is skipped
  const SitemapUrl& first = sitemap.urls[0];
  EXPECT_EQ(first.url, "https://news.example.vn/thoi-su/mua-lon-4500001.html");
  EXPECT_EQ(first.lastmod, "2026-11-25T16:45:00+07:00");
  ASSERT_TRUE(first.news.has_value());
  EXPECT_EQ(first.news->publication_name, "Báo Ví Dụ");
  EXPECT_EQ(first.news->language, "vi");
  EXPECT_EQ(first.news->publication_date, "2026-11-25T16:30:00+07:00");
  EXPECT_EQ(first.news->title, "Hà Nội mưa lớn & ngập");

  EXPECT_EQ(sitemap.urls[1].url, "https://news.example.vn/kinh-doanh/gia-vang-4500002.html");
  EXPECT_FALSE(sitemap.urls[1].news.has_value());  // image:image ignored, not mistaken for news
  EXPECT_EQ(sitemap.urls[2].url, "https://news.example.vn/relative/4500003.html");
  EXPECT_EQ(sitemap.urls[2].lastmod, "");
  EXPECT_FALSE(sitemap.truncated);
  EXPECT_EQ(sitemap.warning, "1 entries without a usable <loc>");
}

TEST(SitemapTest, GoogleNewsUrlset) {
  Result<Sitemap> sitemap = ParseSitemap(ReadSitemapFixture("news_sitemap.xml"), kSitemapUrl);
  ASSERT_TRUE(sitemap.ok()) << sitemap.status().ToString();
  EXPECT_FALSE(sitemap->gzipped);
  ExpectNewsSitemap(*sitemap);
}

TEST(SitemapTest, GzipDetectedByMagicNotName) {
  // The fixture was made with `gzip -n`; its name is irrelevant: only the bytes count.
  Result<Sitemap> sitemap = ParseSitemap(ReadSitemapFixture("news_sitemap.xml.gz"), kSitemapUrl);
  ASSERT_TRUE(sitemap.ok()) << sitemap.status().ToString();
  EXPECT_TRUE(sitemap->gzipped);
  ExpectNewsSitemap(*sitemap);

  // A ".gz" URL whose body the HTTP layer already decoded is plain XML: parsed as is.
  Result<Sitemap> decoded = ParseSitemap(ReadSitemapFixture("news_sitemap.xml"),
                                         "https://news.example.vn/sitemaps/news.xml.gz");
  ASSERT_TRUE(decoded.ok());
  EXPECT_FALSE(decoded->gzipped);
  EXPECT_EQ(decoded->urls.size(), 3u);
}

TEST(SitemapTest, GzipNeverDecompressedTwice) {
  std::string twice = Gzip(Gzip("<urlset><url><loc>https://a.example/1</loc></url></urlset>"));
  Result<Sitemap> sitemap = ParseSitemap(twice, kSitemapUrl);
  ASSERT_FALSE(sitemap.ok());
  EXPECT_THAT(sitemap.status().message(), HasSubstr("gzip data inside gzip data"));
}

TEST(SitemapTest, CorruptAndCutGzip) {
  std::string gz = Gzip(ReadSitemapFixture("news_sitemap.xml"));
  std::string corrupt = gz;
  for (size_t i = 20; i < 60 && i < corrupt.size(); ++i) corrupt[i] = static_cast<char>(0xFF);
  Result<Sitemap> bad = ParseSitemap(corrupt, kSitemapUrl);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("gzip"));

  EXPECT_FALSE(ParseSitemap(gz.substr(0, 2), kSitemapUrl).ok());  // magic only, no content

  // A cut download: the entries inflated before the cut are kept, the sitemap is marked partial.
  std::string xml = "<urlset>";
  for (int i = 0; i < 2000; ++i)
    xml += "<url><loc>https://a.example/" + std::to_string(i) + "</loc></url>";
  xml += "</urlset>";
  std::string big = Gzip(xml);
  Result<Sitemap> cut = ParseSitemap(big.substr(0, big.size() / 2), kSitemapUrl);
  ASSERT_TRUE(cut.ok()) << cut.status().ToString();
  EXPECT_TRUE(cut->truncated);
  EXPECT_GT(cut->urls.size(), 10u);
  EXPECT_LT(cut->urls.size(), 2000u);
  for (size_t i = 0; i < cut->urls.size(); ++i) {  // no entry shortened by the cut
    EXPECT_EQ(cut->urls[i].url, "https://a.example/" + std::to_string(i));
  }
}

TEST(SitemapTest, GunzipCappedStopsABomb) {
  std::string bomb = Gzip(std::string(8 * 1024 * 1024, 'a'));  // ~8 MiB from a few KiB
  bool truncated = false;
  Result<std::string> out = GunzipCapped(bomb, 1024 * 1024, &truncated);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->size(), 1024u * 1024u);
  EXPECT_TRUE(truncated);

  Result<std::string> whole = GunzipCapped(bomb, 16 * 1024 * 1024, &truncated);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->size(), 8u * 1024u * 1024u);
  EXPECT_FALSE(truncated);

  EXPECT_FALSE(GunzipCapped("plain", 100, &truncated).ok());
}

TEST(SitemapTest, ConcatenatedGzipMembers) {
  std::string body = Gzip("<urlset><url><loc>https://a.example/1</loc></url>") +
                     Gzip("<url><loc>https://a.example/2</loc></url></urlset>");
  Result<Sitemap> sitemap = ParseSitemap(body, kSitemapUrl);
  ASSERT_TRUE(sitemap.ok()) << sitemap.status().ToString();
  EXPECT_EQ(sitemap->urls.size(), 2u);
}

TEST(SitemapTest, UncompressedSizeCapEnforced) {
  std::string xml = "<urlset><url><loc>https://a.example/1</loc></url><!--";
  xml.append(kSitemapMaxBytes, ' ');  // the data goes on beyond 50 MiB
  xml += "--></urlset>";
  for (const std::string& body : {xml, Gzip(xml)}) {
    Result<Sitemap> sitemap = ParseSitemap(body, kSitemapUrl);
    ASSERT_TRUE(sitemap.ok()) << sitemap.status().ToString();
    EXPECT_EQ(sitemap->urls.size(), 1u);
    EXPECT_TRUE(sitemap->truncated);
    EXPECT_THAT(sitemap->warning, HasSubstr("more than 50 MiB"));
  }
}

TEST(SitemapTest, UrlCountCapEnforced) {
  std::string xml = "<urlset>";
  for (size_t i = 0; i < kSitemapMaxUrls + 10; ++i) {
    xml += "<url><loc>https://a.example/" + std::to_string(i) + "</loc></url>";
  }
  xml += "</urlset>";
  Result<Sitemap> sitemap = ParseSitemap(xml, kSitemapUrl);
  ASSERT_TRUE(sitemap.ok());
  EXPECT_EQ(sitemap->urls.size(), kSitemapMaxUrls);
  EXPECT_EQ(sitemap->urls.back().url, "https://a.example/" + std::to_string(kSitemapMaxUrls - 1));
  EXPECT_TRUE(sitemap->truncated);
  EXPECT_THAT(sitemap->warning, HasSubstr("more than 50000 URLs"));
}

TEST(SitemapTest, Index) {
  Result<Sitemap> sitemap = ParseSitemap(ReadSitemapFixture("sitemap_index.xml"), kSitemapUrl);
  ASSERT_TRUE(sitemap.ok()) << sitemap.status().ToString();
  EXPECT_EQ(sitemap->kind, SitemapKind::kIndex);
  ASSERT_EQ(sitemap->urls.size(), 2u);
  EXPECT_EQ(sitemap->urls[0].url, "https://news.example.vn/sitemaps/news.xml.gz");
  EXPECT_EQ(sitemap->urls[0].lastmod, "2026-11-25T10:00:00+00:00");
  EXPECT_EQ(sitemap->urls[1].url, "https://news.example.vn/sitemaps/2026-11.xml");
  EXPECT_EQ(sitemap->warning, "");
}

TEST(SitemapTest, TextSitemap) {
  Result<Sitemap> sitemap = ParseSitemap(ReadSitemapFixture("sitemap.txt"), kSitemapUrl);
  ASSERT_TRUE(sitemap.ok()) << sitemap.status().ToString();
  EXPECT_EQ(sitemap->kind, SitemapKind::kText);
  ASSERT_EQ(sitemap->urls.size(), 3u);
  EXPECT_EQ(sitemap->urls[0].url, "https://news.example.vn/a-1.html");
  EXPECT_EQ(sitemap->urls[1].url, "https://news.example.vn/b-2.html");
  EXPECT_EQ(sitemap->urls[2].url, "https://news.example.vn/c-3.html");
  EXPECT_EQ(sitemap->warning, "2 lines are not absolute URLs");
}

TEST(SitemapTest, FeedAsSitemap) {
  Result<Sitemap> sitemap = ParseSitemap(
      "<rss><channel><item><link>https://a.example/x</link>"
      "<pubDate>Wed, 25 Nov 2026 16:30:00 +0700</pubDate></item></channel></rss>",
      kSitemapUrl);
  ASSERT_TRUE(sitemap.ok()) << sitemap.status().ToString();
  EXPECT_EQ(sitemap->kind, SitemapKind::kFeed);
  ASSERT_EQ(sitemap->urls.size(), 1u);
  EXPECT_EQ(sitemap->urls[0].lastmod, "2026-11-25T16:30:00+07:00");
}

TEST(SitemapTest, PrefixedElements) {
  Result<Sitemap> sitemap = ParseSitemap(
      "<sm:urlset xmlns:sm='http://www.sitemaps.org/schemas/sitemap/0.9'>"
      "<sm:url><sm:loc>https://a.example/1</sm:loc><sm:lastmod>2026-11-25</sm:lastmod></sm:url>"
      "</sm:urlset>",
      kSitemapUrl);
  ASSERT_TRUE(sitemap.ok());
  ASSERT_EQ(sitemap->urls.size(), 1u);
  EXPECT_EQ(sitemap->urls[0].lastmod, "2026-11-25");
}

TEST(SitemapTest, TruncatedXmlKeepsCompleteEntriesOnly) {
  std::string xml = ReadSitemapFixture("news_sitemap.xml");
  xml.resize(xml.find("gia-vang-4500002"));  // cut inside the second <loc>
  Result<Sitemap> sitemap = ParseSitemap(xml, kSitemapUrl);
  ASSERT_TRUE(sitemap.ok()) << sitemap.status().ToString();
  ASSERT_EQ(sitemap->urls.size(), 1u);
  EXPECT_TRUE(sitemap->truncated);
  EXPECT_THAT(sitemap->warning, HasSubstr("XML error at byte"));
}

TEST(SitemapTest, Errors) {
  struct ErrorCase {
    std::string body;
    const char* message;
  };
  const ErrorCase kErrors[] = {
      {"", "empty sitemap document"},
      {"\xEF\xBB\xBF \n", "empty sitemap document"},
      {"<html><body>404</body></html>", "root element is <html>"},
      {"<urlset><url><loc>https://a.example/1", "malformed sitemap: XML error at byte"},
      {std::string("\x1f\x8b\x08\x00garbage", 11), "sitemap: "},
  };
  for (const ErrorCase& c : kErrors) {
    Result<Sitemap> sitemap = ParseSitemap(c.body, kSitemapUrl);
    ASSERT_FALSE(sitemap.ok()) << c.body;
    EXPECT_EQ(sitemap.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(sitemap.status().message(), HasSubstr(c.message)) << c.body;
  }
}

// Deterministic mutations of the fixtures, gzip included: no crash, no leak, invariants kept.
TEST(SitemapTest, MutatedFixturesKeepInvariants) {
  std::mt19937 rng(1952);
  for (const char* name :
       {"news_sitemap.xml", "news_sitemap.xml.gz", "sitemap_index.xml", "sitemap.txt"}) {
    const std::string original = ReadSitemapFixture(name);
    for (int i = 0; i < 300; ++i) {
      std::string body = original;
      if (rng() % 2 == 0) {
        for (int k = 0; k < 3; ++k) body[2 + rng() % (body.size() - 2)] = static_cast<char>(rng());
      } else {
        body.resize(rng() % body.size());
      }
      Result<Sitemap> sitemap = ParseSitemap(body, kSitemapUrl);
      if (!sitemap.ok()) continue;
      EXPECT_LE(sitemap->urls.size(), kSitemapMaxUrls);
      for (const SitemapUrl& entry : sitemap->urls) {
        EXPECT_TRUE(entry.url.rfind("http://", 0) == 0 || entry.url.rfind("https://", 0) == 0)
            << entry.url;
      }
    }
  }
}

}  // namespace
}  // namespace newscrawl
