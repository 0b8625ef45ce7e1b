// One pass over a Gumbo document that gathers the raw facts ExtractMetadata decides from
// (metadata.h). Internal to the parser. Pure and thread-safe.
#pragma once

#include <gumbo.h>

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

namespace newscrawl {

// A piece of visible text that may carry a date, an author or a lead, and where it sits.
struct TextCandidate {
  std::string text;         // whitespace-collapsed text of the element
  int order = 0;            // document order of the element
  bool in_article = false;  // inside <article>, <main> or an itemprop=articleBody/Article scope
  bool after_h1 = false;    // comes after the title <h1> in document order
};

struct PageFacts {
  std::string html_lang;
  // <meta> values keyed by lower-case name / property / itemprop / http-equiv, in order.
  std::vector<std::pair<std::string, std::string>> metas;
  std::string title;  // <title> text
  std::string h1;     // the first <h1> outside page chrome (not a logo)
  int h1_order = -1;
  std::vector<std::string> ld_scripts;                 // application/ld+json script texts
  std::string canonical_href;                          // <link rel=canonical href>
  std::vector<std::string> rel_author;                 // text (or title) of rel=author links
  std::vector<std::string> rel_author_outside_chrome;  // those of them outside page chrome
  std::vector<std::string> author_page_links;  // texts of links to author pages outside chrome
  // Texts of <h1>/<h2> outside page chrome, logos and breadcrumbs, in document order.
  std::vector<std::string> headings;
  // itemprop values from elements other than <meta> (content/datetime attribute, else text).
  std::vector<std::pair<std::string, std::string>> itemprops;
  std::vector<TextCandidate> time_datetimes;  // <time datetime> values outside page chrome
  std::vector<TextCandidate> date_texts;      // texts of date-like elements outside page chrome
  std::vector<TextCandidate> bylines;         // texts of author/byline elements outside page chrome
  std::vector<TextCandidate> labelled_dates;  // texts after a "Datum"/"Published" label element
  std::vector<TextCandidate> sapos;           // texts of sapo/lead/summary elements
  std::vector<std::string> breadcrumb;        // link texts of the first visible breadcrumb
};

// The first <meta> value among `keys` (lower-case; earlier keys win over later ones), or "".
std::string Meta(const PageFacts& f, std::initializer_list<const char*> keys);
// The first value of itemprop `key` (from elements other than <meta>), or "".
std::string Itemprop(const PageFacts& f, const char* key);

// Walks `document` once, without recursion. Page chrome is <nav>, and <footer>, <aside>,
// <header> outside the article unless their class/id names the article ("entry-header"), and
// elements whose class/id has a token naming a menu, top bar, sidebar, footer, comment, related
// block or a "today"/clock widget; nothing inside chrome becomes a date, byline or sapo candidate.
PageFacts CollectPageFacts(const GumboNode* document);

}  // namespace newscrawl
