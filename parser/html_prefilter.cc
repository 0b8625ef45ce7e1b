// PrefilterHtml (html_prefilter.h). Longer than our ~400-line habit on purpose: the tag reader,
// the depth estimate, the recovery of elements left open and the attribute cap share one tag
// model and one pass over the bytes; split, each would re-read tags its own way.
#include "parser/html_prefilter.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/text.h"
#include "parser/html_attributes.h"

namespace newscrawl {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsTagNameEnd(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>';
}

// A tag name packed into two integers (lower-cased, zero-padded, at most 16 bytes; longer names
// keep their prefix and match nothing below): comparisons are two integer compares.
struct TagName {
  uint64_t lo = 0, hi = 0;
  size_t size = 0;
  char text[16] = {};
  std::string_view view() const { return std::string_view(text, size < 16 ? size : 16); }
  bool operator==(const TagName& o) const { return lo == o.lo && hi == o.hi && size == o.size; }
};

constexpr TagName Tag(std::string_view name) {
  TagName t;
  t.size = name.size();
  for (size_t i = 0; i < name.size() && i < 16; ++i) {
    t.text[i] = name[i];
    if (i < 8) {
      t.lo |= static_cast<uint64_t>(static_cast<unsigned char>(name[i])) << (8 * i);
    } else {
      t.hi |= static_cast<uint64_t>(static_cast<unsigned char>(name[i])) << (8 * (i - 8));
    }
  }
  return t;
}

// Reads the tag name starting at `pos`; returns the position after it.
size_t ReadTagName(std::string_view html, size_t pos, TagName* name) {
  char buffer[16];
  size_t n = 0;
  size_t start = pos;
  while (pos < html.size() && !IsTagNameEnd(html[pos])) {
    if (n < sizeof(buffer)) buffer[n++] = text::AsciiLower(html[pos]);
    ++pos;
  }
  *name = Tag(std::string_view(buffer, n));
  name->size = pos - start;
  return pos;
}

// Position just after the '>' that ends the tag whose attributes start at `pos` (quotes
// respected); html.size() when the tag is not closed.
size_t FindTagEnd(std::string_view html, size_t pos) {
  char quote = 0;
  for (; pos < html.size(); ++pos) {
    char c = html[pos];
    if (quote != 0) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      // Quotes only open a value after '='; a stray quote elsewhere must not swallow the page.
      size_t back = pos;
      while (back > 0 && (html[back - 1] == ' ' || html[back - 1] == '\t')) --back;
      if (back > 0 && html[back - 1] == '=') quote = c;
    } else if (c == '>') {
      return pos + 1;
    }
  }
  return html.size();
}

// Case-insensitive search for "</name" from `pos`; returns the position after the closing
// tag's '>' or html.size() when absent.
size_t SkipPastEndTag(std::string_view html, size_t pos, std::string_view name) {
  while (pos < html.size()) {
    const void* hit = std::memchr(html.data() + pos, '<', html.size() - pos);
    if (hit == nullptr) return html.size();
    size_t lt = static_cast<const char*>(hit) - html.data();
    if (lt + 1 + name.size() < html.size() && html[lt + 1] == '/') {
      bool match = true;
      for (size_t k = 0; k < name.size(); ++k) {
        if (text::AsciiLower(html[lt + 2 + k]) != name[k]) {
          match = false;
          break;
        }
      }
      if (match && lt + 2 + name.size() <= html.size() &&
          (lt + 2 + name.size() == html.size() || IsTagNameEnd(html[lt + 2 + name.size()]))) {
        return FindTagEnd(html, lt + 2 + name.size());
      }
    }
    pos = lt + 1;
  }
  return html.size();
}

template <size_t N>
bool OneOf(const TagName& n, const TagName (&names)[N]) {
  for (const TagName& k : names) {
    if (n == k) return true;
  }
  return false;
}

constexpr TagName kScript = Tag("script"), kNoscript = Tag("noscript"), kP = Tag("p"),
                  kLi = Tag("li"), kDt = Tag("dt"), kDd = Tag("dd"), kTd = Tag("td"),
                  kTh = Tag("th"), kTr = Tag("tr"), kOption = Tag("option");

