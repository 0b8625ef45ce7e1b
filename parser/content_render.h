// The content extractor's renderer (internal to parser/; see content_extractor.h): walks the
// article blocks without recursion and turns what the cleaner kept into paragraphs (one per
// block-level element), collecting body images with their captions on the way. Pure.
#pragma once

#include <vector>

#include "parser/content_extractor.h"
#include "parser/content_tree.h"

namespace newscrawl::content {

// Appends the paragraphs and images of `blocks` (in order; `drop` from CleanBlock) to `result`,
// adding their weighted chars to result->container_chars. Returns, per paragraph of
// result->paragraphs (those already there included, as 0), 1 when all its text sits inside links.
std::vector<char> RenderBlocks(const ContentTree& tree, const std::vector<char>& drop,
                               const ContentOptions& options, const std::vector<int>& blocks,
                               ContentResult* result);

}  // namespace newscrawl::content
