#include "parser/metadata.h"

#include <fstream>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parser/charset.h"
#include "parser/dom.h"
#include "parser/meta_text.h"

namespace newscrawl {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

PageMetadata Extract(const std::string& html, std::string_view url = "https://example.com/a") {
  dom::ParsedHtml parsed = dom::ParsedHtml::Parse(html);
  return ExtractMetadata(parsed.document(), url);
}

std::string Ld(const std::string& body) {
  return "<script type=\"application/ld+json\">" + body + "</script>";
}

// Each row: the page's <head> and <body>, the expected value. Rows with several sources check
// the order of trust: the earlier source must win.
struct Row {
  const char* name;
  std::string head, body, want;
};

TEST(MetadataTest, TitleSourcesAndTrustOrder) {
  const std::string ld = Ld(R"({"@type":"NewsArticle","headline":"LD headline"})");
  const std::string og = "<meta property=og:title content='OG title'>";
  const std::string h1 = "<h1>H1 title</h1>";
  const std::string title = "<title>Page title - VnExpress</title>";
  Row rows[] = {
      {"jsonld", ld + og + title, h1, "LD headline"},
      {"og", og + title, h1, "OG title"},
      {"h1", title, h1, "H1 title"},
      {"title minus suffix", title, "", "Page title"},
      {"title minus pipe suffix", "<title>Story here | The Site</title>", "", "Story here"},
      {"title minus site-name prefix",
       "<meta property=og:site_name content='Báo Mẫu'><title>Báo Mẫu - Tin chính</title>", "",
       "Tin chính"},
      {"og title minus site name",
       "<meta property=og:site_name content=VnExpress><meta property=og:title "
       "content='Giá vàng tăng - VnExpress'>",
       "", "Giá vàng tăng"},
      {"cut jsonld headline completed by og:title",
       Ld(R"({"@type":"NewsArticle","headline":"A very long headline that was cut…"})") +
           "<meta property=og:title content='A very long headline that was cut at 110 chars'>",
       "", "A very long headline that was cut at 110 chars"},
      {"logo h1 skipped", title, "<header><h1 class=logo>VnExpress</h1></header><h1>Real</h1>",
       "Real"},
  };
  for (const Row& r : rows) {
    std::string html = "<html><head>" + r.head + "</head><body>" + r.body + "</body></html>";
    EXPECT_EQ(Extract(html).title, r.want) << r.name;
  }
}

TEST(MetadataTest, LeadSourcesAndTrustOrder) {
  const std::string ld = Ld(R"({"@type":"NewsArticle","description":"LD lead"})");
  const std::string og = "<meta property=og:description content='OG lead'>";
  const std::string tw = "<meta name=twitter:description content='Twitter lead'>";
  const std::string desc = "<meta name=description content='Meta lead'>";
  const std::string sapo =
      "<h1>T</h1><p class=sapo>Sapo hiển thị của bài viết, đủ dài để được chọn làm lead.</p>";
  Row rows[] = {
      {"jsonld", ld + og + desc, sapo, "LD lead"},
      {"og", og + tw + desc, sapo, "OG lead"},
      {"twitter", tw + desc, sapo, "Twitter lead"},
      {"meta description", desc, sapo, "Meta lead"},
      {"visible sapo", "", sapo, "Sapo hiển thị của bài viết, đủ dài để được chọn làm lead."},
  };
  for (const Row& r : rows) {
    std::string html = "<html><head>" + r.head + "</head><body>" + r.body + "</body></html>";
    EXPECT_EQ(Extract(html).lead, r.want) << r.name;
  }
}

TEST(MetadataTest, AuthorSourcesAndTrustOrder) {
  const std::string ld = Ld(
      R"({"@type":"NewsArticle","author":[{"@type":"Person","name":"By Ann Lee"},{"@type":"Person","name":"Bo Ek"}]})");
  const std::string meta = "<meta name=author content='Theo Nguyễn Văn A'>";
  const std::string url_author =
      "<meta property=article:author content='https://facebook.com/someone'>";
  const std::string name_author = "<meta property=article:author content='Carl Dorn'>";
  const std::string rel = "<a rel=author href=/u/d>Dana Fox</a>";
  const std::string itemprop =
      "<span itemprop=author itemscope><span itemprop=name>Eve Gold</span></span>";
  const std::string byline = "<div class=article-byline>By Finn Hale | March 3, 2023</div>";
  struct AuthorRow {
    const char* name;
    std::string head, body;
    std::vector<std::string> want;
  } rows[] = {
      {"jsonld", ld + meta, rel + byline, {"Ann Lee", "Bo Ek"}},
      {"meta author", meta + name_author, rel, {"Nguyễn Văn A"}},
      {"article:author url ignored", url_author, rel, {"Dana Fox"}},
      {"article:author name", name_author, rel, {"Carl Dorn"}},
      {"rel author", "", rel + itemprop, {"Dana Fox"}},
      {"itemprop author", "", itemprop + byline, {"Eve Gold"}},
      {"byline class", "", byline, {"Finn Hale"}},
      {"comment authors ignored",
       "",
       "<div class=comments><span class=author>Troll</span></div>",
       {}},
  };
  for (const AuthorRow& r : rows) {
    std::string html = "<html><head>" + r.head + "</head><body>" + r.body + "</body></html>";
    EXPECT_EQ(Extract(html).authors, r.want) << r.name;
  }
}

TEST(MetadataTest, PublisherNamesTellTheNewsroomFromAPerson) {
  const PublisherNames publisher({"Der Postillon", "", "lto", "日本経済新聞"});
  EXPECT_TRUE(publisher.Names("der-postillon"));
  EXPECT_TRUE(publisher.Names("DerPostillon"));
  EXPECT_TRUE(publisher.Names("LTO"));
  EXPECT_TRUE(publisher.Names("日本経済新聞社"));
  EXPECT_FALSE(publisher.Names("Max Kolter"));
  EXPECT_FALSE(publisher.Names("Lto Reporter Team"));
  EXPECT_FALSE(publisher.Names(""));
}

TEST(MetadataTest, AuthorNameNormalisation) {
  EXPECT_THAT(NormalizeAuthorNames("  By   John  Smith and Jane Roe "),
              ElementsAre("John Smith", "Jane Roe"));
  EXPECT_THAT(NormalizeAuthorNames("Theo Minh Anh - Hoàng Nam"), ElementsAre("Minh Anh"));
  EXPECT_THAT(NormalizeAuthorNames("Tác giả: Lê Văn Tám và Trần Thị Bé"),
              ElementsAre("Lê Văn Tám", "Trần Thị Bé"));
  EXPECT_THAT(NormalizeAuthorNames("Von Max Muster"), ElementsAre("Max Muster"));
  EXPECT_THAT(NormalizeAuthorNames("Par Jean Dupont, Marie Curie"),
              ElementsAre("Jean Dupont", "Marie Curie"));
  EXPECT_THAT(NormalizeAuthorNames("https://example.com/author/x"), IsEmpty());
  EXPECT_THAT(NormalizeAuthorNames("news@example.com"), IsEmpty());
  EXPECT_THAT(NormalizeAuthorNames("Posted on 12/03/2023"), IsEmpty());
  EXPECT_THAT(NormalizeAuthorNames("Lars Fischer und Alina Schadwinkel"),
              ElementsAre("Lars Fischer", "Alina Schadwinkel"));
  EXPECT_THAT(NormalizeAuthorNames("Recipe by Eat What Tonight"), ElementsAre("Eat What Tonight"));
  EXPECT_THAT(NormalizeAuthorNames("Interview: Jens Bergmann Foto: Michael Hudler"),
              ElementsAre("Jens Bergmann"));
  EXPECT_THAT(NormalizeAuthorNames("www.example-news.com"), IsEmpty());
  EXPECT_THAT(NormalizeAuthorNames("No Author"), IsEmpty());
  EXPECT_THAT(NormalizeAuthorNames("T. V. Raman"), ElementsAre("T. V. Raman"));
  // Names only: roles, share buttons, URL fragments and sentences are not names.
  EXPECT_THAT(NormalizeAuthorNames("By Jane Doe and John Roe, Staff Reporters"),
              ElementsAre("Jane Doe", "John Roe"));
  EXPECT_THAT(NormalizeAuthorNames("Ruth Example, senior correspondent"),
              ElementsAre("Ruth Example"));
  EXPECT_THAT(NormalizeAuthorNames("Twitter Facebook"), IsEmpty());
  EXPECT_THAT(NormalizeAuthorNames("Deutsche Welle (www.dw.com"), IsEmpty());
  EXPECT_THAT(NormalizeAuthorNames("Lesotho Times Lesotho's widely read newspaper"), IsEmpty());
  EXPECT_THAT(NormalizeAuthorNames("María de los Ángeles"), ElementsAre("María de los Ángeles"));
  EXPECT_THAT(NormalizeAuthorNames("dan"), ElementsAre("dan"));
}

TEST(MetadataTest, PublishedSourcesAndTrustOrder) {
  const std::string ld =
      Ld(R"({"@type":"NewsArticle","datePublished":"2023-03-16T10:30:00+07:00"})");
  const std::string meta =
      "<meta property=article:published_time content='2023-03-15T09:00:00+01:00'>";
  const std::string itemprop = "<meta itemprop=datePublished content='2023-03-14'>";
  const std::string time = "<article><time datetime='2023-03-13T08:00:00Z'>x</time></article>";
  const std::string visible =
      "<h1>T</h1><div class=detail-time>Thứ Năm, 12/03/2023 10:30 (GMT+7)</div>";
  Row rows[] = {
      {"jsonld", ld + meta, time, "2023-03-16T10:30:00+07:00"},
      {"article:published_time", meta + itemprop, time, "2023-03-15T09:00:00+01:00"},
      {"itemprop", itemprop, time + visible, "2023-03-14"},
      {"time datetime", "", time + visible, "2023-03-13T08:00:00+00:00"},
      {"visible vietnamese", "", visible, "2023-03-12T10:30:00+07:00"},
      {"visible english", "",
       "<h1>T</h1><p class=byline>By Ann | Published March 11, 2023 at 4:05 pm</p>",
       "2023-03-11T16:05:00"},
      {"visible german", "", "<h1>T</h1><span class=date>10. März 2023</span>", "2023-03-10"},
      {"visible french", "", "<h1>T</h1><span class=post-date>le 9 mars 2023 à 10h30</span>",
       "2023-03-09T10:30:00"},
  };
  for (const Row& r : rows) {
    std::string html = "<html><head>" + r.head + "</head><body>" + r.body + "</body></html>";
    EXPECT_EQ(Extract(html, "https://example.com/story").published_at, r.want) << r.name;
  }
}

TEST(MetadataTest, DateFromUrlIsTheLastResort) {
  std::string html = "<html><body><h1>T</h1><p>Text</p></body></html>";
  EXPECT_EQ(Extract(html, "https://example.com/2023/03/16/story/").published_at, "2023-03-16");
  EXPECT_EQ(Extract(html, "https://example.com/2023/03/story/").published_at, "");
}

TEST(MetadataTest, HeaderTodayDateIsIgnored) {
  // The site's top bar shows today's date; the article's own date sits under the title.
  std::string page =
      "<html lang=vi><body><header><div class=top-bar>Thứ Hai, 20/11/2023</div></header>"
      "<div class=today>20/11/2023</div>"
      "<div class=container><h1>Tiêu đề bài</h1><span class=date>Thứ Năm, 16/3/2023, 10:30 "
      "(GMT+7)</span><p>Nội dung.</p></div></body></html>";
  EXPECT_EQ(Extract(page, "https://bao.vn/a-123.html").published_at, "2023-03-16T10:30:00+07:00");
  // With no article date at all, the header date must not be taken either.
  std::string only_header =
      "<html><body><header><span class=date>Monday, 20 November 2023</span></header>"
      "<nav><span class=date>20/11/2023</span></nav><h1>Title</h1><p>Body</p></body></html>";
  EXPECT_EQ(Extract(only_header).published_at, "");
}

TEST(MetadataTest, OffsetRules) {
  // A time without offset takes the offset of the page's other dates.
  std::string with_other =
      "<html><head><meta property=article:published_time content='2023-03-16T10:30:00'>"
      "<meta property=article:modified_time content='2023-03-16T12:00:00+02:00'></head></html>";
  PageMetadata m = Extract(with_other);
  EXPECT_EQ(m.published_at, "2023-03-16T10:30:00+02:00");
  EXPECT_EQ(m.modified_at, "2023-03-16T12:00:00+02:00");
  // Vietnamese page without any offset: +07:00.
  std::string vi =
      "<html lang=vi><head><meta itemprop=datePublished content='2023-03-16 10:30'></head></html>";
  EXPECT_EQ(Extract(vi).published_at, "2023-03-16T10:30:00+07:00");
  // Any other page without offset: written without one.
  std::string en =
      "<html lang=en><head><meta itemprop=datePublished content='2023-03-16 10:30'></head></html>";
  EXPECT_EQ(Extract(en).published_at, "2023-03-16T10:30:00");
  // A day-only date stays day-only.
  std::string day = "<html lang=vi><head><meta name=pubdate content='2023-03-16'></head></html>";
  EXPECT_EQ(Extract(day).published_at, "2023-03-16");
}

TEST(MetadataTest, ModifiedSources) {
  Row rows[] = {
      {"jsonld",
       Ld(R"({"@type":"Article","dateModified":"2023-03-17T01:02:03Z"})") +
           "<meta property=article:modified_time content='2023-03-18'>",
       "", "2023-03-17T01:02:03+00:00"},
      {"article:modified_time", "<meta property=article:modified_time content='2023-03-18'>", "",
       "2023-03-18"},
      {"og:updated_time", "<meta property=og:updated_time content='2023-03-19'>", "", "2023-03-19"},
      {"itemprop", "", "<span itemprop=dateModified content='2023-03-20'></span>", "2023-03-20"},
  };
  for (const Row& r : rows) {
    std::string html = "<html><head>" + r.head + "</head><body>" + r.body + "</body></html>";
    EXPECT_EQ(Extract(html).modified_at, r.want) << r.name;
  }
}

TEST(MetadataTest, LanguageSourcesAndTrustOrder) {
  Row rows[] = {
      {"html lang", "<meta property=og:locale content=fr_FR>", "", "vi-VN"},
      {"og:locale", "<meta property=og:locale content=fr_FR>", "", "fr-FR"},
      {"content-language", "<meta http-equiv=content-language content=de>", "", "de"},
      {"jsonld", Ld(R"({"@type":"NewsArticle","inLanguage":"en-gb"})"), "", "en-GB"},
  };
  const char* html_tags[] = {"<html lang=vi_VN>", "<html>", "<html>", "<html>"};
  for (size_t i = 0; i < 4; ++i) {
    std::string html = std::string(html_tags[i]) + "<head>" + rows[i].head + "</head></html>";
    EXPECT_EQ(Extract(html).language, rows[i].want) << rows[i].name;
  }
  EXPECT_EQ(NormalizeLanguageTag("EN-us"), "en-US");
  EXPECT_EQ(NormalizeLanguageTag("zh-Hant-TW"), "zh-hant-TW");
  EXPECT_EQ(NormalizeLanguageTag("not a tag!"), "");
}

TEST(MetadataTest, CanonicalUrlSourcesAndResolution) {
  Row rows[] = {
      {"rel canonical relative",
       "<link rel=canonical href='/news/a.html'><meta property=og:url content='https://o.com/x'>",
       "", "https://example.com/news/a.html"},
      {"og:url", "<meta property=og:url content='https://example.com/og'>", "",
       "https://example.com/og"},
      {"page url", "", "", "https://example.com/a"},
  };
  for (const Row& r : rows) {
    std::string html = "<html><head>" + r.head + "</head><body>" + r.body + "</body></html>";
    EXPECT_EQ(Extract(html).canonical_url, r.want) << r.name;
  }
  EXPECT_EQ(Extract("<link rel=canonical href='https://x.org/p'>", "").canonical_url,
            "https://x.org/p");
}

TEST(MetadataTest, SiteSources) {
  Row rows[] = {
      {"og:site_name",
       "<meta property=og:site_name content='OG Site'>" +
           Ld(R"({"@type":"NewsArticle","publisher":{"name":"LD Pub"}})"),
       "", "OG Site"},
      {"jsonld publisher", Ld(R"({"@type":"NewsArticle","publisher":{"name":"LD Pub"}})"), "",
       "LD Pub"},
      {"application-name", "<meta name=application-name content=AppName>", "", "AppName"},
      {"host", "", "", "example.com"},
  };
  for (const Row& r : rows) {
    std::string html = "<html><head>" + r.head + "</head><body>" + r.body + "</body></html>";
    EXPECT_EQ(Extract(html, "https://www.example.com/a").site, r.want) << r.name;
  }
}

TEST(MetadataTest, SectionSources) {
  Row rows[] = {
      {"article:section",
       "<meta property=article:section content='Thể thao'>" +
           Ld(R"({"@type":"NewsArticle","articleSection":"LD"})"),
       "", "Thể thao"},
      {"jsonld articleSection", Ld(R"({"@type":"NewsArticle","articleSection":["Kinh doanh"]})"),
       "", "Kinh doanh"},
      {"jsonld breadcrumb",
       Ld(R"({"@type":"NewsArticle","headline":"Story"})") +
           Ld(R"({"@type":"BreadcrumbList","itemListElement":[{"position":1,"name":"Home"},
             {"position":2,"name":"World"},{"position":3,"name":"Story"}]})"),
       "", "World"},
      {"visible breadcrumb", "",
       "<ul class=breadcrumb><li><a href=/>Trang chủ</a></li><li><a href=/the-gioi>Thế "
       "giới</a></li></ul><h1>Story</h1>",
       "Thế giới"},
  };
  for (const Row& r : rows) {
    std::string html = "<html><head>" + r.head + "</head><body>" + r.body + "</body></html>";
    EXPECT_EQ(Extract(html).section, r.want) << r.name;
  }
}