constexpr TagName kDroppedWithContent[] = {
    Tag("script"), Tag("style"),  Tag("svg"),    Tag("math"),   Tag("noscript"), Tag("template"),
    Tag("iframe"), Tag("object"), Tag("canvas"), Tag("select"), Tag("textarea"), Tag("button")};

constexpr TagName kVoid[] = {Tag("area"),  Tag("base"),   Tag("br"),    Tag("col"),  Tag("embed"),
                             Tag("hr"),    Tag("img"),    Tag("input"), Tag("link"), Tag("meta"),
                             Tag("param"), Tag("source"), Tag("track"), Tag("wbr"),  Tag("keygen")};

// Block starts that close an open <p> (HTML tree construction, "in body" insertion mode).
constexpr TagName kClosesParagraph[] = {
    Tag("p"),       Tag("div"),        Tag("ul"),       Tag("ol"),         Tag("dl"),
    Tag("h1"),      Tag("h2"),         Tag("h3"),       Tag("h4"),         Tag("h5"),
    Tag("h6"),      Tag("table"),      Tag("section"),  Tag("article"),    Tag("aside"),
    Tag("header"),  Tag("footer"),     Tag("nav"),      Tag("blockquote"), Tag("pre"),
    Tag("form"),    Tag("figure"),     Tag("fieldset"), Tag("main"),       Tag("address"),
    Tag("details"), Tag("figcaption"), Tag("hgroup"),   Tag("menu"),       Tag("center"),
    Tag("dir"),     Tag("summary"),    Tag("li"),       Tag("dd"),         Tag("dt")};

// Elements whose content is raw text that never holds markup (RCDATA/RAWTEXT in the HTML
// rules): a tag inside means the element was left open and swallowed the page.
constexpr TagName kTitle = Tag("title"), kXmp = Tag("xmp"), kPlaintext = Tag("plaintext");
// (Not <style>: CSS holds markup in data: URLs and content strings.)
constexpr TagName kTextOnly[] = {Tag("title"), Tag("textarea"), Tag("xmp")};
// Elements dropped with their content besides those above: also RAWTEXT ones whose content may
// legitimately hold markup (scripts write HTML, noscript holds pixels, iframe fallbacks).
constexpr TagName kNoembed[] = {Tag("noembed"), Tag("noframes")};

bool IsDroppedWithContent(const TagName& n) {
  return OneOf(n, kDroppedWithContent) || OneOf(n, kNoembed);
}
bool IsVoid(const TagName& n) { return OneOf(n, kVoid); }
bool ClosesParagraph(const TagName& n) { return OneOf(n, kClosesParagraph); }

bool IsLdJsonScript(std::string_view attrs) {
  // attrs is the raw tag text; look for application/ld+json anywhere in it.
  static constexpr std::string_view kType = "ld+json";
  if (attrs.size() < kType.size()) return false;
  for (size_t i = 0; i + kType.size() <= attrs.size(); ++i) {
    size_t k = 0;
    while (k < kType.size() && text::AsciiLower(attrs[i + k]) == kType[k]) ++k;
    if (k == kType.size()) return true;
  }
  return false;
}

// True when the content of a <noscript> contains paragraphs (some sites render
// the article with JavaScript and keep a plain copy for crawlers there).
bool NoscriptHoldsText(std::string_view content) {
  // Saved pages sometimes hold escaped markup there ("&lt;img ...&gt;"): text, not content.
  if (content.find("&lt;") != std::string_view::npos) return false;
  size_t hits = 0;
  for (size_t p = content.find("<p"); p != std::string_view::npos; p = content.find("<p", p + 2)) {
    if (p + 2 < content.size() && (content[p + 2] == '>' || content[p + 2] == ' ')) ++hits;
    if (hits >= 2) return true;
  }
  return false;
}

bool IsTagStart(std::string_view html, size_t lt) {
  if (lt + 1 >= html.size()) return false;
  char c = html[lt + 1];
  return IsAsciiAlpha(c) || (c == '/' && lt + 2 < html.size() && IsAsciiAlpha(html[lt + 2]));
}

// First position of a tag ("<a", "</a") in html[from, to), or `to`.
size_t FindTag(std::string_view html, size_t from, size_t to) {
  while (from < to) {
    const void* hit = std::memchr(html.data() + from, '<', to - from);
    if (hit == nullptr) return to;
    size_t lt = static_cast<const char*>(hit) - html.data();
    if (IsTagStart(html, lt)) return lt;
    from = lt + 1;
  }
  return to;
}

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

