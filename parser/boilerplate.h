// Boilerplate knowledge shared by the content extractor: trailer/heading phrases ("Tin liên
// quan", "Bình luận (12)", "Related articles") and class/id/role hints ("comment", "sidebar",
// "binh-luan", "article-body").
//
// Generic by design: no per-site rules. Phrases cover Vietnamese and English first, plus a few
// common German and French ones; ExtractOptions::extra_boilerplate_phrases extends the list per
// site. Pure and thread-safe (the built-in tables are immutable statics).
#pragma once

#include <gumbo.h>

#include <cstdint>

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace newscrawl::content {

// Lower-cases (Unicode), drops digits and punctuation (so "BÌNH LUẬN (12)" and "Bình luận:"
// become "bình luận"), folds whitespace. Input must be UTF-8; invalid bytes are dropped.
std::string NormalizeHeadingText(std::string_view text);

enum class HeadingKind {
  kNone,      // not a boilerplate heading
  kTrailer,   // related/latest/most-read/tags/share...: drop the heading and its item list
  kComments,  // comments/replies: drop the heading and everything after it in its section
};

class BoilerplatePhrases {
 public:
  // `extra` phrases (any case, any punctuation) extend the built-in list as kTrailer.
  explicit BoilerplatePhrases(const std::vector<std::string>& extra = {});
  // Classifies a candidate heading's visible text. Texts longer than a heading can be (over
  // 80 bytes) are kNone without normalising.
  HeadingKind Classify(std::string_view text) const;

 private:
  std::unordered_set<std::string> extra_;
};

// What an element's class, id, role, hidden/aria-hidden and style attributes say about it.
enum class Hint {
  kNeutral,
  kPositive,  // looks like the article body ("article-body", itemprop=articleBody, role=main)
  kNegative,  // looks like boilerplate ("comments", "related", "sidebar", "binh-luan", "share")
  kHidden,    // not rendered (hidden, aria-hidden=true, display:none, "sr-only"); not React's
              // streamed segments (<div hidden id="S:0">), which a script shows
};
class HintCache;
// `cache` may be nullptr (no memo).
Hint ClassifyHints(const GumboNode* element, HintCache* cache = nullptr);

// Memo of what class tokens and ids say, for the elements of one page (pages repeat the same
// tokens thousands of times). Its keys point into the page's Gumbo tree: it must not outlive
// the tree. Not thread-safe; one per page walk.
class HintCache {
 private:
  friend Hint ClassifyHints(const GumboNode* element, HintCache* cache);
  std::unordered_map<std::string_view, uint8_t> verdicts_;
};

// True for tags whose whole subtree is page furniture when they are not the main container:
// nav, aside, footer, header, form, dialog, menu.
bool IsFurnitureTag(GumboTag tag);

}  // namespace newscrawl::content
