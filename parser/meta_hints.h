// What the metadata walk (meta_collect.h) reads from an element's class and id and from a few
// element shapes: page chrome, the article, logos, breadcrumbs, dates, bylines, sapos. Internal to
// the parser. Pure and thread-safe.
#pragma once

#include <gumbo.h>

#include <string_view>

namespace newscrawl {

// What an element's class + id (lower-cased) say to the walk, judged once per distinct class
// string of the page (elements without an id repeat the same few classes thousands of times).
struct ClassIdFacts {
  bool present = false;  // the element has a class or an id
  bool named_for_article = false;
  bool chrome = false;
  bool logo = false;
  bool breadcrumb = false;
  bool date = false;
  bool byline = false;
  bool sapo = false;
};

ClassIdFacts JudgeClassId(std::string_view cls, std::string_view id);

// An <a> whose target is an author's page ("/author/jane-doe", "/autoren/name/x", "/journalist/").
// (The prefilter keeps only such targets: html_attributes.cc.)
bool IsAuthorPageHref(const GumboNode* link);

// What an element whose only content is a short label names: the author field ("Author",
// "Autorin/Autor", "Auteur :", "Tác giả"), the date field ("Datum", "Published", "Fecha"), or
// nothing.
enum class FieldLabel { kNone, kAuthor, kDate };
FieldLabel LabelOf(const GumboNode* node);

}  // namespace newscrawl
