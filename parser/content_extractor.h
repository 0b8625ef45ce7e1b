// ExtractContent: finds the article body in a parsed page and renders it as paragraphs.
//
// How: every element gets text statistics (content_tree.h); the container maximising "running
// text minus everything else" wins, with a bonus for semantic hints (itemprop=articleBody,
// "article-body", <article>). Inside it, boilerplate is dropped: furniture tags (nav, aside,
// footer, form, ...), class/id hints (comments, related, share, "binh-luan"...), hidden
// elements, link lists, the headline (h1), figures (their captions go to `images`), and
// boilerplate headings ("Tin liên quan", "Bình luận (12)", "Related") together with their items,
// wherever they sit, captions and credits next to images, and closing lines that are only a link
// or a social/newsletter promotion. A page that appends the next stories in full (endless
// scrolling: later <article>s under an <h1> of their own) yields its first story only. Lines that
// are only an ad label or a notice ("Advertisement", "Article continues below") are dropped.
// Comment-classed blocks are the text when the page has almost nothing else (a forum thread, a live
// blog). Pure and thread-safe.
#pragma once

#include <gumbo.h>

#include <string>
#include <vector>

#include "common/article.h"
#include "parser/boilerplate.h"

namespace newscrawl::content {

struct ContentOptions {
  const BoilerplatePhrases* phrases = nullptr;  // required; not owned
  std::string base_url;                         // resolves image URLs; may be empty
  std::string title;                            // headline: a paragraph equal to it is dropped
};

struct ContentResult {
  std::vector<std::string> paragraphs;  // whitespace-folded, non-empty
  std::vector<ArticleImage> images;     // images inside the body, with captions
  std::string lead;                     // lead printed before the body (also paragraphs[0])
  // Evidence for the is-article decision.
  uint32_t body_chars = 0;            // weighted chars of visible text on the whole page
  uint32_t body_link_chars = 0;       // of which inside links
  uint32_t container_chars = 0;       // weighted chars of the rendered paragraphs
  uint32_t container_good_chars = 0;  // running text in the chosen container
  int link_headings = 0;  // headings (h2-h4) in the container that are mostly a link (teasers)
  bool container_is_root = false;
};

ContentResult ExtractContent(const GumboNode* body, const ContentOptions& options);

}  // namespace newscrawl::content
