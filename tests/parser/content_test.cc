#include "parser/content_extractor.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "parser/content_tree.h"
#include "parser/dom.h"

namespace newscrawl::content {
namespace {

const char kParagraph[] =
    "The council voted on Tuesday to expand the tram network, a decision that officials said "
    "would cut travel times across the city by a third over the next decade.";

std::string Para(int i) { return "<p>" + std::to_string(i) + ". " + kParagraph + "</p>"; }

std::vector<std::string> Extract(const std::string& body_html) {
  dom::ParsedHtml parsed = dom::ParsedHtml::Parse("<html><body>" + body_html + "</body></html>");
  BoilerplatePhrases phrases;
  ContentOptions options;
  options.phrases = &phrases;
  options.base_url = "https://example.com/news/a.html";
  return ExtractContent(parsed.body(), options).paragraphs;
}

bool Contains(const std::vector<std::string>& paragraphs, const std::string& needle) {
  for (const std::string& p : paragraphs) {
    if (p.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(ContentTest, PicksTheArticleOverSidebarAndMenu) {
  std::string menu = "<ul class='menu'>";
  for (int i = 0; i < 20; ++i) menu += "<li><a href='/s" + std::to_string(i) + "'>Section</a></li>";
  menu += "</ul>";
  std::string sidebar = "<div class='sidebar'>";
  for (int i = 0; i < 5; ++i)
    sidebar += "<p>Sidebar teaser text that is long enough to count as a paragraph here.</p>";
  sidebar += "</div>";
  std::vector<std::string> out = Extract(menu + "<div class='main'><h1>Headline</h1>" + Para(1) +
                                         Para(2) + Para(3) + "</div>" + sidebar);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].substr(0, 3), "1. ");
  EXPECT_FALSE(Contains(out, "Headline"));
  EXPECT_FALSE(Contains(out, "Section"));
  EXPECT_FALSE(Contains(out, "Sidebar"));
}

TEST(ContentTest, KeepsSubheadingsListsTablesAndQuotes) {
  std::vector<std::string> out = Extract(
      "<article>" + Para(1) + "<h2>What happens next</h2>" + Para(2) +
      "<ul><li>First stage in 2025</li><li>Second stage in 2027</li></ul>"
      "<table><tr><td>Line</td><td>Length</td></tr><tr><td>T1</td><td>12 km</td></tr></table>"
      "<blockquote>We are delighted, the mayor said.</blockquote>" +
      Para(3) + "</article>");
  EXPECT_TRUE(Contains(out, "What happens next"));
  EXPECT_TRUE(Contains(out, "First stage in 2025"));
  EXPECT_TRUE(Contains(out, "12 km"));
  EXPECT_TRUE(Contains(out, "We are delighted"));
  EXPECT_TRUE(Contains(out, "3. The council"));
}

TEST(ContentTest, TrailerHeadingInTheMiddleDropsOnlyItsItems) {
  std::vector<std::string> out =
      Extract("<div class='story'>" + Para(1) + Para(2) +
              "<h3>Read more</h3><ul><li><a href='/x'>Other story one</a></li>"
              "<li><a href='/y'>Other story two</a></li></ul>" +
              Para(3) + Para(4) + "</div>");
  EXPECT_FALSE(Contains(out, "Read more"));
  EXPECT_FALSE(Contains(out, "Other story"));
  EXPECT_TRUE(Contains(out, "3. The council"));
  EXPECT_TRUE(Contains(out, "4. The council"));
}

TEST(ContentTest, CommentsHeadingDropsEverythingAfterIt) {
  std::vector<std::string> out =
      Extract("<div class='c'>" + Para(1) + Para(2) + Para(3) +
              "<div><span>Comments (2)</span></div>"
              "<p>Reader one wrote a long comment about how much they like the new trams.</p>"
              "<p>Reader two disagreed and wrote an equally long reply about the buses.</p>"
              "</div>");
  EXPECT_EQ(out.size(), 3u);
  EXPECT_FALSE(Contains(out, "Reader"));
}

TEST(ContentTest, TagLineAndShareBarDropped) {
  std::vector<std::string> out = Extract(
      "<div class='detail'>" + Para(1) + Para(2) + Para(3) +
      "<p>Từ khóa: <a href='/t/1'>giao thông</a>, <a href='/t/2'>đô thị</a></p>"
      "<div class='share-tools'><a href='#'>Facebook</a> <a href='#'>Twitter</a></div></div>");
  EXPECT_EQ(out.size(), 3u);
  EXPECT_FALSE(Contains(out, "Từ khóa"));
  EXPECT_FALSE(Contains(out, "Facebook"));
}

TEST(ContentTest, FigureCaptionGoesToImages) {
  dom::ParsedHtml parsed = dom::ParsedHtml::Parse(
      "<body><article>" + Para(1) +
      "<figure><img data-src='/img/tram.jpg' src='data:image/gif;base64,R0lG'>"
      "<figcaption>A tram in the old town.</figcaption></figure>" +
      Para(2) + Para(3) + "</article></body>");
  BoilerplatePhrases phrases;
  ContentOptions options;
  options.phrases = &phrases;
  options.base_url = "https://example.com/news/a.html";
  ContentResult result = ExtractContent(parsed.body(), options);
  ASSERT_EQ(result.images.size(), 1u);
  EXPECT_EQ(result.images[0].url, "https://example.com/img/tram.jpg");
  EXPECT_EQ(result.images[0].caption, "A tram in the old town.");
  EXPECT_FALSE(Contains(result.paragraphs, "A tram in the old town"));
}

TEST(ContentTest, LeadBeforeTheBodyIsTheFirstParagraph) {
  std::vector<std::string> out = Extract(
      "<div class='article'><header><h1>Title</h1><p class='standfirst'>The city will spend "
      "two billion on trams, the council decided after a long debate.</p><span class='byline'>"
      "By A. Writer</span></header><div class='body'>" +
      Para(1) + Para(2) + Para(3) + "</div></div>");
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].substr(0, 30), "The city will spend two billio");
  EXPECT_FALSE(Contains(out, "A. Writer"));
}

TEST(ContentTest, ClosingSocialPromotionDropped) {
  std::vector<std::string> out =
      Extract("<article>" + Para(1) + Para(2) + Para(3) +
              "<p>Follow us on Twitter and Facebook for more local news every day.</p></article>");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_FALSE(Contains(out, "Follow us"));
}

TEST(ContentTest, ThreadOfCommentClassedPostsIsTheContent) {
  // A forum thread: every post, the first one included, is classed as a comment, no wrapper
  // holds most of them, and the page has no article besides them.
  std::string thread = "<h2>Tram tickets after the update?</h2>";
  for (int i = 1; i <= 4; ++i) {
    thread += "<div class='comment'><span class='comment-author'>user" + std::to_string(i) +
              "</span><div class='comment-text'>" + std::to_string(i) + ". " + kParagraph +
              "</div></div>";
  }
  std::vector<std::string> out = Extract("<nav><a href='/'>Home</a></nav><main>" + thread +
                                         "</main><footer>Contact us</footer>");
  EXPECT_TRUE(Contains(out, "1. The council"));
  EXPECT_TRUE(Contains(out, "4. The council"));
  EXPECT_FALSE(Contains(out, "Contact us"));
}

TEST(ContentTest, CommentsOutweighingTheArticleStayOut) {
  std::string comments = "<div class='comment-list'>";
  for (int i = 10; i < 18; ++i) {
    comments +=
        "<div class='comment-body'><p>" + std::to_string(i) + ". " + kParagraph + "</p></div>";
  }
  comments += "</div>";
  std::vector<std::string> out = Extract("<div class='page'><div class='text'>" + Para(1) +
                                         Para(2) + Para(3) + "</div>" + comments + "</div>");
  EXPECT_TRUE(Contains(out, "1. The council"));
  EXPECT_TRUE(Contains(out, "3. The council"));
  EXPECT_FALSE(Contains(out, "10. The council"));
  EXPECT_FALSE(Contains(out, "17. The council"));
}

TEST(ContentTest, CaptionAfterAnImageIsNotBodyText) {
  std::vector<std::string> out = Extract(
      "<article>" + Para(1) +
      "<a href='/img/big.jpg'><picture><img src='/img/a.jpg' alt='The new tram at the depot "
      "on Monday'></picture></a><div class='text-small'>The new tram at the depot on Monday, "
      "shortly before its first test run through the old town centre.</div>" +
      Para(2) +
      "<div class='img'><img src='/img/b.jpg'></div><p>Passengers boarding at the main station "
      "during the evening rush hour. \u00A9 City Transport / J. Doe</p>" +
      Para(3) +
      "<div class='imginline'><img src='/img/c.png'><span>Figure: tram lines planned for the next "
      "decade, drawn over the current bus network, with the new depot in the north of the "
      "city.</span></div>" +
      Para(4) + "</article>");
  EXPECT_FALSE(Contains(out, "shortly before its first test run"));
  EXPECT_FALSE(Contains(out, "Figure: tram lines"));
  EXPECT_FALSE(Contains(out, "Passengers boarding"));
  EXPECT_TRUE(Contains(out, "2. The council"));
  EXPECT_TRUE(Contains(out, "3. The council"));
}

TEST(ContentTest, ParagraphWithAnInlineImageStays) {
  std::vector<std::string> out =
      Extract("<article>" + Para(1) + "<p><img src='/img/icon.png' alt='icon'>" + kParagraph +
              "</p>" + Para(2) + "</article>");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1], kParagraph);
}

