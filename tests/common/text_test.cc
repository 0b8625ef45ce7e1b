#include "common/text.h"

#include <gtest/gtest.h>

namespace newscrawl::text {
namespace {

TEST(TextTest, AsciiLowerLeavesNonAsciiBytes) {
  EXPECT_EQ(AsciiLower("HeLLo Ã"), "hello Ã");
  EXPECT_EQ(AsciiLower('Z'), 'z');
  EXPECT_EQ(AsciiLower('['), '[');
}

TEST(TextTest, TrimAsciiSpace) {
  struct Case {
    std::string_view in, out;
  } cases[] = {
      {"", ""}, {" \t\r\n\f\v", ""}, {"  a b  ", "a b"}, {"x", "x"}, {"\xC2\xA0x", "\xC2\xA0x"}};
  for (const auto& c : cases) EXPECT_EQ(TrimAsciiSpace(c.in), c.out) << "input: " << c.in;
}

TEST(TextTest, CaseInsensitiveComparisons) {
  EXPECT_TRUE(EqualsIgnoreCase("Content-Type", "content-type"));
  EXPECT_FALSE(EqualsIgnoreCase("Content-Type", "content-typ"));
  EXPECT_TRUE(StartsWithIgnoreCase("HTTP/1.1 200", "http/"));
  EXPECT_FALSE(StartsWithIgnoreCase("HT", "http"));
  EXPECT_TRUE(EndsWithIgnoreCase("index.HTML", ".html"));
  EXPECT_FALSE(EndsWithIgnoreCase("html", "x.html"));
}

TEST(TextTest, CollapseWhitespaceFoldsRunsAndNoBreakSpace) {
  EXPECT_EQ(CollapseWhitespace("  a \n\t b\xC2\xA0\xC2\xA0"
                               "c  "),
            "a b c");
  EXPECT_EQ(CollapseWhitespace(""), "");
  EXPECT_EQ(CollapseWhitespace(" \xC2\xA0 "), "");
}

TEST(TextTest, Hex) {
  EXPECT_EQ(HexEncode(std::string("\x01\xab\xff", 3)), "01abff");
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexDigitValue('7'), 7);
  EXPECT_EQ(HexDigitValue('c'), 12);
  EXPECT_EQ(HexDigitValue('F'), 15);
  EXPECT_EQ(HexDigitValue('g'), -1);
}

}  // namespace
}  // namespace newscrawl::text
