// RSS 2.0, RSS 1.0 (RDF) and Atom with pugixml.
#include <string>
#include <vector>

#include "common/text.h"
#include "parser/date_parse.h"
#include "parser/feed_internal.h"
#include "parser/xml_util.h"

namespace newscrawl::feed_internal {
namespace {

using xml::Child;
using xml::Children;

// Plain text of a title/summary element: Atom type="xhtml" is markup already parsed as XML;
// everything else may carry escaped HTML.
std::string TextOf(const pugi::xml_node& node) {
  if (!node) return "";
  if (node.attribute("type").as_string() == std::string("xhtml")) return xml::CleanText(node);
  return xml::HtmlToText(xml::NodeText(node));
}

std::string FirstText(const pugi::xml_node& parent, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    std::string text = TextOf(Child(parent, name));
    if (!text.empty()) return text;
  }
  return "";
}

std::string FirstDate(const pugi::xml_node& parent, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    pugi::xml_node node = Child(parent, name);
    std::string date = node ? ParseFeedDate(xml::CleanText(node)) : "";
    if (!date.empty()) return date;
  }
  return "";
}

// The base URL in effect at `node`: the feed URL with every xml:base from the root down applied.
std::string BaseUrlAt(const pugi::xml_node& node, std::string_view feed_url) {
  std::vector<std::string_view> bases;
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    pugi::xml_attribute base = n.attribute("xml:base");
    if (base) bases.push_back(base.value());
  }
  std::string url(feed_url);
  for (auto it = bases.rbegin(); it != bases.rend(); ++it) {
    std::string resolved = ResolveHttpUrl(url, *it);
    if (!resolved.empty()) url = resolved;
  }
  return url;
}

// Atom-style <link rel="alternate" href>: rel absent or "alternate"; text/html preferred.
std::string AlternateLink(const pugi::xml_node& parent, std::string_view feed_url) {
  std::string fallback;
  for (const pugi::xml_node& link : Children(parent, "link")) {
    std::string rel = link.attribute("rel").as_string();
    if (!rel.empty() && rel != "alternate") continue;
    std::string href = link.attribute("href").as_string();
    if (href.empty()) continue;
    std::string url = ResolveHttpUrl(BaseUrlAt(link, feed_url), href);
    if (url.empty()) continue;
    std::string type = link.attribute("type").as_string();
    if (type.empty() || type == "text/html" || type == "application/xhtml+xml") return url;
    if (fallback.empty()) fallback = url;
  }
  return fallback;
}

// RSS <link>text</link>, else an atom:link inside the item.
std::string RssLink(const pugi::xml_node& item, std::string_view feed_url) {
  for (const pugi::xml_node& link : Children(item, "link")) {
    std::string url = ResolveHttpUrl(feed_url, xml::CleanText(link));
    if (!url.empty()) return url;
  }
  return AlternateLink(item, feed_url);
}

FeedEntry ParseRssItem(const pugi::xml_node& item, std::string_view feed_url, bool rdf) {
  FeedEntry entry;
  entry.url = RssLink(item, feed_url);
  pugi::xml_node guid = Child(item, "guid");
  entry.guid = xml::CleanText(guid);
  std::string about = text::CollapseWhitespace(xml::Attribute(item, "about"));
  if (entry.guid.empty() && rdf) entry.guid = about;
  if (entry.url.empty()) {
    bool permalink = guid && guid.attribute("isPermaLink").as_string() != std::string("false");
    if (permalink) entry.url = ResolveHttpUrl(feed_url, entry.guid);
    if (entry.url.empty() && rdf) entry.url = ResolveHttpUrl(feed_url, about);
  }
  entry.title = TextOf(Child(item, "title"));
  entry.published_at = FirstDate(item, {"pubDate", "date", "published", "issued"});
  entry.updated_at = FirstDate(item, {"updated", "modified"});
  entry.summary = FirstText(item, {"description", "summary", "encoded"});
  for (const char* name : {"author", "creator"}) {
    for (const pugi::xml_node& author : Children(item, name)) {
      pugi::xml_node atom_name = Child(author, "name");  // atom:author inside RSS
      AddAuthor(AuthorName(atom_name ? xml::NodeText(atom_name) : xml::NodeText(author)),
                &entry.authors);
    }
  }
  return entry;
}

