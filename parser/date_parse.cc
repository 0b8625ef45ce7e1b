// Date readers: see date_parse.h. The tokens and shapes are in date_tokens.h.
#include "parser/date_parse.h"

#include <cstdio>
#include <string>
#include <vector>

#include "parser/date_tokens.h"

namespace newscrawl {

using date_tokens::IsNum;
using date_tokens::IsPunct;
using date_tokens::IsWord;
using date_tokens::Token;

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The date of a feed value at token 0: "2023-03-16" (RFC 3339) or "[Wed,] 16[-]Mar[-]2023"
// (RFC 822, two-digit years allowed). Returns the token after it, or 0 when there is none.
size_t MatchFeedDate(const std::vector<Token>& t, DateTimeParts* d) {
  if (IsNum(t, 0, 4, 4) && IsPunct(t, 1, '-') && IsNum(t, 2, 1, 2) && IsPunct(t, 3, '-') &&
      IsNum(t, 4, 1, 2)) {
    d->year = t[0].value, d->month = t[2].value, d->day = t[4].value;
    return 5;
  }
  size_t i = 0;
  if (i < t.size() && t[i].kind == Token::kWord && date_tokens::MonthFromWord(t[i].word) == 0) {
    ++i;  // day name
    if (IsPunct(t, i, ',')) ++i;
  }
  if (!IsNum(t, i, 1, 2)) return 0;
  d->day = t[i++].value;
  if (IsPunct(t, i, '-')) ++i;
  if (i >= t.size() || t[i].kind != Token::kWord) return 0;
  d->month = date_tokens::MonthFromWord(t[i++].word);
  if (d->month == 0) return 0;
  if (IsPunct(t, i, '-') || IsPunct(t, i, '.')) ++i;
  if (!IsNum(t, i, 2, 4) || t[i].digits == 3) return 0;
  d->year = t[i].value;
  if (t[i].digits == 2) d->year += d->year < 50 ? 2000 : 1900;
  return i + 1;
}

}  // namespace

std::string ParseFeedDate(std::string_view text) {
  if (text.size() > 200) return "";  // feed dates are short; longer values are not one date
  const std::vector<Token> t = date_tokens::Tokenize(text);
  DateTimeParts d;
  size_t i = MatchFeedDate(t, &d);
  if (i == 0 || !IsValidDay(d.year, d.month, d.day)) return "";
  if (i < t.size()) {
    if (IsWord(t, i, "t")) ++i;  // RFC 3339's "T" between date and time
    size_t end = 0;
    if (!date_tokens::MatchTimeAt(t, i, d, end)) return "";
    i = end;
    if (date_tokens::MatchOffsetAt(t, i, d, end)) {
      i = end;
    } else if ((IsPunct(t, i, '+') || IsPunct(t, i, '-')) && IsNum(t, i + 1, 2, 2) &&
               i + 2 == t.size() && t[i + 1].value <= 14) {
      d.has_offset = true;  // "+07": hours only, at the very end
      d.offset_minutes = (t[i].punct == '-' ? -60 : 60) * t[i + 1].value;
      i += 2;
    }
    // Nothing may follow but a comment: "+0000 (UTC)".
    if (i < t.size() && !IsPunct(t, i, '(')) return "";
  }
  return FormatIsoDate(d);
}

bool IsValidDay(int year, int month, int day) {
  if (year < 1990 || year > 2100 || month < 1 || month > 12 || day < 1) return false;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (day > kDays[month - 1]) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return !(month == 2 && day == 29 && !leap);
}

std::optional<DateTimeParts> FindDateInText(std::string_view text, DayMonthOrder order) {
  std::vector<Token> tokens = date_tokens::Tokenize(text.substr(0, 2000));
  for (size_t i = 0; i < tokens.size(); ++i) {
    date_tokens::Match m;
    if (date_tokens::MatchDateAt(tokens, i, order, m)) {
      date_tokens::AttachTime(tokens, m);
      return m.date;
    }
  }
  return std::nullopt;
}

std::optional<DateTimeParts> ParseMachineDate(std::string_view text) {
  // Machine values are written year first or in RFC 822 form; US slashes are rare but exist.
  return FindDateInText(text, DayMonthOrder::kDayFirst);
}

std::optional<DateTimeParts> DateFromUrl(std::string_view url) {
  size_t scheme = url.find("://");
  size_t path = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  if (path == std::string_view::npos) return std::nullopt;
  std::string_view p = url.substr(path, url.find_first_of("?#", path) - path);
  auto number_at = [&](size_t i, size_t n) {
    int v = 0;
    for (size_t k = 0; k < n; ++k) {
      if (i + k >= p.size() || !IsDigit(p[i + k])) return -1;
      v = v * 10 + (p[i + k] - '0');
    }
    return v;
  };
  for (size_t i = 0; i < p.size(); ++i) {
    if (!IsDigit(p[i]) || (i > 0 && IsDigit(p[i - 1]))) continue;
    size_t run = i;
    while (run < p.size() && IsDigit(p[run])) ++run;
    size_t len = run - i;
    int year = number_at(i, 4);
    if (len == 4 && run < p.size() && (p[run] == '/' || p[run] == '-' || p[run] == '_')) {
      // /2023/03/16/ or 2023-03-16 (month and day one or two digits, same separator).
      char sep = p[run];
      size_t m0 = run + 1, m1 = m0;
      while (m1 < p.size() && IsDigit(p[m1])) ++m1;
      if (m1 - m0 < 1 || m1 - m0 > 2 || m1 >= p.size() || p[m1] != sep) continue;
      size_t d0 = m1 + 1, d1 = d0;
      while (d1 < p.size() && IsDigit(p[d1])) ++d1;
      if (d1 - d0 < 1 || d1 - d0 > 2) continue;
      int month = number_at(m0, m1 - m0), day = number_at(d0, d1 - d0);
      if (IsValidDay(year, month, day)) return DateTimeParts{year, month, day};
    } else if (len >= 8 && len <= 17) {
      // 20230316, 20230316103000123 (date followed by a time and milliseconds)
      int month = number_at(i + 4, 2), day = number_at(i + 6, 2);
      if (IsValidDay(year, month, day)) return DateTimeParts{year, month, day};
    }
  }
  return std::nullopt;
}

std::string FormatIsoDate(const DateTimeParts& d) {
  char buf[64];
  if (!d.has_time) {
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", d.year, d.month, d.day);
    return buf;
  }
  int n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d", d.year, d.month, d.day,
                        d.hour, d.minute, d.second);
  if (d.has_offset) {
    int off = d.offset_minutes;
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    std::snprintf(buf + n, sizeof(buf) - static_cast<size_t>(n), "%c%02d:%02d", sign, off / 60,
                  off % 60);
  }
  return buf;
}

}  // namespace newscrawl