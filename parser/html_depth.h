// The nesting-depth estimate of PrefilterHtml (internal to parser/): an element stack kept from
// start and end tags alone, with the HTML rules for implied end tags of p/li/dt/dd/td/th/tr/option,
// so that the prefilter can drop start tags that would open an element deeper than the cap (Gumbo's
// parse time grows with the square of depth). Memory is linear in depth; an end tag looks at most
// 32 entries down the stack, so a stray one costs O(1). One tracker per pass over one page.
#pragma once

#include <vector>

#include "parser/html_tag_scan.h"

namespace newscrawl::prefilter {

class DepthTracker {
 public:
  explicit DepthTracker(int max_depth) : max_depth_(max_depth) {}

  // Records a start tag; returns true when it must be kept, false when it opens an element
  // deeper than max_depth (its end tag is then dropped too).
  bool OnStartTag(const TagName& name);

  // Records an end tag; returns true when it must be kept (false when its start tag was dropped).
  bool OnEndTag(const TagName& name);

 private:
  struct Entry {
    TagName name;
    bool dropped;
  };
  bool PopIfTop(const TagName& name);
  int max_depth_;
  std::vector<Entry> stack_;
};

}  // namespace newscrawl::prefilter
