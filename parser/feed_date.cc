#include "parser/feed_date.h"

#include <cstdio>
#include <optional>

namespace newscrawl {
namespace {

struct DateTime {
  int year = 0, month = 0, day = 0;
  bool has_time = false;
  int hour = 0, minute = 0, second = 0;
  std::optional<int> offset_minutes;  // east of UTC
};

// A tiny cursor over the input: every Parse* consumes on success and leaves `pos` alone on failure.
struct Cursor {
  std::string_view s;
  size_t pos = 0;

  bool Done() const { return pos >= s.size(); }
  char Peek() const { return Done() ? '\0' : s[pos]; }
  void SkipSpaces() {
    while (!Done() && (s[pos] == ' ' || s[pos] == '\t' || s[pos] == '\r' || s[pos] == '\n')) ++pos;
  }
  bool Consume(char c) {
    if (Peek() != c) return false;
    ++pos;
    return true;
  }
  // Reads between min_digits and max_digits decimal digits.
  std::optional<int> Number(size_t min_digits, size_t max_digits) {
    size_t start = pos;
    int value = 0;
    while (!Done() && pos - start < max_digits && s[pos] >= '0' && s[pos] <= '9') {
      value = value * 10 + (s[pos] - '0');
      ++pos;
    }
    if (pos - start < min_digits) {
      pos = start;
      return std::nullopt;
    }
    return value;
  }
  std::string Word() {
    std::string word;
    while (!Done() && ((s[pos] >= 'A' && s[pos] <= 'Z') || (s[pos] >= 'a' && s[pos] <= 'z'))) {
      word.push_back(static_cast<char>(s[pos] | 0x20));  // lower-case
      ++pos;
    }
    return word;
  }
};

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

bool Valid(const DateTime& d) {
  if (d.year < 1900 || d.year > 9999 || d.month < 1 || d.month > 12) return false;
  if (d.day < 1 || d.day > DaysInMonth(d.year, d.month)) return false;
  if (d.hour > 23 || d.minute > 59 || d.second > 60) return false;
  if (d.offset_minutes && (*d.offset_minutes > 14 * 60 || *d.offset_minutes < -14 * 60)) {
    return false;
  }
  return true;
}

std::string Format(const DateTime& d) {
  char buf[40];
  if (!d.has_time) {
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
  }
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", d.year, d.month, d.day,
                        d.hour, d.minute, d.second);
  if (d.offset_minutes) {
    int off = *d.offset_minutes;
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    std::snprintf(buf + n, sizeof buf - n, "%c%02d:%02d", sign, off / 60, off % 60);
  }
  return buf;
}

// "+0700", "+07:00", "+07", "-5" (after GMT). Returns minutes east of UTC.
std::optional<int> ParseNumericOffset(Cursor& c, bool allow_short_hours) {
  size_t start = c.pos;
  int sign = c.Consume('+') ? 1 : c.Consume('-') ? -1 : 0;
  if (sign == 0) return std::nullopt;
  std::optional<int> hours = c.Number(allow_short_hours ? 1 : 2, 2);
  if (!hours) {
    c.pos = start;
    return std::nullopt;
  }
  int minutes = 0;
  bool colon = c.Consume(':');
  if (std::optional<int> m = c.Number(2, 2)) {
    minutes = *m;
  } else if (colon) {
    c.pos = start;
    return std::nullopt;
  }
  if (minutes > 59) {
    c.pos = start;
    return std::nullopt;
  }
  return sign * (*hours * 60 + minutes);
}

std::optional<int> NamedZoneOffset(const std::string& zone) {
  struct Zone {
    const char* name;
    int hours;
  };
  static const Zone kZones[] = {{"gmt", 0},  {"ut", 0},   {"utc", 0},  {"z", 0},
                                {"est", -5}, {"edt", -4}, {"cst", -6}, {"cdt", -5},
                                {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7}};
  for (const Zone& z : kZones) {
    if (zone == z.name) return z.hours * 60;
  }
  return std::nullopt;
}

// Zone after an RFC 822 time: numeric, named, or named + numeric ("GMT+7").
bool ParseRfc822Zone(Cursor& c, DateTime* d) {
  c.SkipSpaces();
  if (c.Done()) return true;  // no zone: the offset stays unknown
  if (std::optional<int> off = ParseNumericOffset(c, false)) {
    d->offset_minutes = off;
  } else {
    std::string zone = c.Word();
    std::optional<int> named = NamedZoneOffset(zone);
    if (!named) return false;
    d->offset_minutes = named;
    if (std::optional<int> extra = ParseNumericOffset(c, true)) *d->offset_minutes += *extra;
  }
  c.SkipSpaces();
  if (c.Consume('(')) return true;  // "+0000 (UTC)" comments
  return c.Done();
}

std::optional<int> MonthFromName(const std::string& name) {
  static const char* kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                  "jul", "aug", "sep", "oct", "nov", "dec"};
  if (name.size() < 3) return std::nullopt;
  for (int i = 0; i < 12; ++i) {
    if (name.compare(0, 3, kMonths[i]) == 0) return i + 1;
  }
  return std::nullopt;
}

