// Small text normalisers used by ExtractMetadata (metadata.h). Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace newscrawl {

// Person names from a byline or author field: strips "By", "Written by", "Posted by", "Theo",
// "Tác giả:", "Von", "Par", "Por", "Author:" and a short lead-in ending in " by " or ": "
// ("Recipe by", "Text und Interview:"); cuts at a separator that starts a date or other matter
// ("|", "•", "·", " - ", "—", "Published", "Cập nhật", "Foto:"); splits on " and ", " & ",
// " và ", " und ", " et ", " y ", ", " and ";"; collapses whitespace. Drops what is not a
// plausible name: URLs, e-mail addresses, host names, texts with digits, more than 6 words or
// over 60 bytes, placeholders ("admin", "No Author"). Duplicates removed, order kept.
std::vector<std::string> NormalizeAuthorNames(std::string_view byline);

// Removes a site suffix or prefix from a page title: " - VnExpress", " | Site", " – Site",
// " — Site", " :: Site", " · Site", "Site | ". A segment is removed when it equals `site_name` or
// `host` (case-insensitively, ignoring "www." and the TLD), or, when `aggressive`, when it is at
// most 4 words and the remaining title is longer. Returns the title trimmed.
std::string StripSiteSuffix(std::string_view title, std::string_view site_name,
                            std::string_view host, bool aggressive);

// BCP 47 form of a language tag: "vi_VN" -> "vi-VN", "EN-us" -> "en-US", "vi" -> "vi";
// the first of a comma list; "" for anything that is not a tag.
std::string NormalizeLanguageTag(std::string_view tag);

// Tags from a keywords value split on ',' and ';', trimmed, duplicates and empties removed,
// each at most 100 bytes.
std::vector<std::string> SplitKeywords(std::string_view text);

}  // namespace newscrawl
