// Internal helpers shared by the feed and sitemap parsers (not a public API of nc_parser).
//
// Elements are matched by local name, ASCII case-insensitively, whatever their namespace prefix:
// real feeds bind the same namespace to many prefixes and misspell the case of element names.
// Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include "common/status.h"

namespace newscrawl::xml {

// "dc:creator" -> "creator"; "title" -> "title".
std::string_view LocalName(std::string_view qualified_name);

bool LocalNameIs(const pugi::xml_node& node, std::string_view local_name);

// First child element with this local name; an empty node when none.
pugi::xml_node Child(const pugi::xml_node& parent, std::string_view local_name);

// All child elements with this local name, in document order.
std::vector<pugi::xml_node> Children(const pugi::xml_node& parent, std::string_view local_name);

// Attribute by local name ("xml:base" -> "base" is NOT matched: use the full name for xml:*).
std::string_view Attribute(const pugi::xml_node& node, std::string_view local_name);

// The text of all descendant PCDATA/CDATA nodes, concatenated (iterative walk, any depth).
std::string NodeText(const pugi::xml_node& node);

// The text of `node` trimmed with whitespace runs collapsed to one space.
std::string CleanText(const pugi::xml_node& node);

// Plain text of an HTML fragment: known HTML tags removed (block-level ones become spaces; an
// unknown "<tăng>" in a title stays text), comments removed, the common character references
// decoded (&amp; &#7871; &#x1EBF; &nbsp; &eacute; ...), whitespace collapsed.
std::string HtmlToText(std::string_view html);

// Parses `body` into `doc`. Returns OK for a well-formed document; otherwise InvalidArgument
// "XML error at byte N: <description>" and sets `*error_offset` to N. pugixml keeps what it parsed
// before the error in `doc`, so callers may still read it (see ElementComplete).
Status LoadXml(std::string_view body, pugi::xml_document* doc, size_t* error_offset);

// For a document that failed to parse at `error_offset`: true when `element` (parsed from `body`)
// was closed before the error, i.e. its content is whole. A <loc> cut by the error would
// otherwise yield a wrong, shortened URL.
bool ElementComplete(const pugi::xml_node& element, std::string_view body, size_t error_offset);

}  // namespace newscrawl::xml
