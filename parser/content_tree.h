// Internal to the content extractor: a flat, pre-order table of the elements of a page with the
// text statistics used to pick the main container and to clean it. Built without recursion.
// Not part of the public parser API (see content_extractor.h).
#pragma once

#include <gumbo.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "parser/boilerplate.h"

namespace newscrawl::content {

struct ElementInfo {
  const GumboNode* node = nullptr;
  int parent = -1;        // index of the parent element; -1 for the walk's root
  int block = -1;         // index of the nearest block-level ancestor-or-self
  int subtree_size = 1;   // elements in this subtree, this one included (next sibling = i + size)
  int prev_sibling = -1;  // index of the previous sibling element; -1 for a first child
  Hint hint = Hint::kNeutral;
  bool skipped = false;     // never rendered text: script, style, hidden, form controls...
  bool suppressed = false;  // boilerplate by tag or hint (decided by SelectContainer)
  // Inline text whose nearest block is this element (only meaningful for blocks).
  uint32_t own_chars = 0;
  uint32_t own_link_chars = 0;
  uint32_t anchors = 0;  // <a href> elements in the subtree
  // Subtree sums.
  uint32_t text_chars = 0;
  uint32_t link_chars = 0;
  uint32_t good_chars = 0;  // text in paragraph-like blocks (long, few links)
  uint32_t bad_chars = 0;   // everything else
};

struct ContentTree {
  std::vector<ElementInfo> elements;  // pre-order; elements[0] is the root given to BuildTree
};

// Weighted character count of UTF-8 text, ignoring whitespace: CJK/kana/hangul count 3 (one
// such character carries about a word), everything else 1.
uint32_t WeightedChars(std::string_view text);

// Walks `root` (normally <body>) and fills the table. Text statistics ignore skipped subtrees.
ContentTree BuildTree(const GumboNode* root);

// Picks the element that holds the article body (index into tree->elements), marking
// boilerplate subtrees as suppressed on the way. Returns 0 (the root) when nothing stands out.
int SelectContainer(ContentTree* tree);

}  // namespace newscrawl::content