bool ParseTime(Cursor& c, DateTime* d) {
  std::optional<int> h = c.Number(1, 2);
  if (!h || !c.Consume(':')) return false;
  std::optional<int> m = c.Number(2, 2);
  if (!m) return false;
  d->hour = *h;
  d->minute = *m;
  if (c.Consume(':')) {
    std::optional<int> s = c.Number(2, 2);
    if (!s) return false;
    d->second = *s;
    if (c.Consume('.') || c.Consume(',')) {
      if (!c.Number(1, 9)) return false;  // fraction of a second: dropped
      while (c.Number(1, 9)) {
      }
    }
  }
  d->has_time = true;
  return true;
}

std::optional<DateTime> ParseRfc822(std::string_view text) {
  Cursor c{text};
  DateTime d;
  c.SkipSpaces();
  size_t before_day = c.pos;
  if (!c.Word().empty()) {  // optional day name ("Wed,")
    c.Consume(',');
    c.SkipSpaces();
  } else {
    c.pos = before_day;
  }
  std::optional<int> day = c.Number(1, 2);
  if (!day) return std::nullopt;
  c.SkipSpaces();
  c.Consume('-');  // "16-Mar-2023" is seen in the wild
  std::optional<int> month = MonthFromName(c.Word());
  if (!month) return std::nullopt;
  c.Consume('-');
  c.Consume('.');
  c.SkipSpaces();
  size_t year_start = c.pos;
  std::optional<int> year = c.Number(2, 4);
  if (!year || c.pos - year_start == 3) return std::nullopt;
  if (c.pos - year_start == 2) *year += *year < 50 ? 2000 : 1900;
  d.day = *day;
  d.month = *month;
  d.year = *year;
  c.SkipSpaces();
  if (!c.Done()) {
    if (!ParseTime(c, &d) || !ParseRfc822Zone(c, &d)) return std::nullopt;
  }
  return d;
}

std::optional<DateTime> ParseIso(std::string_view text) {
  Cursor c{text};
  DateTime d;
  c.SkipSpaces();
  std::optional<int> year = c.Number(4, 4);
  if (!year || !c.Consume('-')) return std::nullopt;  // year-only dates are not enough
  std::optional<int> month = c.Number(2, 2);
  if (!month || !c.Consume('-')) return std::nullopt;  // month-only dates neither
  std::optional<int> day = c.Number(2, 2);
  if (!day) return std::nullopt;
  d.year = *year;
  d.month = *month;
  d.day = *day;
  if (c.Consume('T') || c.Consume('t') || c.Consume(' ')) {
    if (!ParseTime(c, &d)) return std::nullopt;
    c.SkipSpaces();
    if (c.Consume('Z') || c.Consume('z')) {
      d.offset_minutes = 0;
    } else if (std::optional<int> off = ParseNumericOffset(c, false)) {
      d.offset_minutes = off;
    }
  }
  c.SkipSpaces();
  if (!c.Done()) return std::nullopt;
  return d;
}

}  // namespace

std::string ParseFeedDate(std::string_view text) {
  std::optional<DateTime> d = ParseIso(text);
  if (!d) d = ParseRfc822(text);
  if (!d || !Valid(*d)) return "";
  return Format(*d);
}

}  // namespace newscrawl