TEST(MetadataTest, TagSources) {
  PageMetadata m = Extract(
      "<meta property=article:tag content='A'><meta property=article:tag content='B'>"
      "<meta name=keywords content='k1, k2'>");
  EXPECT_THAT(m.tags, ElementsAre("A", "B"));
  m = Extract(Ld(R"({"@type":"NewsArticle","keywords":"x, y"})") +
              "<meta name=keywords content='k1'>");
  EXPECT_THAT(m.tags, ElementsAre("x", "y"));
  m = Extract("<meta name=news_keywords content='n1;n2'><meta name=keywords content='k1'>");
  EXPECT_THAT(m.tags, ElementsAre("n1", "n2"));
  m = Extract("<meta name=keywords content='k1, k2 ,k1,,'>");
  EXPECT_THAT(m.tags, ElementsAre("k1", "k2"));
}

TEST(MetadataTest, ImagesPageTypeAndArticleBody) {
  PageMetadata m = Extract(
      "<meta property=og:type content=Article><meta property=og:image content='/img/a.jpg'>"
      "<meta property=og:image content='https://cdn.example/b.jpg'>" +
      Ld(R"({"@type":"NewsArticle","image":["https://cdn.example/b.jpg","/c.jpg"],
            "articleBody":"Body text."})"));
  ASSERT_EQ(m.images.size(), 3u);
  EXPECT_EQ(m.images[0].url, "https://example.com/img/a.jpg");
  EXPECT_EQ(m.images[1].url, "https://cdn.example/b.jpg");
  EXPECT_EQ(m.images[2].url, "https://example.com/c.jpg");
  EXPECT_EQ(m.page_type, "newsarticle");
  EXPECT_EQ(m.jsonld_article_body, "Body text.");
  EXPECT_EQ(Extract("<meta property=og:type content=Website>").page_type, "website");
}

