// Internal to the feed parser (parser/feed*.cc): one entry point per syntax and the shared
// helpers. Not a public API of nc_parser.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "parser/feed.h"

namespace newscrawl::feed_internal {

// RSS 2.0, RSS 1.0 (RDF) and Atom documents (parser/feed_xml.cc).
Result<Feed> ParseXmlFeed(std::string_view body, std::string_view feed_url);

// JSON Feed 1.0 / 1.1 (parser/feed_json.cc).
Result<Feed> ParseJsonFeed(std::string_view body, std::string_view feed_url);

// `reference` resolved against `base` (absolute http(s) URL or empty); "" unless the result is an
// absolute http or https URL (javascript:, mailto:, data: and garbage are dropped).
std::string ResolveHttpUrl(std::string_view base, std::string_view reference);

// An author as feeds write it -> a name: "news@x.vn (Minh Anh)" -> "Minh Anh"; a bare e-mail
// address -> "" (not a name); otherwise the text with whitespace collapsed.
std::string AuthorName(std::string_view text);

// Appends `name` to `names` unless empty or already there.
void AddAuthor(std::string name, std::vector<std::string>* names);

}  // namespace newscrawl::feed_internal
