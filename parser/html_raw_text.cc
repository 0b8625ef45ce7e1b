// RawContentEnd and RawTextSearch (html_raw_text.h).
#include "parser/html_raw_text.h"

#include <algorithm>

namespace newscrawl::prefilter {
namespace {

constexpr TagName kScript = Tag("script");

// Tags that only a page's own structure holds, never a script or an embed: seeing one inside
// such an element means the element was left open and swallowed the page.
bool IsDocumentStructureTag(std::string_view html, size_t lt) {
  for (std::string_view marker : {"</head", "<body", "</body", "</html"}) {
    if (text::StartsWithIgnoreCase(html.substr(lt), marker)) {
      size_t after = lt + marker.size();
      return after >= html.size() || IsTagNameEnd(html[after]);
    }
  }
  return false;
}

size_t FindEndTag(std::string_view html, size_t from, const TagName& name) {
  std::string_view tag_name = name.view();
  for (size_t pos = from; (pos = FindTag(html, pos, html.size())) < html.size(); ++pos) {
    if (html[pos + 1] == '/' && text::StartsWithIgnoreCase(html.substr(pos + 2), tag_name) &&
        (pos + 2 + tag_name.size() == html.size() ||
         IsTagNameEnd(html[pos + 2 + tag_name.size()]))) {
      return pos;
    }
  }
  return html.size();
}

}  // namespace

size_t RawTextSearch::NextEndTag(std::string_view html, size_t from, const TagName& name) {
  for (Entry& e : end_tags_) {
    if (e.name == name) {
      if (from < e.from || from > e.found) e = {name, from, FindEndTag(html, from, name)};
      return e.found;
    }
  }
  end_tags_.push_back({name, from, FindEndTag(html, from, name)});
  return end_tags_.back().found;
}

size_t RawTextSearch::NextStructureTag(std::string_view html, size_t from) {
  if (from < structure_.from || from > structure_.found) {
    size_t pos = from;
    while ((pos = FindTag(html, pos, html.size())) < html.size() &&
           !IsDocumentStructureTag(html, pos)) {
      ++pos;
    }
    structure_ = {TagName(), from, pos};
  }
  return structure_.found;
}

size_t RawContentEnd(std::string_view html, size_t content, size_t close, const TagName& name,
                     RawTextSearch* search) {
  if (OneOf(name, kTextOnly)) return FindTag(html, content, close);
  // Scripts write markup, even "<body ...>" and "</body>", into the page: only a script without
  // any end tag is left open.
  if (name == kScript && close < html.size()) return close;
  size_t structure = search->NextStructureTag(html, content);
  if (close < html.size() && structure >= close) return close;
  size_t limit = std::min(close, structure);
  for (size_t pos = content; (pos = FindTag(html, pos, limit)) < limit; ++pos) {
    if (html[pos + 1] == '/' || html[pos + 1] == '!') continue;
    TagName tag;
    ReadTagName(html, pos + 1, &tag);
    if (ClosesParagraph(tag)) return pos;
  }
  return limit;
}

}  // namespace newscrawl::prefilter
