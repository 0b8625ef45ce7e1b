// The content extractor's cleaner (internal to parser/; see content_extractor.h): inside a
// chosen article block, marks what must not be rendered as text: hidden and suppressed
// subtrees, the h1, link lists, image blocks and captions, boilerplate headings with their items
// ("Tin liên quan", "Related"), "Tags: ..." lines, cards teasing other stories (a linked
// headline over a one-line excerpt, beside cards like it). Pure; linear in the block (every scan of a
// subtree is bounded or precomputed in SubtreeFacts).
#pragma once

#include <gumbo.h>

#include <cstdint>
#include <vector>

#include "parser/boilerplate.h"
#include "parser/content_tree.h"

namespace newscrawl::content {

// drop_ value of a block whose text is an image caption (rendered into images[], not text).
constexpr char kImageBlock = 2;

// h2..h6 (the h1 is the headline, dropped by the cleaner).
bool IsHeadingTag(GumboTag tag);

// Per-element sums over descendants that the cleaner would otherwise recompute by scanning
// each subtree (quadratic on deep or wide pages). Computed once per page, bottom-up.
struct SubtreeFacts {
  std::vector<uint32_t> suppressed_text;  // text chars in suppressed subtrees strictly below
  std::vector<uint32_t> suppressed_link;  // link chars in suppressed subtrees strictly below
  std::vector<char> block_below;          // 1 when a strict descendant is a block element

  explicit SubtreeFacts(const std::vector<ElementInfo>& el);
};

// Marks in `drop` (indexed like tree.elements) the elements under `block` that must not be
// rendered: 1 for boilerplate, kImageBlock for an image block whose text is a caption.
void CleanBlock(const ContentTree& tree, const SubtreeFacts& facts, int block,
                const BoilerplatePhrases& phrases, std::vector<char>* drop);

}  // namespace newscrawl::content
