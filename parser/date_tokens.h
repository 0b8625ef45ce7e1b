// The date tokenizer and matchers behind date_parse.h (internal to parser/): text is cut into
// tokens (numbers, words, punctuation) and matched against a few date, time and offset shapes;
// no regular expressions (std::regex is slow). Pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "parser/date_parse.h"

namespace newscrawl::date_tokens {

struct Token {
  enum Kind { kNumber, kWord, kPunct };
  explicit Token(Kind k) : kind(k) {}
  Kind kind;
  bool space_before = false;  // whitespace separates this token from the previous one
  int value = 0;              // numbers: the value (-1 when longer than 9 digits)
  int digits = 0;             // numbers: how many digits were written
  std::string word;           // words: ASCII-lower-cased text
  char punct = 0;             // punctuation: the character ('-' also for en/em dashes)
};

// At most 400 tokens: dates sit near the start of what callers pass.
std::vector<Token> Tokenize(std::string_view s);

// 1..12 for a month name or abbreviation (English, German, French, Spanish, Italian,
// Portuguese, Dutch; lower-case), 0 otherwise.
int MonthFromWord(const std::string& w);

bool IsNum(const std::vector<Token>& t, size_t i, int min_digits, int max_digits);
bool IsPunct(const std::vector<Token>& t, size_t i, char c);
bool IsWord(const std::vector<Token>& t, size_t i, const char* w);

struct Match {
  DateTimeParts date;
  size_t begin = 0, end = 0;  // token range of the date
};

// Tries every date shape of free text at token i (FindDateInText's list).
bool MatchDateAt(const std::vector<Token>& t, size_t i, DayMonthOrder order, Match& m);
// A time at token i: 10:30, 10:30:15, 10h30, 4:05 pm, 10:30:00.123. Sets `end` past it.
bool MatchTimeAt(const std::vector<Token>& t, size_t i, DateTimeParts& d, size_t& end);
// An offset at token i: +07:00, +0700, +07, GMT+7, UTC-05:00, (GMT+7), Z, GMT, UT, ICT, EST...
// Sets `end` past it.
bool MatchOffsetAt(const std::vector<Token>& t, size_t i, DateTimeParts& d, size_t& end);
// Attaches a time (after the date, else just before it) and an offset after the time.
void AttachTime(const std::vector<Token>& t, Match& m);

}  // namespace newscrawl::date_tokens
