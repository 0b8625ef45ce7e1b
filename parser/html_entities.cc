#include "parser/html_entities.h"

#include <cstdint>
#include <cstdlib>

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

// The named references seen in feeds, JSON-LD and meta values: markup, punctuation, and the
// Latin-1 letters that Vietnamese text uses (others arrive as numeric references).
const NamedEntity kEntities[] = {
    {"amp", '&'},      {"lt", '<'},        {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
    {"nbsp", 0xA0},    {"hellip", 0x2026}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"lsquo", 0x2018},
    {"rsquo", 0x2019}, {"ldquo", 0x201C},  {"rdquo", 0x201D}, {"laquo", 0xAB},   {"raquo", 0xBB},
    {"copy", 0xA9},    {"reg", 0xAE},      {"Agrave", 0xC0},  {"Aacute", 0xC1},  {"Acirc", 0xC2},
    {"Atilde", 0xC3},  {"Egrave", 0xC8},   {"Eacute", 0xC9},  {"Ecirc", 0xCA},   {"Igrave", 0xCC},
    {"Iacute", 0xCD},  {"Ograve", 0xD2},   {"Oacute", 0xD3},  {"Ocirc", 0xD4},   {"Otilde", 0xD5},
    {"Ugrave", 0xD9},  {"Uacute", 0xDA},   {"Yacute", 0xDD},  {"agrave", 0xE0},  {"aacute", 0xE1},
    {"acirc", 0xE2},   {"atilde", 0xE3},   {"egrave", 0xE8},  {"eacute", 0xE9},  {"ecirc", 0xEA},
    {"igrave", 0xEC},  {"iacute", 0xED},   {"ograve", 0xF2},  {"oacute", 0xF3},  {"ocirc", 0xF4},
    {"otilde", 0xF5},  {"ugrave", 0xF9},   {"uacute", 0xFA},  {"yacute", 0xFD},
};

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
    const NamedEntity* found = nullptr;
    for (const NamedEntity& e : kEntities) {
      if (name == e.name) found = &e;
    }
    if (found == nullptr) return false;
    AppendUtf8(found->code_point, out);
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
