#include "parser/date_parse.h"

#include <string>

#include <gtest/gtest.h>

namespace newscrawl {
namespace {

std::string Text(std::string_view text, DayMonthOrder order = DayMonthOrder::kDayFirst) {
  auto d = FindDateInText(text, order);
  return d ? FormatIsoDate(*d) : "none";
}
std::string Machine(std::string_view text) {
  auto d = ParseMachineDate(text);
  return d ? FormatIsoDate(*d) : "none";
}
std::string Url(std::string_view url) {
  auto d = DateFromUrl(url);
  return d ? FormatIsoDate(*d) : "none";
}

TEST(DateParseTest, MachineForms) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"2023-03-16T10:30:00+07:00", "2023-03-16T10:30:00+07:00"},
      {"2023-03-16T10:30:00.123Z", "2023-03-16T10:30:00+00:00"},
      {"2023-03-16T03:30:00-0500", "2023-03-16T03:30:00-05:00"},
      {"2023-03-16 10:30", "2023-03-16T10:30:00"},
      {"2023-03-16", "2023-03-16"},
      {"Thu, 16 Mar 2023 10:30:00 GMT", "2023-03-16T10:30:00+00:00"},
      {"Thu, 16 Mar 2023 10:30:00 +0700", "2023-03-16T10:30:00+07:00"},
      {"2023/03/16 10:30:00", "2023-03-16T10:30:00"},
      {"2023-03", "none"},
      {"2023", "none"},
      {"2023-02-30", "none"},
      {"", "none"},
  };
  for (const Case& c : cases) EXPECT_EQ(Machine(c.in), c.want) << c.in;
}

TEST(DateParseTest, VietnameseVisibleForms) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"Thứ Năm, 16/03/2023 10:30 (GMT+7)", "2023-03-16T10:30:00+07:00"},
      {"Thứ năm, 16/3/2023 - 10:30", "2023-03-16T10:30:00"},
      {"16-03-2023", "2023-03-16"},
      {"10:30 16/03/2023", "2023-03-16T10:30:00"},
      {"Cập nhật: 10:30 | 16/03/2023 GMT+7", "2023-03-16T10:30:00+07:00"},
      {"Ngày 16 tháng 3 năm 2023", "2023-03-16"},
      {"16 tháng 03, 2023 | 08:05", "2023-03-16T08:05:00"},
      {"16.03.2023, 09h15", "2023-03-16T09:15:00"},
      {"Tháng 3/2023", "none"},
  };
  for (const Case& c : cases) EXPECT_EQ(Text(c.in), c.want) << c.in;
}

TEST(DateParseTest, MonthNamesInSeveralLanguages) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"Published March 16, 2023 at 4:05 pm EDT", "2023-03-16T16:05:00-04:00"},
      {"Mar. 16th, 2023", "2023-03-16"},
      {"16 March 2023", "2023-03-16"},
      {"Updated 12:15 a.m. 3 Jan 2024", "2024-01-03T00:15:00"},
      {"16. März 2023, 10:30 Uhr", "2023-03-16T10:30:00"},
      {"Veröffentlicht am 1. Dezember 2022", "2022-12-01"},
      {"le 16 mars 2023 à 10h30", "2023-03-16T10:30:00"},
      {"1er février 2023", "2023-02-01"},
      {"16 de marzo de 2023", "2023-03-16"},
      {"16 settembre 2023", "2023-09-16"},
      {"March 2023", "none"},
      {"May the force", "none"},
  };
  for (const Case& c : cases) EXPECT_EQ(Text(c.in), c.want) << c.in;
}

TEST(DateParseTest, DayMonthOrder) {
  EXPECT_EQ(Text("03/04/2023"), "2023-04-03");
  EXPECT_EQ(Text("03/04/2023", DayMonthOrder::kMonthFirst), "2023-03-04");
  EXPECT_EQ(Text("03/16/2023"), "2023-03-16");  // 16 cannot be a month
  EXPECT_EQ(Text("31/04/2023"), "none");        // no 31 April
}

TEST(DateParseTest, TimesAndOffsetsAreNotInvented) {
  EXPECT_EQ(Text("16/03/2023 10:30 - 11:15"), "2023-03-16T10:30:00");
  EXPECT_EQ(Text("16/03/2023 - 12 comments"), "2023-03-16");
  EXPECT_EQ(Text("16/03/2023 10:30 ICT"), "2023-03-16T10:30:00+07:00");
  EXPECT_EQ(Text("Phone 0912 345 678, 2023"), "none");
}

TEST(DateParseTest, DatesInUrls) {
  struct Case {
    const char* in;
    const char* want;
  } cases[] = {
      {"https://example.com/2023/03/16/some-story/", "2023-03-16"},
      {"https://example.com/news/2023-03-16/story.html", "2023-03-16"},
      {"https://example.com/a/20230316/story", "2023-03-16"},
      {"https://vn.example/tin-tuc-20230316103000123.htm", "2023-03-16"},
      {"https://example.com/2023/03/story", "none"},
      {"https://example.com/story-4581234.html", "none"},
      {"https://example.com/?d=2023/03/16", "none"},
      {"https://2023.example.com/", "none"},
  };
  for (const Case& c : cases) EXPECT_EQ(Url(c.in), c.want) << c.in;
}

TEST(DateParseTest, Validity) {
  EXPECT_TRUE(IsValidDay(2024, 2, 29));
  EXPECT_FALSE(IsValidDay(2023, 2, 29));
  EXPECT_FALSE(IsValidDay(1900, 1, 1));
  EXPECT_FALSE(IsValidDay(2023, 13, 1));
}

}  // namespace
}  // namespace newscrawl
