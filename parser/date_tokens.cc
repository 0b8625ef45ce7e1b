#include "parser/date_tokens.h"

#include <algorithm>

namespace newscrawl::date_tokens {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> tokens;
  size_t i = 0;
  bool space = false;
  auto push = [&](Token t) {
    t.space_before = space;
    space = false;
    tokens.push_back(std::move(t));
  };
  while (i < s.size() && tokens.size() < 400) {
    auto c = static_cast<unsigned char>(s[i]);
    if (IsDigit(s[i])) {
      Token t(Token::kNumber);
      while (i < s.size() && IsDigit(s[i])) {
        if (t.digits < 9) t.value = t.value * 10 + (s[i] - '0');
        ++t.digits;
        ++i;
      }
      if (t.digits > 9) t.value = -1;
      push(std::move(t));
    } else if (IsAsciiAlpha(s[i]) || c >= 0x80) {
      // U+00A0 (C2 A0) is a space; U+2010..U+2015 (E2 80 90..95) are dashes.
      if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
        i += 2;
        space = true;
        continue;
      }
      if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80) {
        auto d = static_cast<unsigned char>(s[i + 2]);
        Token t(Token::kPunct);
        t.punct = (d >= 0x90 && d <= 0x95) ? '-' : '|';
        push(std::move(t));
        i += 3;
        continue;
      }
      Token t(Token::kWord);
      while (i < s.size() && (IsAsciiAlpha(s[i]) || static_cast<unsigned char>(s[i]) >= 0x80)) {
        if (static_cast<unsigned char>(s[i]) == 0xC2 && i + 1 < s.size() &&
            static_cast<unsigned char>(s[i + 1]) == 0xA0) {
          break;
        }
        if (static_cast<unsigned char>(s[i]) == 0xE2) break;
        char ch = s[i];
        t.word.push_back((ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch);
        ++i;
      }
      if (t.word.empty()) {
        ++i;  // a lone continuation byte
        continue;
      }
      push(std::move(t));
    } else if (c <= ' ') {
      space = true;
      ++i;
    } else {
      Token t(Token::kPunct);
      t.punct = s[i];
      push(std::move(t));
      ++i;
    }
  }
  return tokens;
}

// Month names and abbreviations: English, German, French, Spanish, Italian, Portuguese, Dutch.
int MonthFromWord(const std::string& w) {
  struct Name {
    const char* name;
    int month;
  };
  static const Name kNames[] = {
      {"january", 1},    {"jan", 1},        {"januar", 1},     {"jänner", 1},    {"janvier", 1},
      {"janv", 1},       {"enero", 1},      {"gennaio", 1},    {"janeiro", 1},   {"januari", 1},
      {"february", 2},   {"feb", 2},        {"februar", 2},    {"février", 2},   {"fevrier", 2},
      {"févr", 2},       {"fevr", 2},       {"febrero", 2},    {"febbraio", 2},  {"fevereiro", 2},
      {"februari", 2},   {"march", 3},      {"mar", 3},        {"märz", 3},      {"maerz", 3},
      {"mär", 3},        {"mars", 3},       {"marzo", 3},      {"março", 3},     {"maart", 3},
      {"april", 4},      {"apr", 4},        {"avril", 4},      {"avr", 4},       {"abril", 4},
      {"aprile", 4},     {"may", 5},        {"mai", 5},        {"mayo", 5},      {"maggio", 5},
      {"maio", 5},       {"mei", 5},        {"june", 6},       {"jun", 6},       {"juni", 6},
      {"juin", 6},       {"junio", 6},      {"giugno", 6},     {"junho", 6},     {"july", 7},
      {"jul", 7},        {"juli", 7},       {"juillet", 7},    {"juil", 7},      {"julio", 7},
      {"luglio", 7},     {"julho", 7},      {"august", 8},     {"aug", 8},       {"août", 8},
      {"aout", 8},       {"agosto", 8},     {"augustus", 8},   {"september", 9}, {"sep", 9},
      {"sept", 9},       {"septembre", 9},  {"septiembre", 9}, {"settembre", 9}, {"setembro", 9},
      {"october", 10},   {"oct", 10},       {"oktober", 10},   {"okt", 10},      {"octobre", 10},
      {"octubre", 10},   {"ottobre", 10},   {"outubro", 10},   {"november", 11}, {"nov", 11},
      {"novembre", 11},  {"noviembre", 11}, {"novembro", 11},  {"december", 12}, {"dec", 12},
      {"dezember", 12},  {"dez", 12},       {"décembre", 12},  {"decembre", 12}, {"déc", 12},
      {"diciembre", 12}, {"dicembre", 12},  {"dezembro", 12},
  };
  for (const Name& n : kNames) {
    if (w == n.name) return n.month;
  }
  return 0;
}

