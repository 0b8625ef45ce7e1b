// Checks shared by the daemon's end-to-end tests: what the store and the server's request log
// must look like after the daemon crawled a NewsWeb.
#pragma once

#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "store/store.h"
#include "tests/pipeline/news_web.h"

namespace newscrawl::testing {

// Number of kNew events in the store's change feed.
uint64_t CountNewEvents(const store::Store& store);

// The change feed holds 1..LastSeq() in order without gaps; every published story has exactly one
// kNew event (under its URL, or under its syndicated copy's URL when the copy came first); every
// syndicated story has exactly one kDuplicate event pointing at that original; AMP/print aliases
// and tracking-parameter URLs gave no event; nothing else is in the feed; Store::Verify() passes.
::testing::AssertionResult CrawlComplete(const store::Store& store, const NewsWeb& web);

// No request for a robots-disallowed (/private/) or config-denied (/video/) path reached the web.
::testing::AssertionResult NothingForbiddenRequested(NewsWeb& web);

// Consecutive requests to each host started at least `min_delay - tolerance` apart (the
// fetcher's own robots.txt fetch is exempt from the delay, so pairs starting with it are skipped).
::testing::AssertionResult HostDelaysHonoured(NewsWeb& web, std::chrono::milliseconds min_delay,
                                              std::chrono::milliseconds tolerance);

}  // namespace newscrawl::testing