// Searches of a page that the prefilter repeats for every element of a kind (every unclosed
// <title>, every <script>): each remembers its last answer, so that a page of thousands of
// unclosed elements costs one scan, not one scan per element.
class MemoSearch {
 public:
  // Position of the next "</name" end tag at or after `from`, or html.size().
  size_t NextEndTag(std::string_view html, size_t from, const TagName& name) {
    for (Entry& e : end_tags_) {
      if (e.name == name) {
        if (from < e.from || from > e.found) e = {name, from, FindEndTag(html, from, name)};
        return e.found;
      }
    }
    end_tags_.push_back({name, from, FindEndTag(html, from, name)});
    return end_tags_.back().found;
  }

  // Position of the next document structure tag at or after `from`, or html.size().
  size_t NextStructureTag(std::string_view html, size_t from) {
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

 private:
  struct Entry {
    TagName name;
    size_t from = 1;  // answers for searches from [from, found]
    size_t found = 0;
  };
  static size_t FindEndTag(std::string_view html, size_t from, const TagName& name) {
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
  std::vector<Entry> end_tags_;
  Entry structure_;
};

// Where an element of raw content starting at `content` really ends, for an element left open:
// `close` is where its end tag starts (html.size() when it has none). Text-only elements end at
// the first tag inside them; a script without end tag, and others (noscript, iframe, ...) whose
// content reaches into the document's structure (</head>, <body>, </body>, </html>) or that have
// no end tag, at the first block-level start tag. Returns `close` when the element is well
// formed.
size_t RawContentEnd(std::string_view html, size_t content, size_t close, const TagName& name,
                     MemoSearch* memo) {
  if (OneOf(name, kTextOnly)) return FindTag(html, content, close);
  // Scripts write markup, even "<body ...>" and "</body>", into the page: only a script without
  // any end tag is left open.
  if (name == kScript && close < html.size()) return close;
  size_t structure = memo->NextStructureTag(html, content);
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

// A run of whitespace from `pos` up to the next tag, longer than one character, becomes one
// character (a newline when it holds one): Gumbo builds a text node of every such run, byte by
// byte, and whitespace between tags renders as one space at most. Returns where to go on.
size_t CollapseSpaceBetweenTags(std::string_view html, size_t pos, size_t* copy_from,
                                std::string* out) {
  size_t run = pos;
  bool newline = false;
  while (run < html.size() && (html[run] == ' ' || html[run] == '\n' || html[run] == '\t' ||
                               html[run] == '\r' || html[run] == '\f')) {
    newline = newline || html[run] == '\n';
    ++run;
  }
  if (run - pos < 2 || run >= html.size() || html[run] != '<') return pos;
  out->append(html.data() + *copy_from, pos - *copy_from);
  out->push_back(newline ? '\n' : ' ');
  *copy_from = run;
  return run;
}

// Estimates the element stack to cap nesting depth.
class DepthTracker {
 public:
  explicit DepthTracker(int max_depth) : max_depth_(max_depth) {}

  // Returns true when the start tag must be kept.
  bool OnStartTag(const TagName& n) {
    if (IsVoid(n)) return true;
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

  // Returns true when the end tag must be kept.
  bool OnEndTag(const TagName& n) {
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

 private:
  struct Entry {
    TagName name;
    bool dropped;
  };
  bool PopIfTop(const TagName& name) {
    if (!stack_.empty() && stack_.back().name == name) {
      stack_.pop_back();
      return true;
    }
    return false;
  }
  int max_depth_;
  std::vector<Entry> stack_;
};

}  // namespace

PrefilterResult PrefilterHtml(std::string_view input, const PrefilterOptions& options) {
  PrefilterResult result;
  std::string_view html = input;
  if (html.size() > options.max_bytes) {
    size_t cut = html.rfind('<', options.max_bytes);
    html = html.substr(0, cut == std::string_view::npos || cut == 0 ? options.max_bytes : cut);
    result.truncated = true;
  }
  std::string& out = result.html;
  out.reserve(html.size() / 2);
  DepthTracker depth(options.max_depth);
  size_t copy_from = 0;  // start of the pending run of bytes to copy
  size_t pos = 0;
  auto skip = [&](size_t from, size_t to) {  // drops html[from, to)
    out.append(html.data() + copy_from, from - copy_from);
    copy_from = to;
  };
  TagName name;
  MemoSearch memo;
  size_t unwrapped_noscript_end = 0;  // end tag of the <noscript> whose content is kept
  while (pos < html.size()) {
    const void* hit = std::memchr(html.data() + pos, '<', html.size() - pos);
    if (hit == nullptr) break;
    size_t lt = static_cast<const char*>(hit) - html.data();
    if (lt + 1 >= html.size()) break;
    char next = html[lt + 1];
    if (next == '!' && html.compare(lt, 4, "<!--") == 0) {
      size_t end = html.find("-->", lt + 4);
      end = end == std::string_view::npos ? html.size() : end + 3;
      skip(lt, end);
      pos = CollapseSpaceBetweenTags(html, end, &copy_from, &out);
    } else if (next == '/' && lt + 2 < html.size() && IsAsciiAlpha(html[lt + 2])) {
      size_t after_name = ReadTagName(html, lt + 2, &name);
      size_t end = FindTagEnd(html, after_name);
      if (name == kNoscript || !depth.OnEndTag(name)) {
        skip(lt, end);
        result.flattened = true;
      } else if (end - after_name > 64) {
        skip(after_name, end);  // attributes of an end tag mean nothing (html_attributes.h)
        out.push_back('>');
      }
      pos = CollapseSpaceBetweenTags(html, end, &copy_from, &out);
    } else if (IsAsciiAlpha(next)) {
      size_t after_name = ReadTagName(html, lt + 1, &name);
      size_t end = FindTagEnd(html, after_name);
      if (name == kNoscript && lt < unwrapped_noscript_end) {
        skip(lt, end);  // text inside an unwrapped <noscript> (raw text up to its end tag)
        pos = end;
      } else if (IsDroppedWithContent(name)) {
        size_t close = memo.NextEndTag(html, end, name);
        size_t content_end = RawContentEnd(html, end, close, name, &memo);
        if (content_end != close) result.unclosed_raw_text = true;
        if (content_end == close && name == kScript && IsLdJsonScript(html.substr(lt, end - lt))) {
          pos = SkipPastEndTag(html, end, "script");  // kept verbatim
        } else if (content_end == close && name == kNoscript &&
                   NoscriptHoldsText(html.substr(end, close - end))) {
          // A no-JS copy of the article. Gumbo would read <noscript> content as raw text, so
          // the tags go and the content stays (its end tag is dropped below).
          skip(lt, end);
          pos = end;
          unwrapped_noscript_end = close;
        } else {
          if (content_end == close && close < html.size()) {
            content_end = FindTagEnd(html, close + 2 + name.view().size());
          }
          skip(lt, content_end);
          pos = CollapseSpaceBetweenTags(html, content_end, &copy_from, &out);
        }
      } else if (name == kPlaintext) {
        skip(lt, end);  // everything after <plaintext> would be text; keep the markup instead
        pos = end;
      } else if (name == kTitle || name == kXmp) {
        // Kept (the title is metadata), but closed where it was left open.
        size_t close = memo.NextEndTag(html, end, name);
        size_t content_end = RawContentEnd(html, end, close, name, &memo);
        if (content_end != close) {
          result.unclosed_raw_text = true;
          out.append(html.data() + copy_from, content_end - copy_from);
          out.append("</").append(name.view()).append(">");
          copy_from = content_end;
        }
        pos = content_end;
      } else {
        if (!depth.OnStartTag(name)) {
          skip(lt, end);
          result.flattened = true;
        } else if (prefilter::IsUnreadVoidTag(html, lt, end, name.view())) {
          skip(lt, end);
        } else if (prefilter::StartTagNeedsRewrite(html, lt, after_name, end, name.view())) {
          skip(lt, end);
          prefilter::AppendFilteredStartTag(html, lt, after_name, end, name.view(), &out);
        }
        pos = CollapseSpaceBetweenTags(html, end, &copy_from, &out);
      }
    } else {
      pos = lt + 1;  // "<!doctype", "<?xml", or a literal '<' in text
    }
  }
  out.append(html.data() + copy_from, html.size() - copy_from);
  return result;
}

}  // namespace newscrawl
