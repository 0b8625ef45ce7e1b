#include "parser/html_attributes.h"

#include "common/text.h"

namespace newscrawl::prefilter {
namespace {

// Every attribute some reader in parser/ looks at (GetAttribute/HasAttribute callers, the
// metadata walk, the hint classifier). An attribute missing here is invisible to all of them.
constexpr std::string_view kKeptAttributes[] = {
    "class",    "id",       "style",         "hidden",        "aria-hidden",
    "role",     "itemprop", "itemtype",      "itemscope",     "lang",
    "xml:lang", "property", "name",          "content",       "http-equiv",
    "charset",  "rel",      "type",          "datetime",      "href",
    "src",      "data-src", "data-original", "data-lazy-src", "alt"};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool IsKept(std::string_view attribute) {
  if (attribute.size() < 2 || attribute.size() > 13) return false;
  for (std::string_view kept : kKeptAttributes) {
    if (text::EqualsIgnoreCase(attribute, kept)) return true;
  }
  return false;
}

// One attribute of a start tag: html[begin, end) is all of it ("name", "name=v", "name = 'v'"),
// html[begin, name_end) its name.
struct Attribute {
  size_t begin = 0, name_end = 0, end = 0;
};

// Reads the attribute at or after `pos` (whitespace and stray '/' skipped) in html[.., stop);
// false at the tag's end.
bool NextAttribute(std::string_view html, size_t pos, size_t stop, Attribute* attr) {
  while (pos < stop && (IsSpace(html[pos]) || html[pos] == '/')) ++pos;
  if (pos >= stop || html[pos] == '>') return false;
  attr->begin = pos;
  ++pos;  // a name may start with '=' (the HTML tokenizer says so)
  while (pos < stop && !IsSpace(html[pos]) && html[pos] != '/' && html[pos] != '>' &&
         html[pos] != '=') {
    ++pos;
  }
  attr->name_end = pos;
  size_t look = pos;
  while (look < stop && IsSpace(html[look])) ++look;
  if (look < stop && html[look] == '=') {
    ++look;
    while (look < stop && IsSpace(html[look])) ++look;
    if (look < stop && (html[look] == '"' || html[look] == '\'')) {
      char quote = html[look];
      ++look;
      while (look < stop && html[look] != quote) ++look;
      if (look < stop) ++look;
    } else {
      while (look < stop && !IsSpace(html[look]) && html[look] != '>') ++look;
    }
    pos = look;
  }
  attr->end = pos;
  return true;
}

bool KeepsLinkTarget(std::string_view name) { return name == "link" || name == "base"; }

size_t AttributesStop(std::string_view html, size_t lt, size_t end) {
  return end > lt && html[end - 1] == '>' ? end - 1 : end;
}

bool IsHref(std::string_view attr_name) {
  return attr_name.size() == 4 && text::EqualsIgnoreCase(attr_name, "href");
}

// A link to an author's page ("/author/jane-doe", "/autoren/name/x"): the metadata reader takes
// its text as a byline (meta_collect.h), so its target is kept.
bool IsAuthorPageLink(std::string_view html, const Attribute& attr) {
  std::string_view value = html.substr(attr.name_end, attr.end - attr.name_end);
  for (std::string_view marker : {"/author", "/autor", "/journalist"}) {
    if (value.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

bool IsUnreadVoidTag(std::string_view html, size_t lt, size_t end, std::string_view name) {
  if (name == "input") return true;
  if (name != "link") return false;
  constexpr std::string_view kCanonical = "canonical";
  for (size_t pos = lt; pos + kCanonical.size() <= end; ++pos) {
    if (text::EqualsIgnoreCase(html.substr(pos, kCanonical.size()), kCanonical)) return false;
  }
  return true;
}

bool StartTagNeedsRewrite(std::string_view html, size_t lt, size_t after_name, size_t end,
                          std::string_view name) {
  const bool keep_link_target = KeepsLinkTarget(name);
  const size_t stop = AttributesStop(html, lt, end);
  Attribute attr;
  int count = 0;
  for (size_t pos = after_name; NextAttribute(html, pos, stop, &attr); pos = attr.end) {
    std::string_view attr_name = html.substr(attr.begin, attr.name_end - attr.begin);
    if (!IsKept(attr_name) || ++count > kMaxAttributes || attr.end - lt > kMaxTagBytes ||
        (!keep_link_target && attr.end > attr.name_end && IsHref(attr_name) &&
         !IsAuthorPageLink(html, attr))) {
      return true;
    }
  }
  return false;
}

void AppendFilteredStartTag(std::string_view html, size_t lt, size_t after_name, size_t end,
                            std::string_view name, std::string* out) {
  const bool keep_link_target = KeepsLinkTarget(name);
  const size_t stop = AttributesStop(html, lt, end);
  out->append(html.data() + lt, after_name - lt);
  Attribute attr;
  int count = 0;
  for (size_t pos = after_name; NextAttribute(html, pos, stop, &attr); pos = attr.end) {
    std::string_view attr_name = html.substr(attr.begin, attr.name_end - attr.begin);
    if (!IsKept(attr_name)) continue;
    if (++count > kMaxAttributes || attr.end - lt > kMaxTagBytes) break;
    out->push_back(' ');
    if (!keep_link_target && IsHref(attr_name) && !IsAuthorPageLink(html, attr)) {
      out->append(attr_name);  // a link whose target nothing reads: "href", empty value
    } else {
      out->append(html.data() + attr.begin, attr.end - attr.begin);
    }
  }
  out->push_back('>');
}

}  // namespace newscrawl::prefilter
