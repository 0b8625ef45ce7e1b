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

// Who published a page, by the names a byline may give it (the site name, the JSON-LD publisher,
// the host's main label: "lto" of lto.de), to tell a byline naming the newsroom from one naming
// a person.
class PublisherNames {
 public:
  explicit PublisherNames(const std::vector<std::string>& names);  // empty ones are ignored
  // True when `author` is one of the names, or one of them with a short suffix ("日本経済新聞社"
  // names "日本経済新聞"), ignoring case, spaces and punctuation ("Der Postillon" names
  // "der-postillon").
  bool Names(std::string_view author) const;

 private:
  std::vector<std::string> compact_;  // letters and digits of each name, ASCII lower-cased
};

// The words of a headline without case, spaces or punctuation (ASCII and the common Unicode
// marks: dashes, curly quotes, guillemets, no-break space), so that "Kicker: Headline – „Q“"
// and "Kicker Headline - \"Q\"" have the same key. Other non-ASCII letters are kept as written.
std::string HeadlineKey(std::string_view text);

// BCP 47 form of a language tag: "vi_VN" -> "vi-VN", "EN-us" -> "en-US", "vi" -> "vi";
// the first of a comma list; "" for anything that is not a tag.
std::string NormalizeLanguageTag(std::string_view tag);

// Tags from a keywords value split on ',' and ';', trimmed, duplicates and empties removed,
// each at most 100 bytes.
std::vector<std::string> SplitKeywords(std::string_view text);

}  // namespace newscrawl
