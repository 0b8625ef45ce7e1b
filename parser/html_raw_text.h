// Elements of raw content left open, for PrefilterHtml (internal to parser/).
//
// In the HTML rules the content of <title>, <textarea>, <xmp> (RCDATA) and of <script>, <style>,
// <noscript>, <iframe>... (RAWTEXT) is text up to the element's own end tag: one left open
// swallows the rest of the document and the body comes out empty. RawContentEnd tells where such
// an element really ends. Pure; a RawTextSearch belongs to one pass over one page.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "parser/html_tag_scan.h"

namespace newscrawl::prefilter {

// Elements whose content is raw text that never holds markup: a tag inside means the element
// was left open. (Not <style>: CSS holds markup in data: URLs and content strings.)
inline constexpr TagName kTextOnly[] = {Tag("title"), Tag("textarea"), Tag("xmp")};

// Searches of a page that the prefilter repeats for every element of a kind (every unclosed
// <title>, every <script>): each remembers its last answer, so that a page of thousands of
// unclosed elements costs one scan, not one scan per element. Searches must move forward through
// one page for the memory to help; any order gives correct answers.
class RawTextSearch {
 public:
  // Position of the next "</name" end tag at or after `from`, or html.size().
  size_t NextEndTag(std::string_view html, size_t from, const TagName& name);
  // Position of the next document structure tag (</head>, <body>, </body>, </html>) at or after
  // `from`, or html.size().
  size_t NextStructureTag(std::string_view html, size_t from);

 private:
  struct Entry {
    TagName name;
    size_t from = 1;  // answers for searches from [from, found]
    size_t found = 0;
  };
  std::vector<Entry> end_tags_;
  Entry structure_;
};

// Where an element of raw content `name` whose content starts at `content` really ends: `close`
// is where its end tag starts (html.size() when it has none). Text-only elements end at the
// first tag inside them; a script without end tag, and others (noscript, iframe, ...) whose
// content reaches into the document's structure or that have no end tag, at the first
// block-level start tag. Returns `close` when the element is well formed.
size_t RawContentEnd(std::string_view html, size_t content, size_t close, const TagName& name,
                     RawTextSearch* search);

}  // namespace newscrawl::prefilter
