#include "parser/html_prefilter.h"

#include <gtest/gtest.h>

#include <string>

#include "parser/dom.h"

namespace newscrawl {
namespace {

std::string Filter(const std::string& html) { return PrefilterHtml(html, {}).html; }

TEST(PrefilterTest, RemovesScriptsStylesCommentsSvg) {
  struct Case {
    std::string in;
    std::string out;
  } cases[] = {
      {"<p>a</p><script>var x = '<p>no</p>';</script><p>b</p>", "<p>a</p><p>b</p>"},
      {"<p>a<!-- hidden <p>x</p> -->b</p>", "<p>ab</p>"},
      {"<STYLE type=text/css>p{}</STYLE><p>a</p>", "<p>a</p>"},
      {"<p>a<svg viewBox='0 0 1 1'><path d='M0'/></svg>b</p>", "<p>ab</p>"},
      {"<p>a</p><noscript><img src=x></noscript>", "<p>a</p>"},
      {"<p>a<button class=share>Share</button></p>", "<p>a</p>"},
      {"<p>a</p><iframe src='//ads'>fallback</iframe>", "<p>a</p>"},
      {"<p>x < y</p>", "<p>x < y</p>"},
      {"<!DOCTYPE html><p class='a>b'>c</p>", "<!DOCTYPE html><p class='a>b'>c</p>"},
      {"<p>open comment <!-- never closed", "<p>open comment "},
      {"<script>never closed", ""},
  };
  for (const Case& c : cases) EXPECT_EQ(Filter(c.in), c.out) << c.in;
}

TEST(PrefilterTest, KeepsJsonLd) {
  std::string ld = "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\"}</script>";
  EXPECT_EQ(Filter("<head>" + ld + "<script>x()</script></head>"), "<head>" + ld + "</head>");
}

TEST(PrefilterTest, NoscriptWithParagraphsIsUnwrapped) {
  EXPECT_EQ(Filter("<noscript><p>one</p><p>two</p></noscript>"), "<p>one</p><p>two</p>");
}

TEST(PrefilterTest, TruncatesAtTagBoundary) {
  std::string html = "<p>" + std::string(100, 'a') + "</p><p>" + std::string(100, 'b') + "</p>";
  PrefilterOptions options;
  options.max_bytes = 150;
  PrefilterResult result = PrefilterHtml(html, options);
  EXPECT_TRUE(result.truncated);
  EXPECT_EQ(result.html, "<p>" + std::string(100, 'a') + "</p>");
}

TEST(PrefilterTest, FlattensDeepNesting) {
  std::string html;
  for (int i = 0; i < 1000; ++i) html += "<div>";
  html += "deep text";
  for (int i = 0; i < 1000; ++i) html += "</div>";
  PrefilterOptions options;
  options.max_depth = 50;
  PrefilterResult result = PrefilterHtml(html, options);
  EXPECT_TRUE(result.flattened);
  dom::ParsedHtml parsed = dom::ParsedHtml::Parse(result.html);
  int max_depth = 0;
  dom::WalkPreOrder(parsed.document(), [&](const GumboNode*, int depth) {
    max_depth = std::max(max_depth, depth);
    return dom::WalkAction::kDescend;
  });
  EXPECT_LE(max_depth, 55);
  EXPECT_EQ(dom::NodeTextCollapsed(parsed.body()), "deep text");
}

TEST(PrefilterTest, ImpliedEndTagsDoNotCountAsDepth) {
  std::string html = "<ul>";
  for (int i = 0; i < 500; ++i) html += "<li><p>item";
  html += "</ul>";
  PrefilterOptions options;
  options.max_depth = 20;
  PrefilterResult result = PrefilterHtml(html, options);
  EXPECT_FALSE(result.flattened);
  EXPECT_EQ(result.html, html);
}

TEST(PrefilterTest, ElementsLeftOpenCloseWhereThePageGoesOn) {
  struct Case {
    std::string in;
    std::string out;
  } cases[] = {
      // Text-only elements end at the first tag inside them.
      {"<title>News<meta charset=utf-8><body><p>a</p>",
       "<title>News</title><meta charset=utf-8><body><p>a</p>"},
      {"<p>a</p><textarea>reply<p>b</p>", "<p>a</p><p>b</p>"},
      {"<style>p{}</head><body><p>b</p>", "</head><body><p>b</p>"},
      {"<style>a{background:url('data:image/svg+xml,<svg/>')}</style><p>b</p>", "<p>b</p>"},
      {"<xmp>code<p>b</p>", "<xmp>code</xmp><p>b</p>"},
      // Others end at the first block start when they reach the document's structure.
      {"<p>a</p><noscript><img src=x><p>b</p></body>", "<p>a</p><p>b</p></body>"},
      {"<script>var x = 1;\n<div>b</div></body></html>", "<div>b</div></body></html>"},
      {"<iframe src=x><h2>b</h2>", "<h2>b</h2>"},
      // Well-formed elements are untouched.
      {"<title>a &amp; b</title><p>c</p>", "<title>a &amp; b</title><p>c</p>"},
      {"<script>document.write('<p>x</p>')</script><p>c</p>", "<p>c</p>"},
      {"<script>w('<body onload=f()><div>x</div></body>');</script><p>c</p>", "<p>c</p>"},
      {"<plaintext><p>c</p>", "<p>c</p>"},
  };
  for (const Case& c : cases) {
    PrefilterResult result = PrefilterHtml(c.in, {});
    EXPECT_EQ(result.html, c.out) << c.in;
  }
  EXPECT_TRUE(PrefilterHtml("<title>a<p>b", {}).unclosed_raw_text);
  EXPECT_FALSE(PrefilterHtml("<title>a</title><p>b", {}).unclosed_raw_text);
}

TEST(PrefilterTest, TagsWithTooManyAttributesAreCut) {
  std::string tag = "<div";
  for (int i = 0; i < 200; ++i) tag += " class=c" + std::to_string(i);
  std::string expected = "<div";
  for (int i = 0; i < 128; ++i) expected += " class=c" + std::to_string(i);
  EXPECT_EQ(Filter(tag + ">x</div>"), expected + ">x</div>");
}

TEST(PrefilterTest, KeepsOnlyAttributesSomeReaderReads) {
  struct Case {
    std::string in;
    std::string out;
  } cases[] = {
      // Unread attributes go; read ones stay as written (quotes, case, order).
      {"<div data-x=1 CLASS=\"Body\" onclick='f()' id=main title=t>a</div>",
       "<div CLASS=\"Body\" id=main>a</div>"},
      {"<img srcset='a 1x, b 2x' data-src=\"/p.jpg\" alt=\"A\" width=10>",
       "<img data-src=\"/p.jpg\" alt=\"A\">"},
      {"<p class=a>x</p>", "<p class=a>x</p>"},  // nothing to drop: copied unchanged
      // A link's target is never read: "href" stays, its value goes; <link>/<base> keep theirs.
      {"<a href=\"/story?id=1\" rel=author>Jane</a>", "<a href rel=author>Jane</a>"},
      {"<link rel=canonical href=\"https://e.org/a\">",
       "<link rel=canonical href=\"https://e.org/a\">"},
      // Unread void tags go whole.
      {"<p>a<input type=text name=q>b</p>", "<p>ab</p>"},
      {"<link rel=stylesheet href=/s.css><title>t</title>", "<title>t</title>"},
      // Whitespace runs between tags become one character.
      {"<ul>\n   <li>a</li>\n\n  <li>b</li>  </ul>", "<ul>\n<li>a</li>\n<li>b</li> </ul>"},
      {"<p>a  b</p>", "<p>a  b</p>"},  // text is left alone
      {"<p>a</p>\n<script>x()</script>\n\n  <p>b</p>", "<p>a</p>\n\n<p>b</p>"},
  };
  for (const Case& c : cases) EXPECT_EQ(Filter(c.in), c.out) << c.in;
}

// What the filter removes is what nothing reads: the parsed document still has the link (as a
// link), the image source and the hints.
TEST(PrefilterTest, FilteredDocumentKeepsWhatReadersUse) {
  std::string html = Filter(
      "<body><div class=article-body data-track=x><a href=/a onclick=f()>l</a>"
      "<img data-src=/i.jpg srcset=x></div></body>");
  dom::ParsedHtml parsed = dom::ParsedHtml::Parse(html);
  const GumboNode* a = dom::FindFirst(parsed.body(), GUMBO_TAG_A);
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(dom::HasAttribute(a, "href"));
  EXPECT_FALSE(dom::HasAttribute(a, "onclick"));
  const GumboNode* img = dom::FindFirst(parsed.body(), GUMBO_TAG_IMG);
  ASSERT_NE(img, nullptr);
  EXPECT_EQ(dom::GetAttribute(img, "data-src"), "/i.jpg");
  EXPECT_TRUE(dom::HasClass(dom::FindFirst(parsed.body(), GUMBO_TAG_DIV), "article-body"));
}

}  // namespace
}  // namespace newscrawl
