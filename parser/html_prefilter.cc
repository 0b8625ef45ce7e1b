// PrefilterHtml (html_prefilter.h): the one pass over the bytes, what it drops and what it keeps.
// The tag model it shares with its helpers is in html_tag_scan.h, the nesting-depth estimate in
// html_depth.h, the repair of raw-text elements left open in html_raw_text.h and the start-tag
// attribute filter in html_attributes.h.
#include "parser/html_prefilter.h"

#include <cstring>

#include "common/text.h"
#include "parser/html_attributes.h"
#include "parser/html_depth.h"
#include "parser/html_raw_text.h"
#include "parser/html_tag_scan.h"

namespace newscrawl {
namespace {

using prefilter::FindTagEnd;
using prefilter::IsAsciiAlpha;
using prefilter::OneOf;
using prefilter::ReadTagName;
using prefilter::Tag;
using prefilter::TagName;

constexpr TagName kScript = Tag("script"), kNoscript = Tag("noscript"), kTitle = Tag("title"),
                  kXmp = Tag("xmp"), kPlaintext = Tag("plaintext");

constexpr TagName kDroppedWithContent[] = {
    Tag("script"), Tag("style"),  Tag("svg"),    Tag("math"),   Tag("noscript"), Tag("template"),
    Tag("iframe"), Tag("object"), Tag("canvas"), Tag("select"), Tag("textarea"), Tag("button")};
// Elements dropped with their content besides those above: also RAWTEXT ones whose content may
// legitimately hold markup (scripts write HTML, noscript holds pixels, iframe fallbacks).
constexpr TagName kNoembed[] = {Tag("noembed"), Tag("noframes")};

bool IsDroppedWithContent(const TagName& n) {
  return OneOf(n, kDroppedWithContent) || OneOf(n, kNoembed);
}

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
  prefilter::DepthTracker depth(options.max_depth);
  size_t copy_from = 0;  // start of the pending run of bytes to copy
  size_t pos = 0;
  auto skip = [&](size_t from, size_t to) {  // drops html[from, to)
    out.append(html.data() + copy_from, from - copy_from);
    copy_from = to;
  };
  TagName name;
  prefilter::RawTextSearch raw_text_search;
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
        size_t close = raw_text_search.NextEndTag(html, end, name);
        size_t content_end = prefilter::RawContentEnd(html, end, close, name, &raw_text_search);
        if (content_end != close) result.unclosed_raw_text = true;
        if (content_end == close && name == kScript && IsLdJsonScript(html.substr(lt, end - lt))) {
          pos = prefilter::SkipPastEndTag(html, end, "script");  // kept verbatim
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
        size_t close = raw_text_search.NextEndTag(html, end, name);
        size_t content_end = prefilter::RawContentEnd(html, end, close, name, &raw_text_search);
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
