// Bad input never crashes or hangs ExtractArticle: each case gives a record or a clear error.
// (Run under ASan/UBSan by scripts/test.sh; the time limits are CTest's, not asserted here.)
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "parser/extract.h"

namespace newscrawl {
namespace {

const char kParagraph[] =
    "<p>Officials said on Tuesday that the new bridge would open in spring, two years later "
    "than planned, because of supply problems and a dispute with the contractor.</p>";

TEST(RobustnessTest, EmptyInput) {
  Result<Article> r = ExtractArticle("", ExtractOptions());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "empty document");
}

TEST(RobustnessTest, BinaryInput) {
  // A PNG header and chunk lengths: NUL bytes early, as in any binary format.
  std::string bytes("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0", 24);
  for (int i = 0; i < 4096; ++i) bytes.push_back(static_cast<char>((i * 7919) % 251));
  Result<Article> r = ExtractArticle(bytes, ExtractOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->is_article);
  EXPECT_EQ(r->not_article_reason, "not_html");
}

TEST(RobustnessTest, TruncatedDocument) {
  std::string html = "<html><head><title>T</title></head><body><div class='story'>";
  for (int i = 0; i < 8; ++i) html += kParagraph;
  html += "<p>Cut in the mid<a href=\"/x";  // ends inside an attribute
  Result<Article> r = ExtractArticle(html, ExtractOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_article) << r->not_article_reason;
  EXPECT_NE(r->text.find("supply problems"), std::string::npos);
}

TEST(RobustnessTest, InvalidUtf8) {
  std::string html = "<html><body><article>";
  for (int i = 0; i < 6; ++i) html += kParagraph;
  html += "<p>bad \xC3\x28 bytes \xFF\xFE and \xE2\x82 here, in a paragraph long enough.</p>";
  html += "</article></body></html>";
  Result<Article> r = ExtractArticle(html, ExtractOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->text.find("supply problems"), std::string::npos);
  EXPECT_NE(r->text.find("bad "), std::string::npos);
}

TEST(RobustnessTest, FiftyMegabytePageIsCapped) {
  std::string html = "<html><body><div class='story'>";
  html.reserve(50u << 20);
  while (html.size() < (50u << 20)) html += kParagraph;
  html += "</div></body></html>";
  ExtractOptions options;  // default cap: 8 MiB
  Result<Article> r = ExtractArticle(html, options);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_article);
  EXPECT_GT(r->text.size(), 1u << 20);
  EXPECT_LT(r->text.size(), options.max_input_bytes);
}

TEST(RobustnessTest, HundredThousandNestedDivs) {
  std::string html = "<html><body>";
  for (int i = 0; i < 100000; ++i) html += "<div>";
  for (int i = 0; i < 6; ++i) html += kParagraph;
  for (int i = 0; i < 100000; ++i) html += "</div>";
  html += "</body></html>";
  Result<Article> r = ExtractArticle(html, ExtractOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->text.find("supply problems"), std::string::npos);
}

TEST(RobustnessTest, NoBodyTag) {
  std::string html = "<title>Only a title</title>";
  for (int i = 0; i < 6; ++i) html += kParagraph;
  Result<Article> r = ExtractArticle(html, ExtractOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->text.find("supply problems"), std::string::npos);
  Result<Article> head_only =
      ExtractArticle("<html><head><title>x</title></head></html>", ExtractOptions());
  ASSERT_TRUE(head_only.ok());
  EXPECT_FALSE(head_only->is_article);
  EXPECT_EQ(head_only->text, "");
}

TEST(RobustnessTest, OnlyScriptsAndComments) {
  Result<Article> r = ExtractArticle("<script>alert(1)<!--", ExtractOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->is_article);
}

// Hostile shapes (bench/extract/extract_adversarial times them at the size cap): every step is
// near-linear, so what is asserted here is the output, on pages small enough for a test.

int CountLines(const std::string& text) {
  return text.empty() ? 0 : 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST(RobustnessTest, ManySiblingParagraphsAllKept) {
  std::string html = "<html><body><div class='story'>";
  for (int i = 0; i < 20000; ++i) {
    html += "<p>Paragraph " + std::to_string(i) + " of a very long story about the bridge.</p>";
  }
  html += "</div></body></html>";
  Result<Article> r = ExtractArticle(html, ExtractOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_article);
  EXPECT_EQ(CountLines(r->text), 20000);
  EXPECT_NE(r->text.find("Paragraph 19999 of"), std::string::npos);
}

TEST(RobustnessTest, ManyImagesWithCaptionsGoToImages) {
  std::string html = "<html><body><article>";
  for (int i = 0; i < 3; ++i) html += kParagraph;
  for (int i = 0; i < 3000; ++i) {
    html += "<div><img src='/p" + std::to_string(i) + ".jpg'></div><p class='caption'>Photo " +
            std::to_string(i) + " by the agency</p>";
  }
  html += "</article></body></html>";
  Result<Article> r = ExtractArticle(html, ExtractOptions());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->images.size(), 3000u);
  EXPECT_EQ(r->images[2999].url, "/p2999.jpg");
  EXPECT_EQ(r->text.find("Photo 1 by"), std::string::npos);
}

TEST(RobustnessTest, ThousandsOfAttributesAreCut) {
  std::string html = "<html><body><div class='story'";
  for (int i = 0; i < 20000; ++i) html += " data-a" + std::to_string(i) + "='v'";
  html += ">";
  for (int i = 0; i < 6; ++i) html += kParagraph;
  html += "</div></body></html>";
  Result<Article> r = ExtractArticle(html, ExtractOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_article) << r->not_article_reason;
  EXPECT_NE(r->text.find("supply problems"), std::string::npos);
}

TEST(RobustnessTest, EndTagWithAttributes) {
  std::string html = "<html><body><div class='story'>";
  for (int i = 0; i < 6; ++i) html += kParagraph;
  html += "</div";
  for (int i = 0; i < 5000; ++i) html += " x" + std::to_string(i);
  html += "><p>After the odd end tag.</p></body></html>";
  Result<Article> r = ExtractArticle(html, ExtractOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->text.find("supply problems"), std::string::npos);
}

TEST(RobustnessTest, ManyLineBreaksBecomeLines) {
  std::string html = "<html><body><div>";
  for (int i = 0; i < 5000; ++i) {
    html += "Line " + std::to_string(i) + " of a story told in lines separated by breaks<br>";
  }
  html += "</div></body></html>";
  Result<Article> r = ExtractArticle(html, ExtractOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->text.find("Line 4999 of a story"), std::string::npos);
  EXPECT_NE(r->text.find("Line 0 of a story"), std::string::npos);
}

TEST(RobustnessTest, ThousandsOfUnclosedRawTextElements) {
  std::string html = "<html><body><div class='story'>";
  for (int i = 0; i < 2000; ++i) {
    html += (i % 2) ? "<textarea>" : "<noscript>";
    html += kParagraph;
  }
  html += "</div></body></html>";
  Result<Article> r = ExtractArticle(html, ExtractOptions());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->is_article) << r->not_article_reason;
  EXPECT_EQ(CountLines(r->text), 2000);
}

}  // namespace
}  // namespace newscrawl
