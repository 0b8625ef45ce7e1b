// PickAuthors: see meta_authors.h.
#include "parser/meta_authors.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "common/text.h"

namespace newscrawl {
namespace {

// `authors` completed by the co-authors of the printed byline: when the rel=author links outside
// page chrome name every one of `authors` and more people, the page credits them all (a
// JSON-LD list that kept only the first of two bylines).
std::vector<std::string> WithCoauthors(std::vector<std::string> authors, const PageFacts& f,
                                       const PublisherNames& publisher) {
  std::vector<std::string> linked;
  for (const std::string& link : f.rel_author_outside_chrome) {
    for (std::string& n : NormalizeAuthorNames(link)) {
      if (publisher.Names(n)) continue;
      if (std::find(linked.begin(), linked.end(), n) == linked.end()) linked.push_back(n);
    }
  }
  if (linked.size() <= authors.size() || linked.size() > 6) return authors;
  for (const std::string& a : authors) {
    if (std::find(linked.begin(), linked.end(), a) == linked.end()) return authors;
  }
  return linked;
}

// True when a byline credits its names as editors ("Editor: X", "Redaktur : X").
bool IsEditorCredit(std::string_view byline) {
  const std::string lower = text::AsciiLower(text::CollapseWhitespace(byline));
  for (std::string_view label : {"editor", "edited by", "redaktur", "redakteur", "redaktor"}) {
    if (lower.rfind(label, 0) == 0) return true;
  }
  return false;
}

// `authors` unless the page prints them as its editors and prints another person's byline: an
// author field that holds the editor (a role), not the writer.
std::vector<std::string> WithoutEditors(std::vector<std::string> authors, const PageFacts& f,
                                        const PublisherNames& publisher) {
  std::vector<std::string> editors, writers;
  for (const TextCandidate& c : f.bylines) {
    const bool editor = IsEditorCredit(c.text);
    for (std::string& n : NormalizeAuthorNames(c.text)) {
      std::vector<std::string>& list = editor ? editors : writers;
      if (!publisher.Names(n) && std::find(list.begin(), list.end(), n) == list.end()) {
        list.push_back(std::move(n));
      }
    }
  }
  for (const std::string& a : authors) {
    if (std::find(editors.begin(), editors.end(), a) == editors.end()) return authors;
  }
  std::vector<std::string> others;
  for (std::string& w : writers) {
    if (std::find(editors.begin(), editors.end(), w) == editors.end()) others.push_back(w);
  }
  return others.empty() || others.size() > 4 ? authors : others;
}

}  // namespace

std::vector<std::string> PickAuthors(const PageFacts& f, const JsonLdArticle& ld,
                                     const PublisherNames& publisher) {
  std::vector<std::string> sources;
  for (const std::string& a : ld.authors) sources.push_back(a);
  const size_t ld_sources = sources.size();
  sources.push_back(Meta(
      f, {"author", "dc.creator", "sailthru.author", "parsely-author", "byl", "articleauthor"}));
  std::string article_author = Meta(f, {"article:author"});
  if (article_author.find("://") == std::string::npos && article_author.find('/') != 0) {
    sources.push_back(article_author);
  }
  for (const std::string& r : f.rel_author) sources.push_back(r);
  sources.push_back(Itemprop(f, "author"));
  for (const std::string& link : f.author_page_links) sources.push_back(link);
  for (const TextCandidate& c : f.bylines) sources.push_back(c.text);

  for (bool publisher_allowed : {false, true}) {
    std::vector<std::string> authors;
    for (size_t i = 0; i < sources.size(); ++i) {
      // The JSON-LD author list is one source; every other source stands alone.
      if (!authors.empty() && i >= ld_sources) break;
      for (std::string& n : NormalizeAuthorNames(sources[i])) {
        if (!publisher_allowed && publisher.Names(n)) continue;
        if (std::find(authors.begin(), authors.end(), n) == authors.end()) {
          authors.push_back(std::move(n));
        }
      }
    }
    if (!authors.empty()) {
      return WithoutEditors(WithCoauthors(std::move(authors), f, publisher), f, publisher);
    }
  }
  // A newsroom credited under its host name ("ORF.at", "example.be"), which is no person's name.
  for (const std::string& source : sources) {
    std::string name = text::CollapseWhitespace(source);
    if (publisher.Names(name) && name.find('.') != std::string::npos &&
        name.find(' ') == std::string::npos && name.find('/') == std::string::npos &&
        name.size() <= 40) {
      return {name};
    }
  }
  return {};
}

}  // namespace newscrawl