TEST(MetadataTest, EmptyAndHostileDocuments) {
  PageMetadata m = Extract("");
  EXPECT_EQ(m.title, "");
  EXPECT_EQ(m.site, "example.com");
  EXPECT_EQ(ExtractMetadata(nullptr, "").title, "");
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "<div class=date>";
  deep += "16/03/2023";
  m = Extract(deep);  // many nested candidates: bounded work, no crash
  EXPECT_EQ(m.published_at, "2023-03-16");
}

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(NC_SOURCE_DIR) + "/tests/fixtures/meta/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The Vietnamese page in its three encodings (see tests/fixtures/meta/make_fixtures.py) must
// decode to the same text and give the same metadata.
TEST(MetadataFixtureTest, VietnamesePageInUtf8Windows1258AndMisdeclared) {
  const char* kUrl = "https://nongthonmoi.example.vn/kinh-te/gia-lua-20230316103000123.htm";
  auto utf8 = DecodeHtml(ReadFixture("vn_article.html"), "");
  auto legacy = DecodeHtml(ReadFixture("vn_article_cp1258.html"), "");
  auto misdeclared = DecodeHtml(ReadFixture("vn_article_misdeclared.html"), "");
  ASSERT_TRUE(utf8.ok() && legacy.ok() && misdeclared.ok());
  EXPECT_EQ(utf8->charset, "utf-8");
  EXPECT_EQ(legacy->charset, "windows-1258");
  EXPECT_EQ(legacy->source, "meta");
  EXPECT_EQ(misdeclared->charset, "utf-8");
  // Same text once the charset declarations are set aside.
  auto body = [](const std::string& html) { return html.substr(html.find("<title>")); };
  EXPECT_EQ(body(legacy->utf8), body(utf8->utf8));
  EXPECT_EQ(body(misdeclared->utf8), body(utf8->utf8));

  for (const std::string* html : {&utf8->utf8, &legacy->utf8, &misdeclared->utf8}) {
    dom::ParsedHtml parsed = dom::ParsedHtml::Parse(*html);
    PageMetadata m = ExtractMetadata(parsed.document(), kUrl);
    EXPECT_EQ(m.title, "Giá lúa gạo tăng mạnh, nông dân miền Tây phấn khởi");
    EXPECT_EQ(m.lead,
              "Giá lúa tại Đồng bằng sông Cửu Long tăng 300-500 đồng/kg so với tuần trước.");
    EXPECT_THAT(m.authors, ElementsAre("Trần Thị Mỹ Linh"));  // not the commenter
    // The article's date line, not the top bar's "today" nor a comment's or related item's.
    EXPECT_EQ(m.published_at, "2023-03-16T10:30:00+07:00");
    EXPECT_EQ(m.modified_at, "");
    EXPECT_EQ(m.language, "vi");
    EXPECT_EQ(m.canonical_url,
              "https://nongthonmoi.example.vn/kinh-te/gia-lua-gao-tang-manh-20230316103000123.htm");
    EXPECT_EQ(m.site, "nongthonmoi.example.vn");
    EXPECT_EQ(m.section, "Kinh tế");
    EXPECT_THAT(m.tags, ElementsAre("giá lúa", "gạo", "miền Tây"));
  }
}

}  // namespace
}  // namespace newscrawl
