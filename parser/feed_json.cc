// JSON Feed 1.0 / 1.1 (https://jsonfeed.org/version/1.1) with nlohmann-json.
#include <nlohmann/json.hpp>

#include "common/text.h"
#include "parser/date_parse.h"
#include "parser/feed_internal.h"
#include "parser/xml_util.h"

namespace newscrawl::feed_internal {
namespace {

using Json = nlohmann::json;

std::string StringField(const Json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());  // numeric ids
  return "";
}

// JSON Feed 1.1 "authors": [{"name": ...}], 1.0 "author": {"name": ...}.
std::vector<std::string> Authors(const Json& object) {
  std::vector<std::string> names;
  auto authors = object.find("authors");
  if (authors != object.end() && authors->is_array()) {
    for (const Json& author : *authors) {
      if (author.is_object()) AddAuthor(AuthorName(StringField(author, "name")), &names);
    }
  }
  auto author = object.find("author");
  if (names.empty() && author != object.end() && author->is_object()) {
    AddAuthor(AuthorName(StringField(*author, "name")), &names);
  }
  return names;
}

}  // namespace

Result<Feed> ParseJsonFeed(std::string_view body, std::string_view feed_url) {
  Json doc;
  try {
    doc = Json::parse(body.begin(), body.end());
  } catch (const Json::parse_error& e) {
    return Status::InvalidArgument("malformed JSON feed: JSON error at byte " +
                                   std::to_string(e.byte) + ": " + e.what());
  }
  auto items = doc.find("items");
  if (!doc.is_object() || items == doc.end() || !items->is_array()) {
    return Status::InvalidArgument("not a feed: JSON document without an \"items\" array");
  }

  Feed feed;
  feed.format = FeedFormat::kJsonFeed;
  feed.title = text::CollapseWhitespace(StringField(doc, "title"));
  feed.site_url = ResolveHttpUrl(feed_url, StringField(doc, "home_page_url"));
  std::vector<std::string> feed_authors = Authors(doc);
  for (const Json& item : *items) {
    if (!item.is_object()) continue;
    if (feed.entries.size() >= kMaxFeedEntries) {
      feed.warning = "feed cut at " + std::to_string(kMaxFeedEntries) + " entries";
      break;
    }
    FeedEntry entry;
    entry.url = ResolveHttpUrl(feed_url, StringField(item, "url"));
    if (entry.url.empty()) entry.url = ResolveHttpUrl(feed_url, StringField(item, "external_url"));
    if (entry.url.empty()) continue;
    entry.guid = StringField(item, "id");
    entry.title = xml::HtmlToText(StringField(item, "title"));
    entry.published_at = ParseFeedDate(StringField(item, "date_published"));
    entry.updated_at = ParseFeedDate(StringField(item, "date_modified"));
    entry.summary = text::CollapseWhitespace(StringField(item, "summary"));
    if (entry.summary.empty())
      entry.summary = text::CollapseWhitespace(StringField(item, "content_text"));
    if (entry.summary.empty()) entry.summary = xml::HtmlToText(StringField(item, "content_html"));
    entry.authors = Authors(item);
    if (entry.authors.empty()) entry.authors = feed_authors;
    feed.entries.push_back(std::move(entry));
  }
  return feed;
}

}  // namespace newscrawl::feed_internal
