// Page metadata: title, lead, authors, dates, language, canonical URL, site, section, tags,
// images, page type, read from a parsed HTML document.
//
// Every field has a fixed order of trust; the first source that yields a usable value wins:
//   title:        JSON-LD headline/name of the article (replaced by og:title when the headline
//                 is a cut-off prefix of it ending in "…") > og:title > twitter:title > the first
//                 <h1> outside page chrome that is not a logo > <title>. The site name is removed
//                 from each (" - VnExpress", " | Site", "Site | "); from <title> also a short
//                 trailing segment (" | The Site"). og:title replaces the JSON-LD headline when
//                 the page prints og:title as a heading (<h1>/<h2> outside chrome and
//                 breadcrumbs, alone or after a kicker) later than the headline, or prints only
//                 og:title: the headline printed nearest the body wins over an SEO variant or a
//                 page-top heading.
//   lead:         JSON-LD description > og:description > twitter:description > meta description
//                 > a visible sapo/standfirst element (class/id contains sapo, lead, summary,
//                 description, standfirst, excerpt, chapeau).
//   authors:      JSON-LD author (name(s); URLs ignored) > meta name=author (or articleAuthor)
//                 > article:author when it is a name, not a URL > rel=author links
//                 > itemprop=author > links to an author page (/author/, /autor(en)/,
//                 /journalist/) > visible byline classes (author, byline, tac-gia; not a
//                 brand/logo beside them) and bylines labelled by an element ("<strong>Autor
//                 </strong> Name"). "By", "Theo", "Von", "Par", "Tác giả:" and trailing "| date"
//                 are stripped; whitespace collapsed; duplicates removed. A source naming only the
//                 publisher yields to a later one naming a person. The list grows to the
//                 rel=author links outside chrome when they name all of it and more (co-authors),
//                 and gives way to the printed byline when the page credits its names as editors
//                 ("Editor: X"). With no person, the publisher is the author, also under its
//                 host name ("Example.at").
//   published_at: JSON-LD datePublished > article:published_time (and og:/dc./pubdate metas)
//                 > itemprop=datePublished > <time datetime> inside the article (or the first
//                 <time> with pubdate) > a date labelled by an element of its own
//                 ("<strong>Datum</strong> 28.04.2023") > a visible date near the title/byline
//                 (class contains date/time/publish/ngay) > the date in the URL (/2023/03/16/,
//                 -20230316).
//                 Visible dates in the page header/navigation (<header>, nav, top bar) outside
//                 the article are never used (they are "today" dates).
//   modified_at:  JSON-LD dateModified > article:modified_time / og:updated_time
//                 > itemprop=dateModified.
//                 Dates are ISO 8601 (see date_parse.h). A time without offset takes the offset
//                 of the page's other dates; else +07:00 on Vietnamese pages (lang vi or a .vn
//                 host); else it is written without offset. A date known only to the day stays
//                 "YYYY-MM-DD"; a month-only date is dropped (never completed with a day).
//   language:     <html lang> > og:locale > meta http-equiv=content-language / name=language
//                 > JSON-LD inLanguage. Normalised to BCP 47 ("vi", "en-US").
//   canonical_url: <link rel=canonical> > og:url > page_url; resolved to absolute against page_url.
//   site:         og:site_name > JSON-LD publisher.name > application-name > the host of page_url
//                 (without "www.").
//   section:      article:section > JSON-LD articleSection > the last-but-one breadcrumb item
//                 (JSON-LD BreadcrumbList, else a visible breadcrumb's last link).
//   tags:         article:tag > JSON-LD keywords > meta news_keywords > meta keywords (split on
//                 ',' / ';'), trimmed, deduplicated, at most 30.
//   images:       og:image (all, in order) then JSON-LD image; absolute, deduplicated.
//   page_type:    lower-case JSON-LD @type of the chosen article object > og:type.
// Thread safety: pure function over a read-only tree; safe from many threads on distinct trees.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <gumbo.h>

#include "common/article.h"

namespace newscrawl {

struct PageMetadata {
  std::string title, lead;  // title: JSON-LD headline > og:title > h1 > <title> minus site suffix
  std::vector<std::string> authors;
  std::string published_at, modified_at;  // ISO 8601 with offset; "YYYY-MM-DD" when day-only
  std::string language, canonical_url, site, section;
  std::vector<std::string> tags;
  std::vector<ArticleImage> images;  // og:image / JSON-LD image (absolute URLs)
  std::string page_type;  // lower-case og:type or JSON-LD @type ("article", "newsarticle", ...)
  std::string jsonld_article_body;  // JSON-LD articleBody if present (evidence for extraction)
};

// document: the Gumbo document node (scripts other than application/ld+json may have been
// removed). page_url: the URL the page came from; may be empty (no resolution, no URL date).
// Never fails: fields with no usable source stay empty. Does not modify or retain the tree.
PageMetadata ExtractMetadata(const GumboNode* document, std::string_view page_url);

}  // namespace newscrawl
