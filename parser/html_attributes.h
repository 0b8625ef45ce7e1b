// Start-tag attribute filter of PrefilterHtml (internal to parser/).
//
// Gumbo allocates a node for every attribute it reads and checks each new one against all earlier
// ones of its tag; on news pages about two thirds of the markup left after scripts and styles are
// gone is attributes, most of which nothing here reads (data-*, srcset, on*, aria-*, title,
// tracking ids). RewriteStartTag keeps only the attributes that the extractor and the metadata
// reader look at (kKeptAttributes in the .cc), empties the targets of links (<a href> is read
// only as "is a link"; <link>/<base> keep theirs: canonical URLs), and cuts tags over the limits
// below at an attribute boundary (an unclosed tag reads the rest of the page as attributes).
// Pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace newscrawl::prefilter {

// At most this many attributes, and this many bytes of tag, are kept per start tag.
constexpr int kMaxAttributes = 128;
constexpr size_t kMaxTagBytes = 64 * 1024;

// `html[lt, end)` is a start tag whose name (lower-cased: `name`) ends at `after_name`.
// True for void tags that nothing reads and that are dropped whole: <input> (form controls are
// never text), <link> other than rel=canonical (stylesheets, preloads, icons).
bool IsUnreadVoidTag(std::string_view html, size_t lt, size_t end, std::string_view name);
// True when the filter changes the tag (most tags are copied as they are, unread).
bool StartTagNeedsRewrite(std::string_view html, size_t lt, size_t after_name, size_t end,
                          std::string_view name);
// Appends the filtered tag to `out`: "<name", the kept attributes as written, ">".
void AppendFilteredStartTag(std::string_view html, size_t lt, size_t after_name, size_t end,
                            std::string_view name, std::string* out);

}  // namespace newscrawl::prefilter