bool IsNum(const std::vector<Token>& t, size_t i, int min_digits, int max_digits) {
  return i < t.size() && t[i].kind == Token::kNumber && t[i].digits >= min_digits &&
         t[i].digits <= max_digits;
}
bool IsPunct(const std::vector<Token>& t, size_t i, char c) {
  return i < t.size() && t[i].kind == Token::kPunct && t[i].punct == c;
}
bool IsWord(const std::vector<Token>& t, size_t i, const char* w) {
  return i < t.size() && t[i].kind == Token::kWord && t[i].word == w;
}
bool IsDateSeparator(const std::vector<Token>& t, size_t i) {
  return IsPunct(t, i, '-') || IsPunct(t, i, '/') || IsPunct(t, i, '.');
}

// Tries every date shape at token i.
bool MatchDateAt(const std::vector<Token>& t, size_t i, DayMonthOrder order, Match& m) {
  DateTimeParts& d = m.date;
  m.begin = i;
  // 2023-03-16, 2023/03/16, 2023.03.16
  if (IsNum(t, i, 4, 4) && IsDateSeparator(t, i + 1) && IsNum(t, i + 2, 1, 2) &&
      IsPunct(t, i + 3, t[i + 1].punct) && IsNum(t, i + 4, 1, 2)) {
    d.year = t[i].value, d.month = t[i + 2].value, d.day = t[i + 4].value;
    m.end = i + 5;
    return IsValidDay(d.year, d.month, d.day);
  }
  // 16/03/2023, 16-3-2023, 16.03.2023 (03/16/2023 when the first number cannot be a month)
  if (IsNum(t, i, 1, 2) && IsDateSeparator(t, i + 1) && IsNum(t, i + 2, 1, 2) &&
      IsPunct(t, i + 3, t[i + 1].punct) && IsNum(t, i + 4, 4, 4)) {
    int a = t[i].value, b = t[i + 2].value;
    bool month_first = (order == DayMonthOrder::kMonthFirst && a <= 12) || (b > 12 && a <= 12);
    d.year = t[i + 4].value;
    d.day = month_first ? b : a;
    d.month = month_first ? a : b;
    m.end = i + 5;
    return IsValidDay(d.year, d.month, d.day);
  }
  // 16 tháng 3 năm 2023, 16 tháng 03, 2023, 16 tháng 3/2023
  if (IsNum(t, i, 1, 2) && IsWord(t, i + 1, "tháng") && IsNum(t, i + 2, 1, 2)) {
    size_t j = i + 3;
    if (IsWord(t, j, "năm") || IsPunct(t, j, ',') || IsPunct(t, j, '/')) ++j;
    if (IsNum(t, j, 4, 4)) {
      d.day = t[i].value, d.month = t[i + 2].value, d.year = t[j].value;
      m.end = j + 1;
      return IsValidDay(d.year, d.month, d.day);
    }
  }
  // 16 March 2023, 16. März 2023, 1er mars 2023, 16 de marzo de 2023, 16th Mar, 2023
  if (IsNum(t, i, 1, 2)) {
    size_t j = i + 1;
    if (IsPunct(t, j, '.')) ++j;
    if (IsWord(t, j, "st") || IsWord(t, j, "nd") || IsWord(t, j, "rd") || IsWord(t, j, "th") ||
        IsWord(t, j, "er")) {
      ++j;
    }
    if (IsWord(t, j, "de") || IsWord(t, j, "of")) ++j;
    if (j < t.size() && t[j].kind == Token::kWord && MonthFromWord(t[j].word) != 0) {
      int month = MonthFromWord(t[j].word);
      ++j;
      if (IsPunct(t, j, '.')) ++j;
      if (IsWord(t, j, "de") || IsPunct(t, j, ',')) ++j;
      if (IsNum(t, j, 4, 4)) {
        d.day = t[i].value, d.month = month, d.year = t[j].value;
        m.end = j + 1;
        return IsValidDay(d.year, d.month, d.day);
      }
    }
  }
  // March 16, 2023; Mar. 16th 2023
  if (i < t.size() && t[i].kind == Token::kWord && MonthFromWord(t[i].word) != 0) {
    size_t j = i + 1;
    if (IsPunct(t, j, '.')) ++j;
    if (IsNum(t, j, 1, 2)) {
      int day = t[j].value;
      ++j;
      if (IsWord(t, j, "st") || IsWord(t, j, "nd") || IsWord(t, j, "rd") || IsWord(t, j, "th")) ++j;
      if (IsPunct(t, j, ',')) ++j;
      if (IsNum(t, j, 4, 4)) {
        d.day = day, d.month = MonthFromWord(t[i].word), d.year = t[j].value;
        m.end = j + 1;
        return IsValidDay(d.year, d.month, d.day);
      }
    }
  }
  return false;
}

