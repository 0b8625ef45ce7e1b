// ExtractArticle on the Vietnamese news-page fixtures (tests/fixtures/extract/, built around the
// project's seed article by make_fixtures.py): the body comes out complete and in order, and
// none of the trailer blocks ("Phản hồi", "Các tin khác", "Mới nhất", "Xem nhiều nhất"), their
// items, reader comments, captions, menu or footer does.
#include "parser/extract.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace newscrawl {
namespace {

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(NC_SOURCE_DIR) + "/tests/fixtures/extract/" + name,
                   std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

class VietnameseLayoutTest : public ::testing::TestWithParam<const char*> {};

TEST_P(VietnameseLayoutTest, BodyCompleteWithoutTrailerBlocks) {
  const std::string html = ReadFixture(std::string(GetParam()) + ".html");
  ASSERT_FALSE(html.empty());
  ExtractOptions options;
  options.url = "https://cand.example.vn/thoi-su/hoi-nghi-quan-triet-i683000/";
  Result<Article> article = ExtractArticle(html, options);
  ASSERT_TRUE(article.ok()) << article.status().ToString();

  const std::vector<std::string> expected = Lines(ReadFixture("expected_body.txt"));
  ASSERT_GE(expected.size(), 10u);
  EXPECT_EQ(Lines(article->text), expected);
  for (const std::string& unwanted : Lines(ReadFixture("unwanted.txt"))) {
    EXPECT_EQ(article->text.find(unwanted), std::string::npos) << "leaked: " << unwanted;
  }
  EXPECT_TRUE(article->is_article) << article->not_article_reason;
  EXPECT_EQ(article->http.charset, "utf-8");
}

INSTANTIATE_TEST_SUITE_P(Fixtures, VietnameseLayoutTest,
                         ::testing::Values("standard", "blocks_inside", "flat", "upper_comments"));

TEST(ExtractTest, ImagesKeepCaptionsOutOfText) {
  Result<Article> article = ExtractArticle(ReadFixture("standard.html"), ExtractOptions());
  ASSERT_TRUE(article.ok());
  bool found = false;
  for (const ArticleImage& image : article->images) {
    if (image.url.find("hoi-nghi-2.jpg") != std::string::npos) {
      found = true;
      EXPECT_EQ(image.caption, "Các đại biểu dự Hội nghị.");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(article->text.find("Các đại biểu dự Hội nghị."), std::string::npos);
}

TEST(ExtractTest, ExtraBoilerplatePhrasesExtendTheList) {
  std::string paragraph =
      "Đây là một đoạn văn bản đủ dài của bài báo để được coi là nội dung chính của trang, "
      "với nhiều chữ và dấu phẩy, như một đoạn tin tức thật sự.";
  std::string html = "<html><body><div class='x'><h1>Tiêu đề</h1>";
  for (int i = 0; i < 6; ++i) html += "<p>" + paragraph + "</p>";
  html +=
      "<h3>Góc nhìn khác</h3><ul><li><a href='/1'>Bài một</a></li>"
      "<li><a href='/2'>Bài hai</a></li></ul></div></body></html>";
  Result<Article> plain = ExtractArticle(html, ExtractOptions());
  ASSERT_TRUE(plain.ok());
  EXPECT_NE(plain->text.find("Góc nhìn khác"), std::string::npos);
  ExtractOptions options;
  options.extra_boilerplate_phrases = {"GÓC NHÌN KHÁC"};
  Result<Article> extended = ExtractArticle(html, options);
  ASSERT_TRUE(extended.ok());
  EXPECT_EQ(extended->text.find("Góc nhìn khác"), std::string::npos);
  EXPECT_EQ(extended->text.find("Bài một"), std::string::npos);
  EXPECT_NE(extended->text.find(paragraph), std::string::npos);
}

TEST(ExtractTest, EmptyInputIsAnError) {
  Result<Article> article = ExtractArticle("", ExtractOptions());
  ASSERT_FALSE(article.ok());
  EXPECT_EQ(article.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(article.status().message(), "empty document");
}

TEST(ExtractTest, HomePageIsNotAnArticle) {
  std::string html = "<html><head><meta property='og:type' content='website'></head><body>";
  for (int i = 0; i < 12; ++i) {
    html += "<div class='item'><h3><a href='/tin/" + std::to_string(i) + "'>Tiêu đề bài viết số " +
            std::to_string(i) +
            " trên trang chủ</a></h3><p>Tóm tắt ngắn của bài viết, chỉ một câu để giới thiệu "
            "nội dung cho người đọc.</p></div>";
  }
  html += "</body></html>";
  ExtractOptions options;
  options.url = "https://news.example.vn/";
  Result<Article> article = ExtractArticle(html, options);
  ASSERT_TRUE(article.ok());
  EXPECT_FALSE(article->is_article);
  EXPECT_FALSE(article->not_article_reason.empty());
}

TEST(ExtractTest, JavaScriptShellIsNotAnArticle) {
  std::string html = "<html><head><script>" + std::string(50000, 'x') +
                     "</script></head><body><div id='app'></div></body></html>";
  Result<Article> article = ExtractArticle(html, ExtractOptions());
  ASSERT_TRUE(article.ok());
  EXPECT_FALSE(article->is_article);
  EXPECT_EQ(article->not_article_reason, "empty_js_shell");
  EXPECT_EQ(article->text, "");
}

TEST(ExtractTest, ConsentWallIsNotAnArticle) {
  std::string html =
      "<html><body><div class='wall'><h2>We value your privacy</h2><p>We use cookies and "
      "similar technologies. Click accept to give your consent.</p><a href='#'>Accept</a>"
      "</div></body></html>";
  Result<Article> article = ExtractArticle(html, ExtractOptions());
  ASSERT_TRUE(article.ok());
  EXPECT_FALSE(article->is_article);
  EXPECT_EQ(article->not_article_reason, "consent_wall");
}

}  // namespace
}  // namespace newscrawl
