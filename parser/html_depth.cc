// DepthTracker (html_depth.h).
#include "parser/html_depth.h"

namespace newscrawl::prefilter {
namespace {

constexpr TagName kLi = Tag("li"), kDt = Tag("dt"), kDd = Tag("dd"), kTd = Tag("td"),
                  kTh = Tag("th"), kTr = Tag("tr"), kOption = Tag("option");

constexpr TagName kVoid[] = {Tag("area"),  Tag("base"),   Tag("br"),    Tag("col"),  Tag("embed"),
                             Tag("hr"),    Tag("img"),    Tag("input"), Tag("link"), Tag("meta"),
                             Tag("param"), Tag("source"), Tag("track"), Tag("wbr"),  Tag("keygen")};

}  // namespace

bool DepthTracker::OnStartTag(const TagName& n) {
  if (OneOf(n, kVoid)) return true;
  if (ClosesParagraph(n)) PopIfTop(kP);
  if (n == kLi) PopIfTop(kLi);
  if (n == kDt || n == kDd) {
    if (!PopIfTop(kDt)) PopIfTop(kDd);
  }
  if (n == kTd || n == kTh || n == kTr) {
    if (!PopIfTop(kTd)) PopIfTop(kTh);
    if (n == kTr) PopIfTop(kTr);
  }
  if (n == kOption) PopIfTop(kOption);
  bool keep = static_cast<int>(stack_.size()) < max_depth_;
  stack_.push_back({n, !keep});
  return keep;
}

bool DepthTracker::OnEndTag(const TagName& n) {
  // Look a bounded distance down the stack: a stray end tag must not cost O(depth).
  size_t limit = stack_.size() > 32 ? stack_.size() - 32 : 0;
  for (size_t i = stack_.size(); i > limit; --i) {
    if (stack_[i - 1].name == n) {
      bool dropped = stack_[i - 1].dropped;
      stack_.resize(i - 1);
      return !dropped;
    }
  }
  return true;
}

bool DepthTracker::PopIfTop(const TagName& name) {
  if (!stack_.empty() && stack_.back().name == name) {
    stack_.pop_back();
    return true;
  }
  return false;
}

}  // namespace newscrawl::prefilter
