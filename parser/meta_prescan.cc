// The HTML standard's encoding prescan ("prescan a byte stream to determine its encoding",
// WHATWG HTML §13.2.3.2), limited to `limit` bytes. Declared in charset.h.
#include <string>
#include <string_view>

#include "common/text.h"

#include "parser/charset.h"

namespace newscrawl {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

struct Attribute {
  std::string name, value;
};

// "Get an attribute" from the standard: reads one attribute at `pos`, advancing it. Returns
// false when the tag ends ('>' or end of input) before an attribute name starts.
bool GetAttribute(std::string_view s, size_t& pos, Attribute& attr) {
  attr.name.clear();
  attr.value.clear();
  while (pos < s.size() && (text::IsAsciiSpace(s[pos]) || s[pos] == '/')) ++pos;
  if (pos >= s.size() || s[pos] == '>') return false;
  // Attribute name.
  while (pos < s.size()) {
    char c = s[pos];
    if (c == '=' && !attr.name.empty()) break;
    if (text::IsAsciiSpace(c)) break;
    if (c == '/' || c == '>') return true;  // attribute without value
    attr.name.push_back(text::AsciiLower(c));
    ++pos;
  }
  while (pos < s.size() && text::IsAsciiSpace(s[pos])) ++pos;
  if (pos >= s.size() || s[pos] != '=') return true;  // no value
  ++pos;
  while (pos < s.size() && text::IsAsciiSpace(s[pos])) ++pos;
  if (pos >= s.size()) return true;
  if (s[pos] == '"' || s[pos] == '\'') {
    char quote = s[pos++];
    while (pos < s.size() && s[pos] != quote) attr.value.push_back(text::AsciiLower(s[pos++]));
    if (pos < s.size()) ++pos;
    return true;
  }
  while (pos < s.size() && !text::IsAsciiSpace(s[pos]) && s[pos] != '>')
    attr.value.push_back(text::AsciiLower(s[pos++]));
  return true;
}

// "Extract a character encoding from a meta element" (the content attribute's charset=).
std::string CharsetFromContent(std::string_view content) {
  size_t pos = 0;
  while (true) {
    pos = content.find("charset", pos);
    if (pos == std::string_view::npos) return "";
    pos += 7;
    while (pos < content.size() && text::IsAsciiSpace(content[pos])) ++pos;
    if (pos < content.size() && content[pos] == '=') break;
  }
  ++pos;
  while (pos < content.size() && text::IsAsciiSpace(content[pos])) ++pos;
  if (pos >= content.size()) return "";
  if (content[pos] == '"' || content[pos] == '\'') {
    char quote = content[pos++];
    size_t end = content.find(quote, pos);
    if (end == std::string_view::npos) return "";
    return std::string(content.substr(pos, end - pos));
  }
  size_t end = pos;
  while (end < content.size() && !text::IsAsciiSpace(content[end]) && content[end] != ';') ++end;
  return std::string(content.substr(pos, end - pos));
}

}  // namespace

std::string PrescanMetaCharset(std::string_view bytes, size_t limit) {
  std::string_view s = bytes.substr(0, limit);
  size_t pos = 0;
  Attribute attr;
  while (pos < s.size()) {
    if (s.compare(pos, 4, "<!--") == 0) {
      size_t end = s.find("-->", pos + 2);
      if (end == std::string_view::npos) return "";
      pos = end + 3;
      continue;
    }
    if (s[pos] != '<') {
      ++pos;
      continue;
    }
    bool is_meta = pos + 6 <= s.size() && text::AsciiLower(s[pos + 1]) == 'm' &&
                   text::AsciiLower(s[pos + 2]) == 'e' && text::AsciiLower(s[pos + 3]) == 't' &&
                   text::AsciiLower(s[pos + 4]) == 'a' &&
                   (text::IsAsciiSpace(s[pos + 5]) || s[pos + 5] == '/');
    if (is_meta) {
      pos += 5;
      bool got_pragma = false;
      int need_pragma = 0;  // 0 unknown, 1 charset from content needs http-equiv, 2 not needed
      std::string charset;
      bool seen_http_equiv = false, seen_content = false, seen_charset = false;
      while (GetAttribute(s, pos, attr)) {
        if (attr.name == "http-equiv" && !seen_http_equiv) {
          seen_http_equiv = true;
          if (std::string(text::TrimAsciiSpace(attr.value)) == "content-type") got_pragma = true;
        } else if (attr.name == "content" && !seen_content) {
          seen_content = true;
          if (charset.empty()) {
            std::string c = CharsetFromContent(attr.value);
            if (!c.empty()) {
              charset = c;
              need_pragma = 1;
            }
          }
        } else if (attr.name == "charset" && !seen_charset) {
          seen_charset = true;
          charset = attr.value;
          need_pragma = 2;
        }
      }
      if (need_pragma == 2 || (need_pragma == 1 && got_pragma)) {
        std::string name = std::string(text::TrimAsciiSpace(charset));
        if (!name.empty()) return name;
      }
      continue;
    }
    if (pos + 1 < s.size() &&
        (IsAlpha(s[pos + 1]) || (s[pos + 1] == '/' && pos + 2 < s.size() && IsAlpha(s[pos + 2])))) {
      // Another tag: skip its name and attributes (quoted '>' does not end it).
      pos += (s[pos + 1] == '/') ? 2 : 1;
      while (pos < s.size() && !text::IsAsciiSpace(s[pos]) && s[pos] != '>') ++pos;
      while (GetAttribute(s, pos, attr)) {
      }
      if (pos < s.size()) ++pos;  // '>'
      continue;
    }
    if (pos + 1 < s.size() && (s[pos + 1] == '!' || s[pos + 1] == '/' || s[pos + 1] == '?')) {
      size_t end = s.find('>', pos + 1);
      if (end == std::string_view::npos) return "";
      pos = end + 1;
      continue;
    }
    ++pos;
  }
  return "";
}

}  // namespace newscrawl
