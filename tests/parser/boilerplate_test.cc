#include "parser/boilerplate.h"

#include <gtest/gtest.h>

#include "parser/dom.h"

namespace newscrawl::content {
namespace {

TEST(BoilerplateTest, NormalizeHeadingText) {
  EXPECT_EQ(NormalizeHeadingText("BÌNH LUẬN (12)"), "bình luận");
  EXPECT_EQ(NormalizeHeadingText("  Tin liên quan:  "), "tin liên quan");
  EXPECT_EQ(NormalizeHeadingText("» Related Articles «"), "related articles");
  EXPECT_EQ(NormalizeHeadingText("Editor's picks"), "editors picks");
  EXPECT_EQ(NormalizeHeadingText("123"), "");
}

TEST(BoilerplateTest, ClassifiesHeadings) {
  BoilerplatePhrases phrases;
  struct Case {
    const char* text;
    HeadingKind kind;
  } cases[] = {
      {"Phản hồi", HeadingKind::kComments},
      {"BÌNH LUẬN (12)", HeadingKind::kComments},
      {"Gửi bình luận", HeadingKind::kComments},
      {"Comments (3)", HeadingKind::kComments},
      {"Các tin khác", HeadingKind::kTrailer},
      {"Tin khác", HeadingKind::kTrailer},
      {"MỚI NHẤT", HeadingKind::kTrailer},
      {"Tin mới", HeadingKind::kTrailer},
      {"Xem nhiều nhất", HeadingKind::kTrailer},
      {"Đọc nhiều", HeadingKind::kTrailer},
      {"Tin liên quan:", HeadingKind::kTrailer},
      {"Tin cùng chuyên mục", HeadingKind::kTrailer},
      {"Cùng chuyên mục", HeadingKind::kTrailer},
      {"Xem thêm", HeadingKind::kTrailer},
      {"Đọc thêm", HeadingKind::kTrailer},
      {"Tham khảo thêm", HeadingKind::kTrailer},
      {"Tin nổi bật", HeadingKind::kTrailer},
      {"Chủ đề", HeadingKind::kTrailer},
      {"Từ khóa", HeadingKind::kTrailer},
      {"Related articles", HeadingKind::kTrailer},
      {"READ MORE", HeadingKind::kTrailer},
      {"Most read", HeadingKind::kTrailer},
      {"Latest news", HeadingKind::kTrailer},
      {"More stories", HeadingKind::kTrailer},
      {"Ähnliche Beiträge", HeadingKind::kTrailer},
      {"Zum Weiterlesen:", HeadingKind::kTrailer},
      {"Kategorie", HeadingKind::kTrailer},
      {"Filed under", HeadingKind::kTrailer},
      {"Autoren:", HeadingKind::kTrailer},
      {"More Washington Examiner", HeadingKind::kTrailer},
      {"MORE FROM SPORT", HeadingKind::kTrailer},
      {"More questions than answers after the vote", HeadingKind::kNone},
      {"More than a game", HeadingKind::kNone},
      {"More and more trams", HeadingKind::kNone},
      {"Hội nghị quán triệt", HeadingKind::kNone},
      {"Background", HeadingKind::kNone},
      {"Related articles are those that are related to this one in some meaningful way "
       "and this sentence is far too long to be a heading",
       HeadingKind::kNone},
  };
  for (const Case& c : cases) EXPECT_EQ(phrases.Classify(c.text), c.kind) << c.text;
}

TEST(BoilerplateTest, ExtraPhrases) {
  BoilerplatePhrases phrases({"Góc nhìn khác", "  PARTNER CONTENT "});
  EXPECT_EQ(phrases.Classify("GÓC NHÌN KHÁC"), HeadingKind::kTrailer);
  EXPECT_EQ(phrases.Classify("Partner content:"), HeadingKind::kTrailer);
  EXPECT_EQ(BoilerplatePhrases().Classify("Góc nhìn khác"), HeadingKind::kNone);
}

Hint HintOf(const std::string& tag_html) {
  dom::ParsedHtml parsed = dom::ParsedHtml::Parse("<body>" + tag_html + "</body>");
  const GumboVector& children = parsed.body()->v.element.children;
  return ClassifyHints(static_cast<const GumboNode*>(children.data[0]));
}

TEST(BoilerplateTest, ClassifiesHints) {
  struct Case {
    const char* html;
    Hint hint;
  } cases[] = {
      {"<div class='comments-area'></div>", Hint::kNegative},
      {"<div id='binh-luan'></div>", Hint::kNegative},
      {"<div class='box tin-lien-quan'></div>", Hint::kNegative},
      {"<div class='related-posts'></div>", Hint::kNegative},
      {"<div class='share-buttons'></div>", Hint::kNegative},
      {"<div class='ad-slot'></div>", Hint::kNegative},
      {"<nav role='navigation'></nav>", Hint::kNegative},
      {"<div class='article-body'></div>", Hint::kPositive},
      {"<div itemprop='articleBody'></div>", Hint::kPositive},
      {"<div class='x' hidden></div>", Hint::kHidden},
      {"<div style='display: none'></div>", Hint::kHidden},
      {"<div class='sr-only'></div>", Hint::kHidden},
      {"<div class='header'></div>", Hint::kNegative},
      // Metadata lines, disclaimers, buttons, embedded forms, calls to action.
      {"<div class='postmetadata'></div>", Hint::kNegative},
      {"<span class='img-metadata__title'></span>", Hint::kNegative},
      {"<p class='aawp-disclaimer'></p>", Hint::kNegative},
      {"<div class='ATheButtonSection'></div>", Hint::kNegative},
      {"<div class='block block-webform'></div>", Hint::kNegative},
      {"<section class='c-letters-cta'></section>", Hint::kNegative},
      {"<div class='no-print' id='contact'></div>", Hint::kNegative},
      {"<div class='tip-print-step'></div>", Hint::kNeutral},
      // Weak negatives outweighed by another token; state classes and modifiers ignored.
      {"<article class='post tag-news'></article>", Hint::kNeutral},
      {"<section class='o-section o-section--has-ads js-section--has-ads'></section>",
       Hint::kNeutral},
      {"<div class='loading'></div>", Hint::kNeutral},
      {"<p class='box-txt js_readmore'></p>", Hint::kNeutral},
      {"<div class='commentary'></div>", Hint::kNeutral},
      {"<div class='apageroot'></div>", Hint::kNeutral},
  };
  for (const Case& c : cases) EXPECT_EQ(HintOf(c.html), c.hint) << c.html;
}

}  // namespace
}  // namespace newscrawl::content
