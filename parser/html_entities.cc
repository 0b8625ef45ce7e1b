#include "parser/html_entities.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace newscrawl {
namespace {

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

struct NamedEntity {
  const char* name;
  uint32_t code_point;
};

// The named references seen in feeds, JSON-LD and meta values: markup and punctuation beyond
// Latin-1. All of Latin-1 (U+00A0..U+00FF: German, French, Nordic, Spanish letters...) is
// kLatin1 below; other letters arrive as numeric references.
const NamedEntity kEntities[] = {
    {"amp", '&'},      {"lt", '<'},        {"gt", '>'},        {"quot", '"'},
    {"apos", '\''},    {"hellip", 0x2026}, {"ndash", 0x2013},  {"mdash", 0x2014},
    {"lsquo", 0x2018}, {"rsquo", 0x2019},  {"ldquo", 0x201C},  {"rdquo", 0x201D},
    {"sbquo", 0x201A}, {"bdquo", 0x201E},  {"lsaquo", 0x2039}, {"rsaquo", 0x203A},
    {"bull", 0x2022},  {"euro", 0x20AC},   {"trade", 0x2122},  {"OElig", 0x152},
    {"oelig", 0x153},  {"Scaron", 0x160},  {"scaron", 0x161},  {"Yuml", 0x178},
    {"zwnj", 0x200C},  {"zwj", 0x200D},    {"thinsp", 0x2009}, {"ensp", 0x2002},
    {"emsp", 0x2003},  {"dagger", 0x2020}, {"Dagger", 0x2021}, {"permil", 0x2030},
};

// The HTML names of U+00A0..U+00FF, in code point order.
const char* const kLatin1[] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",
    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn",
    "sup2",   "sup3",   "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",
    "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde",
    "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave",
    "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde",
    "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
    "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",   "eth",
    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};

// The code point named `name`, or 0.
uint32_t NamedCodePoint(std::string_view name) {
  for (const NamedEntity& e : kEntities) {
    if (name == e.name) return e.code_point;
  }
  for (uint32_t k = 0; k < sizeof(kLatin1) / sizeof(kLatin1[0]); ++k) {
    if (name == kLatin1[k]) return 0xA0 + k;
  }
  return 0;
}

}  // namespace

bool DecodeCharacterReference(std::string_view html, size_t* i, std::string* out) {
  size_t semi = html.find(';', *i);
  if (semi == std::string_view::npos || semi - *i > 10 || semi == *i + 1) return false;
  std::string_view name = html.substr(*i + 1, semi - *i - 1);
  if (name[0] == '#') {
    bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    std::string digits(name.substr(hex ? 2 : 1));
    if (digits.empty()) return false;
    char* end = nullptr;
    unsigned long cp = std::strtoul(digits.c_str(), &end, hex ? 16 : 10);
    if (*end != '\0') return false;
    AppendUtf8(static_cast<uint32_t>(cp > 0x10FFFF ? 0xFFFD : cp), out);
  } else {
    const uint32_t code_point = NamedCodePoint(name);
    if (code_point == 0) return false;
    AppendUtf8(code_point, out);
  }
  *i = semi;
  return true;
}

std::string DecodeCharacterReferences(std::string_view text) {
  std::string out;
  if (text.find('&') == std::string_view::npos) return std::string(text);
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&' || !DecodeCharacterReference(text, &i, &out)) out.push_back(text[i]);
  }
  return out;
}

}  // namespace newscrawl
