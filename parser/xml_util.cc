#include "parser/xml_util.h"

#include <cctype>
#include <cstdint>
#include <cstdlib>

namespace newscrawl::xml {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

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

// The references seen in feed descriptions: markup, punctuation, and the Latin-1 letters that
// Vietnamese text uses (others arrive as numeric references).
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

// Decodes the reference starting at html[i] == '&'; on success appends it and advances `i` past
// the ';'. Unknown or malformed references are left as text.
bool DecodeReference(std::string_view html, size_t* i, std::string* out) {
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

enum class TagKind { kNotATag, kInline, kBlock };

// Only known HTML tag names are markup: a title such as "Giá <tăng> mạnh" keeps its text.
// Inline tags (<b>, </em>, <a href=...>) do not separate words; the others do ("a<br>b").
TagKind ClassifyTag(std::string_view tag) {
  if (!tag.empty() && tag[0] == '/') tag.remove_prefix(1);
  size_t end = 0;
  while (end < tag.size() && std::isalnum(static_cast<unsigned char>(tag[end]))) ++end;
  if (end < tag.size() && !std::isspace(static_cast<unsigned char>(tag[end])) && tag[end] != '/') {
    return TagKind::kNotATag;
  }
  std::string name(tag.substr(0, end));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const char* kInline[] = {"a",    "abbr",   "b",    "cite", "code", "em",
                                  "font", "i",      "mark", "q",    "s",    "small",
                                  "span", "strong", "sub",  "sup",  "u"};
  static const char* kBlock[] = {
      "article", "aside", "blockquote", "br",      "caption", "center",  "dd",     "div",
      "dl",      "dt",    "figcaption", "figure",  "footer",  "h1",      "h2",     "h3",
      "h4",      "h5",    "h6",         "header",  "hr",      "iframe",  "img",    "li",
      "nav",     "ol",    "p",          "picture", "pre",     "section", "source", "table",
      "tbody",   "td",    "th",         "thead",   "tr",      "ul",      "video"};
  for (const char* t : kInline) {
    if (name == t) return TagKind::kInline;
  }
  for (const char* t : kBlock) {
    if (name == t) return TagKind::kBlock;
  }
  return TagKind::kNotATag;
}

}  // namespace

std::string_view LocalName(std::string_view qualified_name) {
  size_t colon = qualified_name.rfind(':');
  return colon == std::string_view::npos ? qualified_name : qualified_name.substr(colon + 1);
}

bool LocalNameIs(const pugi::xml_node& node, std::string_view local_name) {
  return node.type() == pugi::node_element && EqualsIgnoreCase(LocalName(node.name()), local_name);
}

pugi::xml_node Child(const pugi::xml_node& parent, std::string_view local_name) {
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (LocalNameIs(child, local_name)) return child;
  }
  return pugi::xml_node();
}

std::vector<pugi::xml_node> Children(const pugi::xml_node& parent, std::string_view local_name) {
  std::vector<pugi::xml_node> found;
  for (pugi::xml_node child = parent.first_child(); child; child = child.next_sibling()) {
    if (LocalNameIs(child, local_name)) found.push_back(child);
  }
  return found;
}

std::string_view Attribute(const pugi::xml_node& node, std::string_view local_name) {
  for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
    if (EqualsIgnoreCase(LocalName(a.name()), local_name)) return a.value();
  }
  return {};
}

std::string NodeText(const pugi::xml_node& node) {
  std::string text;
  if (!node) return text;
  // Iterative pre-order walk bounded to `node`'s subtree: no recursion on deep documents.
  pugi::xml_node current = node.first_child();
  while (current) {
    if (current.type() == pugi::node_pcdata || current.type() == pugi::node_cdata) {
      text += current.value();
    }
    if (current.first_child()) {
      current = current.first_child();
      continue;
    }
    while (current && current != node && !current.next_sibling()) current = current.parent();
    if (!current || current == node) break;
    current = current.next_sibling();
  }
  return text;
}

std::string CollapseWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xA0) {
      space = true;  // U+00A0 NO-BREAK SPACE
      ++i;
    }
    if (space) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

std::string CleanText(const pugi::xml_node& node) { return CollapseWhitespace(NodeText(node)); }

std::string HtmlToText(std::string_view html) {
  std::string text;
  text.reserve(html.size());
  for (size_t i = 0; i < html.size(); ++i) {
    char c = html[i];
    if (c == '<') {
      if (html.substr(i, 4) == "<!--") {
        size_t end = html.find("-->", i + 4);
        i = end == std::string_view::npos ? html.size() : end + 2;
        text.push_back(' ');
        continue;
      }
      size_t end = html.find('>', i);
      if (end != std::string_view::npos) {
        TagKind kind = ClassifyTag(html.substr(i + 1, end - i - 1));
        if (kind != TagKind::kNotATag) {
          if (kind == TagKind::kBlock) text.push_back(' ');
          i = end;
          continue;
        }
      }
    } else if (c == '&' && DecodeReference(html, &i, &text)) {
      continue;
    }
    text.push_back(c);
  }
  return CollapseWhitespace(text);
}

Status LoadXml(std::string_view body, pugi::xml_document* doc, size_t* error_offset) {
  pugi::xml_parse_result result =
      doc->load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_auto);
  *error_offset = static_cast<size_t>(result.offset);
  if (result) return Status::Ok();
  return Status::InvalidArgument("XML error at byte " + std::to_string(result.offset) + ": " +
                                 result.description());
}

bool ElementComplete(const pugi::xml_node& element, std::string_view body, size_t error_offset) {
  if (element.type() != pugi::node_element) return false;
  size_t start = static_cast<size_t>(element.offset_debug());
  if (start >= body.size() || error_offset > body.size()) return false;
  std::string closing = std::string("</") + element.name();
  size_t close = body.find(closing, start);
  if (close != std::string_view::npos && close + closing.size() <= error_offset) return true;
  // <url/>: self-closed before the error.
  size_t tag_end = body.find('>', start);
  return tag_end != std::string_view::npos && tag_end < error_offset && body[tag_end - 1] == '/';
}

}  // namespace newscrawl::xml
