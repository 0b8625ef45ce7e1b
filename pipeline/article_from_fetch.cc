#include "pipeline/article_from_fetch.h"

#include "parser/extract.h"

namespace newscrawl::pipeline {

Result<Article> ArticleFromFetch(const crawler::FetchResult& result,
                                 const std::vector<std::string>& extra_boilerplate_phrases) {
  ExtractOptions extract;
  extract.url = result.final_url;
  extract.charset = result.charset;
  extract.content_type = result.content_type;
  extract.extra_boilerplate_phrases = extra_boilerplate_phrases;
  auto article = ExtractArticle(result.body, extract);
  if (!article.ok()) return article;
  article->fetched_at = result.fetched_at;
  article->http.status = result.status;
  article->http.etag = result.etag;
  article->http.last_modified = result.last_modified;
  return article;
}

}  // namespace newscrawl::pipeline
