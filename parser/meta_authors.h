// The authors of a page, from the facts of the metadata walk (meta_collect.h): the order of
// sources and the rules are those of metadata.h ("authors"). Internal to the parser. Pure and
// thread-safe.
#pragma once

#include <string>
#include <vector>

#include "parser/jsonld.h"
#include "parser/meta_collect.h"
#include "parser/meta_text.h"

namespace newscrawl {

// Authors from the first source that names a person: JSON-LD, meta author tags, rel=author
// links, itemprop=author, links to author pages, visible bylines. A source that names only the
// publisher is passed over for a later one naming a person; with none, the publisher is the
// author (a byline of the newsroom: "Habertürk", "朝日新聞デジタル", "Example.at"). Completed by
// co-authors of the printed byline; replaced by the printed writer when the names are the
// page's editors.
std::vector<std::string> PickAuthors(const PageFacts& f, const JsonLdArticle& ld,
                                     const PublisherNames& publisher);

}  // namespace newscrawl
