// JSON-LD (schema.org) metadata from <script type="application/ld+json"> blocks.
//
// Every block is parsed with nlohmann::json without exceptions; a block that does not parse is
// cleaned once (HTML comment / CDATA wrappers removed, raw control characters inside strings
// escaped, trailing commas before '}' / ']' removed) and parsed again, else ignored. Objects are
// collected from top-level arrays, "@graph" and nested "mainEntity" / "mainEntityOfPage" values;
// "@id" references (Yoast-style graphs) are resolved for author, publisher and image.
// The article object is the first whose @type is an article type (NewsArticle, Article,
// BlogPosting, ReportageNewsArticle, AnalysisNewsArticle, OpinionNewsArticle, LiveBlogPosting,
// TechArticle, Report, ScholarlyArticle, SocialMediaPosting, ...), else the first WebPage-like
// object that has a headline. Pure and thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace newscrawl {

struct JsonLdArticle {
  bool found = false;    // an article (or headline-bearing page) object was found
  std::string type;      // its @type, lower-case ("newsarticle")
  std::string headline;  // headline, else name
  std::string description;
  std::vector<std::string> authors;  // Person names (Organization names only when no Person)
  std::string date_published, date_modified;  // verbatim strings
  std::string section;                        // articleSection (first when a list)
  std::vector<std::string> keywords;          // keywords split on ','
  std::vector<std::string> images;            // image URLs as written (may be relative)
  std::string publisher;                      // publisher name
  std::string article_body;
  std::string in_language;
  std::string url;  // url / mainEntityOfPage @id
};

struct JsonLdData {
  JsonLdArticle article;
  std::vector<std::string> breadcrumb;  // BreadcrumbList item names in position order
  std::string site_name;                // WebSite / Organization name, when present
};

// scripts: the text content of each application/ld+json script, in document order.
JsonLdData ParseJsonLd(const std::vector<std::string>& scripts);

// The cleanup applied to a block that fails to parse (exposed for tests).
std::string CleanSloppyJson(std::string_view text);

}  // namespace newscrawl
