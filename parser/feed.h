// Feeds: bytes of an RSS 2.0, RSS 1.0 (RDF), Atom or JSON Feed document -> the entries it lists;
// and feed discovery from a home page's <link rel="alternate">.
//
// Pure and thread-safe: no I/O, no logging, no global state.
// XML feeds are read with pugixml; elements are matched by local name whatever their namespace
// prefix ("dc:creator", "DC:creator" and "creator" are the same); CDATA and the XML entities are
// decoded; HTML in titles and summaries is reduced to plain text. JSON Feed (1.0 and 1.1) is read
// with nlohmann-json. The format is detected from the content, never from the URL or Content-Type.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace newscrawl {

// A feed with more entries than this is cut (Feed::warning says so); real news feeds list < 500.
inline constexpr size_t kMaxFeedEntries = 10000;

struct FeedEntry {
  // Absolute URL of the article: RSS <link> (else a permalink <guid>, else RDF rdf:about), Atom
  // <link rel="alternate"> (or without rel), JSON Feed "url" (else "external_url"). Relative URLs
  // are resolved against xml:base (Atom) and the feed URL. Entries without a usable URL are
  // skipped.
  std::string url;
  std::string title;         // plain text, whitespace collapsed; may be empty
  std::string published_at;  // ISO 8601 (ParseFeedDate); "" when absent or unparsable
  std::string updated_at;    // ISO 8601: Atom <updated>, JSON Feed date_modified; "" when absent
  std::string summary;       // plain text from description / summary / content; may be empty
  std::vector<std::string> authors;  // names; RSS "mail@x (Name)" gives "Name"
  std::string guid;  // RSS <guid>, Atom <id>, JSON Feed "id", RDF rdf:about; "" when absent
};

enum class FeedFormat { kRss2, kRss1, kAtom, kJsonFeed };

// "rss2", "rss1", "atom", "jsonfeed".
const char* FeedFormatName(FeedFormat format);

struct Feed {
  FeedFormat format = FeedFormat::kRss2;
  std::string title;     // the feed's own title; may be empty
  std::string site_url;  // the site the feed belongs to (channel <link>, Atom alternate link)
  std::vector<FeedEntry> entries;  // in document order
  // Non-empty when the document was damaged or cut but entries were found before the damage
  // ("XML error at byte 5120: unexpected end of data; 12 entries read before it"), or when the
  // entry cap was hit. The entries are still valid.
  std::string warning;
};

// Parses a feed. `feed_url` is the absolute URL the feed was fetched from (resolves relative
// links; may be empty, in which case relative links are dropped).
// Fails with InvalidArgument when the body is empty, is not a feed (e.g. an HTML page: the message
// names the root element), or is malformed before any entry could be read (the message gives the
// byte offset and pugixml's / nlohmann's description).
Result<Feed> ParseFeed(std::string_view body, std::string_view feed_url);

// Feed URLs advertised by an HTML page: <link rel="alternate" type="application/rss+xml" |
// "application/atom+xml" | "application/feed+json" | "application/rdf+xml" href="...">, resolved
// against <base href> and `base_url`, in document order, without duplicates. A cheap byte scan
// (no DOM): comments are skipped, attribute values may be quoted or not, entities in href decoded.
std::vector<std::string> DiscoverFeedLinks(std::string_view html, std::string_view base_url);

}  // namespace newscrawl
