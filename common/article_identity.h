// ArticleIdentity: which stored article a fetched page is, and the fingerprints of its text.
//
// One rule, one place: the store files an article under its identity, the daemon claims it in a
// cluster under the same identity, and the cluster names it by it. Computed once per fetched page
// (IdentifyArticle) and carried along that path, never re-derived.
//
// The rule: the index URL is the page's rel=canonical / og:url (Article::canonical_url) when that
// is on the same site as the fetched URL (a page may not claim another site's URL), else the
// fetched URL; both canonicalised (common/url.h). The id is ArticleIdFor(index URL).
// Pure functions, thread-safe.
#pragma once

#include <string>

#include "common/article.h"
#include "common/fingerprint.h"
#include "common/status.h"

namespace newscrawl {

struct ArticleIdentity {
  std::string fetched_url;  // CanonicalizeUrl(article.url)
  std::string index_url;    // the URL the article is stored under (see the file comment)
  std::string id;           // ArticleIdFor(index_url): 16 hex digits
  TextFingerprints text;    // FingerprintText(article.text): content hash, shingles, SimHash
};

// The URLs and id of `article` (fetched_url, index_url, id; `text` left empty): cheap, no text
// work. Fails like IdentifyArticle.
Result<ArticleIdentity> IdentifyArticleUrls(const Article& article);

// The identity of `article` from its url, canonical_url and text. Fails with InvalidArgument
// (naming the URL) when article.url is not an absolute URL that canonicalises; a canonical_url
// that does not canonicalise is ignored (the fetched URL is used). Normalises and tokenises the
// text once (~20 us for 5 KB): call it outside locks.
Result<ArticleIdentity> IdentifyArticle(const Article& article);

// Writes the identity onto the record: id, canonical_url (= index_url), content_hash and simhash.
// Leaves everything else alone.
void StampIdentity(const ArticleIdentity& identity, Article* article);

}  // namespace newscrawl
