#include "common/article.h"

#include <gtest/gtest.h>

namespace newscrawl {
namespace {

Article Sample() {
  Article a;
  a.id = "0123456789abcdef";
  a.url = "https://example.vn/a.html?utm_source=x";
  a.canonical_url = "https://example.vn/a.html";
  a.site = "Example";
  a.title = "Tiêu đề";
  a.lead = "Sapo";
  a.text = "Đoạn một.\nĐoạn hai.";
  a.authors = {"Nguyễn Văn A"};
  a.published_at = "2023-03-16T10:30:00+07:00";
  a.language = "vi";
  a.tags = {"x", "y"};
  a.images = {{"https://example.vn/i.jpg", "Chú thích"}};
  a.http.status = 200;
  a.http.charset = "utf-8";
  a.content_hash = "00112233445566778899aabbccddeeff";
  a.simhash = 0xfedcba9876543210ULL;
  a.version = 2;
  a.seq = 1ULL << 60;
  return a;
}

TEST(ArticleJsonTest, RoundTrip) {
  Article a = Sample();
  std::string json = ArticleToJson(a);
  EXPECT_EQ(json.find('\n'), std::string::npos);
  EXPECT_NE(json.find("\"schema\":1"), std::string::npos);
  EXPECT_NE(json.find("\"simhash\":\"fedcba9876543210\""), std::string::npos);
  auto back = ArticleFromJson(json);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, a);
}

TEST(ArticleJsonTest, EmptyFieldsAreNull) {
  Article a;
  std::string json = ArticleToJson(a);
  EXPECT_NE(json.find("\"title\":null"), std::string::npos);
  EXPECT_NE(json.find("\"authors\":[]"), std::string::npos);
  EXPECT_NE(json.find("\"seq\":null"), std::string::npos);
}

TEST(ArticleJsonTest, RejectsWrongSchema) {
  EXPECT_EQ(ArticleFromJson("{\"schema\":2}").status().message(),
            "article record has schema 2, this build reads 1");
  EXPECT_FALSE(ArticleFromJson("not json").ok());
  EXPECT_FALSE(ArticleFromJson("{}").ok());
}

TEST(ArticleJsonTest, InvalidUtf8IsReplacedNotThrown) {
  Article a;
  a.text = std::string("ok \xff\xfe bad");
  std::string json = ArticleToJson(a);
  EXPECT_NE(json.find("ok "), std::string::npos);
}

}  // namespace
}  // namespace newscrawl
