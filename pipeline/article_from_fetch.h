// ArticleFromFetch: the article record of one fetched page, the same for the daemon and
// `newscrawl fetch`: ExtractArticle over the body (url = final URL, charset and Content-Type from
// the response), then the fetch's own fields: fetched_at and http{status, etag, last_modified}.
// Pure (no I/O); thread-safe.
#pragma once

#include <string>
#include <vector>

#include "common/article.h"
#include "common/status.h"
#include "crawler/fetch_result.h"

namespace newscrawl::pipeline {

// Fails like ExtractArticle (only when nothing usable can be produced, e.g. an empty body); a page
// that is not an article is a record with is_article false. `extra_boilerplate_phrases`: the
// site's own boilerplate headings (config), in addition to the built-in list.
Result<Article> ArticleFromFetch(const crawler::FetchResult& result,
                                 const std::vector<std::string>& extra_boilerplate_phrases = {});

}  // namespace newscrawl::pipeline
