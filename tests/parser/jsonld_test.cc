#include "parser/jsonld.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace newscrawl {
namespace {

using ::testing::ElementsAre;

TEST(JsonLdTest, NewsArticleFields) {
  JsonLdData d = ParseJsonLd({R"({
    "@context": "https://schema.org", "@type": "NewsArticle",
    "headline": "Giá xăng giảm &amp; dầu tăng",
    "description": "Sapo của bài",
    "author": [{"@type": "Person", "name": "Nguyễn Văn A"}, {"@type": "Person", "name": "Trần B"}],
    "datePublished": "2023-03-16T10:30:00+07:00", "dateModified": "2023-03-16T11:00:00+07:00",
    "articleSection": ["Kinh doanh", "Thị trường"], "keywords": "xăng, dầu , giá",
    "image": {"@type": "ImageObject", "url": "https://cdn.example/a.jpg"},
    "publisher": {"@type": "Organization", "name": "Báo Mẫu"},
    "articleBody": "Đoạn một. Đoạn hai.", "inLanguage": "vi",
    "mainEntityOfPage": {"@type": "WebPage", "@id": "https://example.vn/a.html"}})"});
  const JsonLdArticle& a = d.article;
  ASSERT_TRUE(a.found);
  EXPECT_EQ(a.type, "newsarticle");
  EXPECT_EQ(a.headline, "Giá xăng giảm & dầu tăng");
  EXPECT_EQ(a.description, "Sapo của bài");
  EXPECT_THAT(a.authors, ElementsAre("Nguyễn Văn A", "Trần B"));
  EXPECT_EQ(a.date_published, "2023-03-16T10:30:00+07:00");
  EXPECT_EQ(a.date_modified, "2023-03-16T11:00:00+07:00");
  EXPECT_EQ(a.section, "Kinh doanh");
  EXPECT_THAT(a.keywords, ElementsAre("xăng", "dầu", "giá"));
  EXPECT_THAT(a.images, ElementsAre("https://cdn.example/a.jpg"));
  EXPECT_EQ(a.publisher, "Báo Mẫu");
  EXPECT_EQ(a.article_body, "Đoạn một. Đoạn hai.");
  EXPECT_EQ(a.in_language, "vi");
  EXPECT_EQ(a.url, "https://example.vn/a.html");
}

TEST(JsonLdTest, YoastGraphWithIdReferences) {
  JsonLdData d = ParseJsonLd({R"({"@context":"https://schema.org","@graph":[
    {"@type":"WebSite","@id":"https://ex.com/#website","name":"Example Times"},
    {"@type":"WebPage","@id":"https://ex.com/story/#webpage","name":"Story - Example Times"},
    {"@type":["Article","NewsArticle"],"@id":"https://ex.com/story/#article",
     "headline":"Story","author":{"@id":"https://ex.com/#/schema/person/1"},
     "publisher":{"@id":"https://ex.com/#org"},"image":{"@id":"https://ex.com/story/#img"},
     "keywords":["Politics","Europe"]},
    {"@type":"Person","@id":"https://ex.com/#/schema/person/1","name":"Jane Doe"},
    {"@type":"Organization","@id":"https://ex.com/#org","name":"Example Media"},
    {"@type":"ImageObject","@id":"https://ex.com/story/#img","url":"https://ex.com/i.png"},
    {"@type":"BreadcrumbList","itemListElement":[
      {"@type":"ListItem","position":2,"name":"World"},
      {"@type":"ListItem","position":1,"item":{"@id":"https://ex.com/","name":"Home"}},
      {"@type":"ListItem","position":3,"name":"Story"}]}]})"});
  const JsonLdArticle& a = d.article;
  ASSERT_TRUE(a.found);
  EXPECT_EQ(a.type, "article");
  EXPECT_EQ(a.headline, "Story");
  EXPECT_THAT(a.authors, ElementsAre("Jane Doe"));
  EXPECT_EQ(a.publisher, "Example Media");
  EXPECT_THAT(a.images, ElementsAre("https://ex.com/i.png"));
  EXPECT_THAT(a.keywords, ElementsAre("Politics", "Europe"));
  EXPECT_THAT(d.breadcrumb, ElementsAre("Home", "World", "Story"));
  EXPECT_EQ(d.site_name, "Example Times");
}

TEST(JsonLdTest, ArticleInSecondScriptAndTopLevelArray) {
  JsonLdData d =
      ParseJsonLd({R"({"@type":"Organization","name":"Org"})",
                   R"([{"@type":"WebPage","name":"x"},{"@type":"BlogPosting","headline":"Post",
           "author":"https://ex.com/author/jane","creator":"Jane"}])"});
  ASSERT_TRUE(d.article.found);
  EXPECT_EQ(d.article.type, "blogposting");
  EXPECT_EQ(d.article.headline, "Post");
  EXPECT_THAT(d.article.authors, ElementsAre("Jane"));  // URL author ignored, creator used
}

TEST(JsonLdTest, OrganizationAuthorOnlyWhenNoPerson) {
  JsonLdData d = ParseJsonLd({
      R"({"@type":"NewsArticle","headline":"H",
    "author":[{"@type":"Organization","name":"Reuters"},{"@type":"Person","name":"Ann Lee"}]})",
  });
  EXPECT_THAT(d.article.authors, ElementsAre("Ann Lee"));
  d = ParseJsonLd({R"({"@type":"NewsArticle","author":{"@type":"Organization","name":"AP"}})"});
  EXPECT_THAT(d.article.authors, ElementsAre("AP"));
}

TEST(JsonLdTest, SloppyJsonIsCleanedBeforeGivingUp) {
  std::string sloppy =
      "<!--\n{\"@type\": \"NewsArticle\", \"headline\": \"Line one\nline two\",\n"
      " \"keywords\": [\"a\", \"b\",],\n}\n-->";
  JsonLdData d = ParseJsonLd({sloppy});
  ASSERT_TRUE(d.article.found);
  EXPECT_EQ(d.article.headline, "Line one\nline two");
  EXPECT_THAT(d.article.keywords, ElementsAre("a", "b"));
  EXPECT_EQ(CleanSloppyJson("{\"a\": [1, 2, ], \"b\": \"x,}\",}"),
            "{\"a\": [1, 2 ], \"b\": \"x,}\"}");
}

TEST(JsonLdTest, GarbageAndNonArticlesYieldNothing) {
  JsonLdData d = ParseJsonLd({"{not json", "", "[1,2,3]", "\"str\"", R"({"@type":"Person"})"});
  EXPECT_FALSE(d.article.found);
  EXPECT_TRUE(d.breadcrumb.empty());
  std::string deep(100000, '[');  // must neither crash nor recurse without bound
  d = ParseJsonLd({deep, deep + std::string(100000, ']')});
  EXPECT_FALSE(d.article.found);
}

TEST(JsonLdTest, WebPageWithHeadlineIsAFallback) {
  JsonLdData d = ParseJsonLd({R"({"@type":"WebPage","headline":"Page headline"})"});
  ASSERT_TRUE(d.article.found);
  EXPECT_EQ(d.article.type, "webpage");
  EXPECT_EQ(d.article.headline, "Page headline");
}

}  // namespace
}  // namespace newscrawl