TEST(ContentTest, ArticleWrapperHoldingABigMenuWidgetIsStillTheArticle) {
  // The article's own wrapper also holds a long menu widget (more link text than article text):
  // the widget is dropped, the wrapper is not taken for a link list.
  std::string widget = "<div class='sidebar-widget'><ul class='menu'>";
  for (int i = 0; i < 60; ++i) {
    widget += "<li><a href='/breed/" + std::to_string(i) + "'>Breed number " + std::to_string(i) +
              " tips</a></li>";
  }
  widget += "</ul></div>";
  std::vector<std::string> out =
      Extract("<div id='content'><article class='entry'><div class='inner'><h1>Welcome</h1>" +
              Para(1) + Para(2) + Para(3) + widget + "</div></article></div>");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(Contains(out, "1. The council"));
  EXPECT_TRUE(Contains(out, "3. The council"));
  EXPECT_FALSE(Contains(out, "Breed number"));
}

TEST(ContentTest, ClosingLinkOnlyLinesDropped) {
  std::vector<std::string> out = Extract(
      "<article>" + Para(1) + "<p>See the <a href='/map'>new network map</a> for details.</p>" +
      Para(2) + "<p><a href='https://photos.example.org/album/1'>Pictures of the meeting</a></p>" +
      "<a href='/press'>Back to the list</a></article>");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(Contains(out, "new network map"));  // a link inside running text stays
  EXPECT_TRUE(Contains(out, "2. The council"));
  EXPECT_FALSE(Contains(out, "Pictures of the meeting"));
  EXPECT_FALSE(Contains(out, "Back to the list"));
}