std::vector<std::string> AtomAuthors(const pugi::xml_node& parent) {
  std::vector<std::string> authors;
  for (const pugi::xml_node& author : Children(parent, "author")) {
    pugi::xml_node name = Child(author, "name");
    AddAuthor(AuthorName(xml::NodeText(name ? name : author)), &authors);
  }
  return authors;
}

FeedEntry ParseAtomEntry(const pugi::xml_node& entry_node, std::string_view feed_url,
                         const std::vector<std::string>& feed_authors) {
  FeedEntry entry;
  entry.url = AlternateLink(entry_node, feed_url);
  entry.guid = xml::CleanText(Child(entry_node, "id"));
  entry.title = TextOf(Child(entry_node, "title"));
  entry.published_at = FirstDate(entry_node, {"published", "issued", "created"});
  entry.updated_at = FirstDate(entry_node, {"updated", "modified"});
  entry.summary = FirstText(entry_node, {"summary", "content"});
  entry.authors = AtomAuthors(entry_node);
  if (entry.authors.empty()) entry.authors = feed_authors;  // RFC 4287 §4.2.1: inherited
  return entry;
}

}  // namespace

Result<Feed> ParseXmlFeed(std::string_view body, std::string_view feed_url) {
  pugi::xml_document doc;
  size_t error_offset = 0;
  Status load = xml::LoadXml(body, &doc, &error_offset);
  pugi::xml_node root = doc.document_element();
  if (!root) {
    return Status::InvalidArgument(load.ok() ? "not a feed: no root element"
                                             : "not a feed: " + load.message());
  }

  Feed feed;
  std::string_view root_name = xml::LocalName(root.name());
  std::vector<pugi::xml_node> items;
  pugi::xml_node channel;
  if (xml::LocalNameIs(root, "rss") || xml::LocalNameIs(root, "channel")) {
    feed.format = FeedFormat::kRss2;
    channel = xml::LocalNameIs(root, "channel") ? root : Child(root, "channel");
    items = Children(channel, "item");
    if (items.empty()) items = Children(root, "item");  // items outside <channel>: seen in the wild
  } else if (xml::LocalNameIs(root, "RDF")) {
    feed.format = FeedFormat::kRss1;
    channel = Child(root, "channel");
    items = Children(root, "item");
    if (items.empty()) items = Children(channel, "item");
  } else if (xml::LocalNameIs(root, "feed")) {
    feed.format = FeedFormat::kAtom;
    channel = root;
    items = Children(root, "entry");
  } else {
    return Status::InvalidArgument("not a feed: the document's root element is <" +
                                   std::string(root_name) +
                                   ">, expected <rss>, <rdf:RDF> or <feed>");
  }

  feed.title = TextOf(Child(channel, "title"));
  std::vector<std::string> feed_authors;
  if (feed.format == FeedFormat::kAtom) {
    feed.site_url = AlternateLink(channel, feed_url);
    feed_authors = AtomAuthors(channel);
  } else {
    feed.site_url = RssLink(channel, feed_url);
  }
  for (const pugi::xml_node& item : items) {
    if (feed.entries.size() >= kMaxFeedEntries) {
      feed.warning = "feed cut at " + std::to_string(kMaxFeedEntries) + " entries";
      break;
    }
    if (!load.ok() && !xml::ElementComplete(item, body, error_offset)) break;  // cut by the error
    FeedEntry entry = feed.format == FeedFormat::kAtom
                          ? ParseAtomEntry(item, feed_url, feed_authors)
                          : ParseRssItem(item, feed_url, feed.format == FeedFormat::kRss1);
    if (!entry.url.empty()) feed.entries.push_back(std::move(entry));
  }

  if (!load.ok()) {
    if (feed.entries.empty()) return Status::InvalidArgument("malformed feed: " + load.message());
    feed.warning =
        load.message() + "; " + std::to_string(feed.entries.size()) + " entries read before it";
  }
  return feed;
}

}  // namespace newscrawl::feed_internal
