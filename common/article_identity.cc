#include "common/article_identity.h"

#include "common/url.h"

namespace newscrawl {

Result<ArticleIdentity> IdentifyArticleUrls(const Article& article) {
  auto fetched = CanonicalizeUrl(article.url);
  if (!fetched.ok()) return fetched.status().WithContext("article url \"" + article.url + "\"");
  ArticleIdentity identity;
  identity.fetched_url = std::move(fetched).value();
  identity.index_url = identity.fetched_url;
  if (!article.canonical_url.empty() && SameSite(article.canonical_url, article.url)) {
    auto declared = CanonicalizeUrl(article.canonical_url);
    if (declared.ok()) identity.index_url = std::move(declared).value();
  }
  identity.id = ArticleIdFor(identity.index_url);
  return identity;
}

Result<ArticleIdentity> IdentifyArticle(const Article& article) {
  auto identity = IdentifyArticleUrls(article);
  if (!identity.ok()) return identity;
  identity->text = FingerprintText(article.text);
  return identity;
}

void StampIdentity(const ArticleIdentity& identity, Article* article) {
  article->id = identity.id;
  article->canonical_url = identity.index_url;
  article->content_hash = identity.text.content_hash;
  article->simhash = identity.text.simhash;
}

}  // namespace newscrawl