TEST(ContentTest, SmallContainerGrowsToTheMarkedArticleBody) {
  // A results page: one short paragraph, then a table of short cells, all inside the element
  // the page marks as its body.
  std::string table = "<table>";
  for (int i = 1; i <= 30; ++i) {
    table += "<tr><td>" + std::to_string(i) + ".</td><td>Runner " + std::to_string(i) +
             "</td><td>Club " + std::to_string(i % 7) + "</td><td>12," + std::to_string(i) +
             " s</td></tr>";
  }
  table += "</table>";
  std::vector<std::string> out = Extract(
      "<nav><a href='/'>Home</a> <a href='/results'>Results</a></nav><article><div "
      "class='entry-content'><h3>Regional championship, 19 May, held at the town stadium in "
      "fine weather</h3><p>Results of the sprint finals.</p>" +
      table + "</div></article>");
  EXPECT_TRUE(Contains(out, "Runner 1"));
  EXPECT_TRUE(Contains(out, "Runner 30"));
  EXPECT_FALSE(Contains(out, "Home"));
}

TEST(ContentTest, MetadataLabelLineDroppedButNotAListItStarts) {
  std::vector<std::string> out = Extract(
      "<article>" + Para(1) + Para(2) +
      "<h3>Photo details</h3><ul><li>Category: <a href='/c/first'>First attempts</a></li>"
      "<li>Camera: Canon EOS 60 Da</li><li>Exposure: 60 x 3 minutes</li></ul>" +
      Para(3) +
      "<p>Category: <a href='/c/news'>News</a>, <a href='/c/local'>Local</a></p></article>");
  EXPECT_TRUE(Contains(out, "Camera: Canon EOS 60 Da"));
  EXPECT_TRUE(Contains(out, "Exposure: 60 x 3 minutes"));
  EXPECT_TRUE(Contains(out, "3. The council"));
  EXPECT_FALSE(Contains(out, "Category: News"));
}

TEST(ContentTest, CookieNoticeOutweighingAShortPostIsNotTheArticle) {
  std::vector<std::string> out = Extract(
      "<div class='post-content'><p>Who will be the next to slip on the icy pavement? The "
      "neighbours are already taking bets.</p></div><div class='widget widget_cookie_law'><div "
      "id='cookie-law'><p>This website uses cookies to improve your experience. By continuing to "
      "browse the site you agree to our use of cookies and to our privacy policy.</p><p>You can "
      "change your cookie settings at any time in the preferences of your browser or here.</p>"
      "</div></div>");
  EXPECT_TRUE(Contains(out, "icy pavement"));
  EXPECT_FALSE(Contains(out, "cookies"));
}

TEST(ContentTest, WeightedCharsCountsCjkHeavier) {
  EXPECT_EQ(WeightedChars("ab c"), 3u);
  EXPECT_EQ(WeightedChars("Việt"), 4u);
  EXPECT_EQ(WeightedChars("\xE4\xB8\xAD\xE6\x96\x87"), 6u);  // two CJK ideographs
  EXPECT_EQ(WeightedChars("a\xC2\xA0"
                          "b"),
            2u);  // no-break space
}

}  // namespace
}  // namespace newscrawl::content
