// `newscrawl fetch --warc FILE`: what the fetch got, as WARC request/response records in FILE.
//
// Everything that went over the wire is kept: the pages asked for and the robots.txt files the
// fetcher read first, with the heads as sent and received (pipeline/fetch_archive.h describes
// the records).
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "crawler/fetcher.h"
#include "pipeline/fetch_archive.h"

namespace newscrawl::cli {

// Opens FILE.open for writing (FILE itself once closed; plain records when FILE ends in ".warc",
// else one gzip member per record) and attaches the archive to the
// fetcher's `options` and `env` (FetchArchive::Attach). An unfinished FILE.open of an
// interrupted run is first cut back and closed as FILE; an existing FILE is never overwritten
// (AlreadyExists). Record each result as UrlKind::kArticle.
Result<std::unique_ptr<pipeline::FetchArchive>> OpenFetchWarc(const std::string& path,
                                                              crawler::FetcherOptions* options,
                                                              crawler::FetcherEnv* env);

}  // namespace newscrawl::cli