// A time at token i: 10:30, 10:30:15, 10h30, 4:05 pm, 10:30:00.123. Sets `end` past it.
bool MatchTimeAt(const std::vector<Token>& t, size_t i, DateTimeParts& d, size_t& end) {
  if (!IsNum(t, i, 1, 2) || t[i].value > 23) return false;
  bool colon = IsPunct(t, i + 1, ':');
  if (!(colon || IsWord(t, i + 1, "h")) || !IsNum(t, i + 2, 2, 2) || t[i + 2].value > 59) {
    return false;
  }
  int hour = t[i].value, minute = t[i + 2].value, second = 0;
  size_t j = i + 3;
  if (colon && IsPunct(t, j, ':') && IsNum(t, j + 1, 2, 2) && t[j + 1].value <= 60) {
    second = std::min(t[j + 1].value, 59);
    j += 2;
    if (IsPunct(t, j, '.') && IsNum(t, j + 1, 1, 9)) j += 2;  // fraction
  }
  bool pm = IsWord(t, j, "pm") || (IsWord(t, j, "p") && IsPunct(t, j + 1, '.'));
  bool am = IsWord(t, j, "am") || (IsWord(t, j, "a") && IsPunct(t, j + 1, '.'));
  if ((am || pm) && hour >= 1 && hour <= 12) {
    hour = (hour % 12) + (pm ? 12 : 0);
    j += IsPunct(t, j + 1, '.') ? 4 : 1;  // "p.m." is p . m .
    if (j > t.size()) j = t.size();
  }
  d.has_time = true;
  d.hour = hour, d.minute = minute, d.second = second;
  end = j;
  return true;
}

bool MatchOffsetAt(const std::vector<Token>& t, size_t i, DateTimeParts& d, size_t& end) {
  if (IsPunct(t, i, '(')) ++i;
  bool named_utc =
      IsWord(t, i, "gmt") || IsWord(t, i, "utc") || IsWord(t, i, "ut") || IsWord(t, i, "z");
  if (named_utc) ++i;
  if (i < t.size() && t[i].kind == Token::kWord && !named_utc) {
    struct Zone {
      const char* name;
      int minutes;
    };
    static const Zone kZones[] = {{"ict", 420},  {"cet", 60},   {"cest", 120}, {"bst", 60},
                                  {"est", -300}, {"edt", -240}, {"cst", -360}, {"cdt", -300},
                                  {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420},
                                  {"jst", 540},  {"kst", 540}};
    for (const Zone& z : kZones) {
      if (t[i].word == z.name) {
        d.has_offset = true;
        d.offset_minutes = z.minutes;
        end = i + 1;
        return true;
      }
    }
    return false;
  }
  // A sign separated from its number ("10:30 - 11:15") is a range, not an offset.
  if ((IsPunct(t, i, '+') || IsPunct(t, i, '-')) && i + 1 < t.size() && !t[i + 1].space_before) {
    int sign = t[i].punct == '-' ? -1 : 1;
    int minutes = -1;
    size_t after = i + 2;
    if (IsNum(t, i + 1, 4, 4)) {
      minutes = (t[i + 1].value / 100) * 60 + t[i + 1].value % 100;
    } else if (IsNum(t, i + 1, 1, 2) && IsPunct(t, i + 2, ':') && IsNum(t, i + 3, 2, 2)) {
      minutes = t[i + 1].value * 60 + t[i + 3].value;
      after = i + 4;
    } else if (IsNum(t, i + 1, 1, 2) && named_utc) {
      minutes = t[i + 1].value * 60;
    }
    // Real offsets are whole, half or three-quarter hours up to 14 h; "10:30 - 11:15" is not one.
    if (minutes < 0 || minutes > 14 * 60 || (minutes % 60) % 15 != 0 || minutes % 60 == 15)
      return false;
    d.has_offset = true;
    d.offset_minutes = sign * minutes;
    end = after;
    return true;
  }
  if (named_utc) {
    d.has_offset = true;
    d.offset_minutes = 0;
    end = i;
    return true;
  }
  return false;
}

// Attaches a time (after the date, else just before it) and an offset after the time.
void AttachTime(const std::vector<Token>& t, Match& m) {
  DateTimeParts& d = m.date;
  size_t time_end = 0;
  // After the date: "16/03/2023 10:30", "2023-03-16T10:30", "16/3/2023 - 10:30", "at 4:05 pm".
  for (size_t j = m.end; j < t.size() && j <= m.end + 3; ++j) {
    if (MatchTimeAt(t, j, d, time_end)) break;
    if (t[j].kind == Token::kNumber) break;
  }
  if (!d.has_time && m.begin > 0) {
    // Before the date: "10:30 16/03/2023", "10:30 | 16-03-2023", "10:30 AM, 16/3/2023".
    size_t lo = m.begin >= 7 ? m.begin - 7 : 0;
    for (size_t j = lo; j < m.begin; ++j) {
      DateTimeParts probe = d;
      size_t end = 0;
      if (MatchTimeAt(t, j, probe, end) && end <= m.begin && m.begin - end <= 3) {
        d = probe;
        time_end = m.end;  // the offset, if any, follows the date
        break;
      }
    }
  }
  if (!d.has_time) return;
  for (size_t j = time_end; j < t.size() && j <= time_end + 2; ++j) {
    size_t offset_end = 0;
    if (MatchOffsetAt(t, j, d, offset_end)) return;
  }
}

}  // namespace newscrawl::date_tokens
