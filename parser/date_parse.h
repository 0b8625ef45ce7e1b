// Dates as news pages, feeds and sitemaps write them, to ISO 8601: the one date reader of the
// parser (tokens and shapes in date_tokens.h).
//
// Four readers, each pure and thread-safe:
//   ParseMachineDate: the machine-readable forms of metadata (ISO 8601 / RFC 3339 with or
//     without time, fraction and offset; "2023-03-16 10:30"; RFC 822/1123 "Thu, 16 Mar 2023
//     10:30:00 +0700"), falling back to FindDateInText for sloppy values.
//   FindDateInText: the first complete date in free text: "Thứ Năm, 16/03/2023 10:30 (GMT+7)",
//     "16/3/2023 - 10:30", "10:30 16-03-2023", "2023-03-16", "16 tháng 3 năm 2023",
//     "March 16, 2023 at 4:05 pm", "16. März 2023", "16 mars 2023 à 10h30", Spanish, Italian.
//     A time and a GMT/UTC offset next to the date (before or after it) are attached.
//   DateFromUrl: /2023/03/16/, /2023-03-16/, /20230316/, "-20230316103000123.htm".
//   ParseFeedDate: a whole feed or sitemap value, strictly (below).
// A date is complete only with year, month and day: "March 2023" or /2023/03/ yield nothing
// (a partial date is never completed with an invented day). Years outside 1990..2100 and
// impossible days (31 April) are rejected.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace newscrawl {

struct DateTimeParts {
  int year = 0, month = 0, day = 0;
  bool has_time = false;
  int hour = 0, minute = 0, second = 0;
  bool has_offset = false;
  int offset_minutes = 0;  // east of UTC: +07:00 is 420
};

// How to read "03/04/2023" when both numbers could be the month.
enum class DayMonthOrder { kDayFirst, kMonthFirst };

std::optional<DateTimeParts> ParseMachineDate(std::string_view text);
std::optional<DateTimeParts> FindDateInText(std::string_view text,
                                            DayMonthOrder order = DayMonthOrder::kDayFirst);
std::optional<DateTimeParts> DateFromUrl(std::string_view url);

// "2023-03-16" without time; "2023-03-16T10:30:00+07:00" with time and offset ("+00:00" for
// UTC); "2023-03-16T10:30:00" with time but unknown offset.
std::string FormatIsoDate(const DateTimeParts& date);

// True when year/month/day name a real calendar day within 1990..2100.
bool IsValidDay(int year, int month, int day);

// A date as feeds and sitemaps write it, the whole value and nothing else:
//  - RFC 822 / 1123 / 2822 (RSS pubDate): "[Wed,] 16 Mar 2023 10:30[:00] ZONE" where ZONE is
//    "+0700", "-05:00", "+07", "GMT", "UT", "UTC", "Z", a US zone ("EST", "EDT", "CST", "CDT",
//    "MST", "MDT", "PST", "PDT") or "GMT+7" / "UTC+07:00", optionally followed by a comment
//    ("(UTC)"); full month names and two-digit years (< 50 -> 20xx) are tolerated;
//  - RFC 3339 / W3C Datetime (Atom, JSON Feed, sitemaps): "2023-03-16", "2023-03-16T10:30Z",
//    "2023-03-16T10:30:00.123+07:00", "2023-03-16 10:30:00+0700".
// Output as FormatIsoDate ("Z" and named zones become numeric offsets, fractions of a second
// are dropped; no offset is invented for a time without zone). Returns "" for anything else,
// including trailing text, out-of-range fields (month 13, 31 April, hour 24, offset +15:00),
// years outside 1990..2100 and year-only or month-only dates.
std::string ParseFeedDate(std::string_view text);

}  // namespace newscrawl
