#include "parser/dom.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace newscrawl::dom {
namespace {

TEST(DomTest, ParseFindsHeadAndBody) {
  ParsedHtml parsed = ParsedHtml::Parse("<title>T</title><p>x");
  ASSERT_NE(parsed.document(), nullptr);
  ASSERT_NE(parsed.head(), nullptr);
  ASSERT_NE(parsed.body(), nullptr);
  EXPECT_EQ(NodeTextCollapsed(parsed.body()), "x");
}

TEST(DomTest, EmptyInputStillHasBody) {
  ParsedHtml parsed = ParsedHtml::Parse("");
  EXPECT_NE(parsed.body(), nullptr);
}

TEST(DomTest, AttributesAndClassTokens) {
  ParsedHtml parsed =
      ParsedHtml::Parse("<div id='Comments-Box' class='a  Foo\tbar' data-x=''>t</div>");
  const GumboNode* div = FindFirst(parsed.body(), GUMBO_TAG_DIV);
  ASSERT_NE(div, nullptr);
  EXPECT_EQ(GetAttribute(div, "id"), "Comments-Box");
  EXPECT_EQ(GetAttribute(div, "missing"), "");
  EXPECT_TRUE(HasAttribute(div, "data-x"));
  EXPECT_FALSE(HasAttribute(div, "data-y"));
  EXPECT_TRUE(HasClass(div, "foo"));
  EXPECT_TRUE(HasClass(div, "bar"));
  EXPECT_FALSE(HasClass(div, "fo"));
  EXPECT_TRUE(ClassOrIdContains(div, "comment"));
  EXPECT_FALSE(ClassOrIdContains(div, "related"));
}

TEST(DomTest, NodeTextSeparatesBlocksAndSkipsScripts) {
  ParsedHtml parsed = ParsedHtml::Parse(
      "<div><p>one</p><p>two&amp;<b>three</b></p><script>var x;</script><li>four</li></div>");
  EXPECT_EQ(NodeTextCollapsed(parsed.body()), "one two&three four");
}

TEST(DomTest, TagNameOfUnknownElement) {
  ParsedHtml parsed = ParsedHtml::Parse("<AMP-IMG src=x></AMP-IMG><p>y</p>");
  std::vector<std::string> names;
  WalkPreOrder(parsed.body(), [&](const GumboNode* n, int) {
    if (IsElementNode(n)) names.push_back(TagName(n));
    return WalkAction::kDescend;
  });
  ASSERT_EQ(names.size(), 3u);
  EXPECT_EQ(names[0], "body");
  EXPECT_EQ(names[1], "amp-img");
  EXPECT_EQ(names[2], "p");
}

TEST(DomTest, WalkStopsAndSkips) {
  ParsedHtml parsed = ParsedHtml::Parse("<div><p>a</p></div><span>b</span><i>c</i>");
  int visited_p = 0;
  bool saw_i = false;
  WalkPreOrder(parsed.body(), [&](const GumboNode* n, int) {
    if (IsElement(n, GUMBO_TAG_DIV)) return WalkAction::kSkipChildren;
    if (IsElement(n, GUMBO_TAG_P)) ++visited_p;
    if (IsElement(n, GUMBO_TAG_SPAN)) return WalkAction::kStop;
    if (IsElement(n, GUMBO_TAG_I)) saw_i = true;
    return WalkAction::kDescend;
  });
  EXPECT_EQ(visited_p, 0);
  EXPECT_FALSE(saw_i);
}

TEST(DomTest, DeepTreeWalkDoesNotRecurse) {
  std::string html;
  for (int i = 0; i < 5000; ++i) html += "<div>";
  html += "deep";
  ParsedHtml parsed = ParsedHtml::Parse(html);
  int max_depth = 0;
  WalkPreOrder(parsed.document(), [&](const GumboNode*, int depth) {
    if (depth > max_depth) max_depth = depth;
    return WalkAction::kDescend;
  });
  EXPECT_GT(max_depth, 5000);
  EXPECT_EQ(NodeTextCollapsed(parsed.body()), "deep");
  EXPECT_EQ(FindAll(parsed.body(), GUMBO_TAG_DIV).size(), 5000u);
}

TEST(DomTest, ParsedTreeSurvivesMoves) {
  std::string html;
  for (int i = 0; i < 3000; ++i)
    html += "<p class=c" + std::to_string(i % 7) + ">para " + std::to_string(i);
  ParsedHtml first = ParsedHtml::Parse(html);
  ParsedHtml moved = std::move(first);
  EXPECT_EQ(first.document(), nullptr);  // NOLINT(bugprone-use-after-move): the moved-from state
  ASSERT_NE(moved.body(), nullptr);
  std::vector<const GumboNode*> paragraphs = FindAll(moved.body(), GUMBO_TAG_P);
  ASSERT_EQ(paragraphs.size(), 3000u);
  EXPECT_EQ(NodeTextCollapsed(paragraphs.back()), "para 2999");
  ParsedHtml other = ParsedHtml::Parse("<p>x");
  other = std::move(moved);
  EXPECT_EQ(FindAll(other.body(), GUMBO_TAG_P).size(), 3000u);
}

TEST(GumboArenaTest, FreedBlocksAreReusedAndLargeBlocksReleased) {
  GumboArena arena;
  void* small = GumboArena::Allocate(&arena, 100);
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(small) % 16, 0u);
  GumboArena::Deallocate(&arena, small);
  const size_t reserved = arena.reserved_bytes();
  for (int i = 0; i < 100000; ++i) {  // a transient buffer, freed each time: one block reused
    void* block = GumboArena::Allocate(&arena, 90 + i % 20);
    static_cast<char*>(block)[0] = 'x';
    GumboArena::Deallocate(&arena, block);
  }
  EXPECT_EQ(arena.reserved_bytes(), reserved);
  void* large = GumboArena::Allocate(&arena, 1 << 20);  // malloc'd; freed by Deallocate or ~arena
  ASSERT_NE(large, nullptr);
  static_cast<char*>(large)[(1 << 20) - 1] = 'x';
  GumboArena::Deallocate(&arena, large);
  EXPECT_NE(GumboArena::Allocate(&arena, 1 << 20), nullptr);  // left for the destructor
  GumboArena::Deallocate(&arena, nullptr);
}

}  // namespace
}  // namespace newscrawl::dom
