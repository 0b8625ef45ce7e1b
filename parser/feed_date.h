// Dates as feeds and sitemaps write them -> ISO 8601 strings as the Article record stores them.
//
// Pure and thread-safe. Accepted forms:
//  - RFC 822 / RFC 1123 / RFC 2822 (RSS pubDate): "[Wed,] 16 Mar 2023 10:30[:00] ZONE" where ZONE
//    is "+0700", "-05:00", "+07", "GMT", "UT", "UTC", "Z", a US zone ("EST", "EDT", "CST", "CDT",
//    "MST", "MDT", "PST", "PDT") or "GMT+7" / "UTC+07:00"; full month names and two-digit years
//    (< 50 -> 20xx) are tolerated;
//  - RFC 3339 / W3C Datetime (Atom, JSON Feed, sitemaps): "2023-03-16", "2023-03-16T10:30Z",
//    "2023-03-16T10:30:00.123+07:00", "2023-03-16 10:30:00+0700".
// Output: "YYYY-MM-DDTHH:MM:SS+HH:MM" ("Z" and named zones become numeric offsets, fractions of a
// second are dropped); "YYYY-MM-DD" for a date without time; "YYYY-MM-DDTHH:MM:SS" (no offset)
// when the input has a time but no zone: the offset is never invented here.
// Returns "" for anything else, including out-of-range fields (month 13, 31 April, hour 24) and
// year-only or month-only dates (never completed with an invented day).
#pragma once

#include <string>
#include <string_view>

namespace newscrawl {

std::string ParseFeedDate(std::string_view text);

}  // namespace newscrawl
