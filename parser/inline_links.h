// Internal to the content extractor: links that are words of running text rather than
// navigation. Pure and thread-safe.
#pragma once

#include <gumbo.h>

namespace newscrawl::content {

// True when `link` (an <a> element) sits inside CJK running text: a text node beside it ends
// or starts with a kana, ideograph, hangul or sentence punctuation mark ("、", "。", "：", "（")
// with no space in between, and the link's own text starts or ends with such a character.
// Scripts written without spaces glue a keyword link to the sentence around it ("気象庁は13日")
// where a menu separates its links by spaces, list items or separators ("｜", "・", "＞").
// Such a link is text of the paragraph, not link text, for the densities of the extractor.
bool IsLinkInCjkRunningText(const GumboNode* link);

}  // namespace newscrawl::content
