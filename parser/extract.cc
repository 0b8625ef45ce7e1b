#include "parser/extract.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "common/text.h"
#include "parser/boilerplate.h"
#include "parser/charset.h"
#include "parser/content_extractor.h"
#include "parser/content_tree.h"
#include "parser/dom.h"
#include "parser/html_prefilter.h"
#include "parser/meta_text.h"
#include "parser/metadata.h"

namespace newscrawl {
namespace {

// Below this much body text (weighted chars, about 60 words) a page is an article only in
// doubt: it is kept with doubt_reason "short_text" (a crawler must not silently drop a short
// article), down to kMinDoubtfulChars.
constexpr uint32_t kMinArticleChars = 350;
// Below this (about 25 words: a heading, an error message, a login box) a page is not an
// article, unless its own markup declares one and some text came out.
constexpr uint32_t kMinDoubtfulChars = 150;
// A page that looks like a listing (many headings that are links) but holds at least this much
// running text (weighted chars, about 500 words) is kept, in doubt ("listing_like"): forum
// threads, press-release pages and articles with big teaser blocks look like listings too, and
// a crawler must not silently drop an article. Below it, with little text per teaser heading,
// the page is a listing.
constexpr uint32_t kMinListingLikeArticleChars = 3000;

// Binary data (images, archives, PDFs) has NUL bytes early; HTML in any ASCII-compatible
// charset never does. (UTF-16 is caught by its BOM in DecodeHtml before we get here.)
bool LooksBinary(std::string_view bytes) {
  std::string_view head = bytes.substr(0, 1024);
  size_t nuls = std::count(head.begin(), head.end(), '\0');
  return nuls > 4;
}

bool UrlIsSiteRoot(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return false;
  size_t path = url.find_first_of("/?#", scheme + 3);
  if (path == std::string_view::npos) return true;
  std::string_view rest = url.substr(path);
  return rest == "/" || rest.substr(0, 2) == "/?" || rest.substr(0, 2) == "/#" ||
         rest == "/index.html" || rest == "/index.php" || rest == "/index.htm";
}

bool MentionsConsent(std::string_view text) {
  std::string lower = text::AsciiLower(text);
  for (std::string_view w : {"cookie", "consent", "gdpr", "privacy settings"}) {
    if (lower.find(w) != std::string::npos) return true;
  }
  return false;
}

bool IsArticleType(std::string_view type) {
  return type.find("article") != std::string_view::npos || type == "blogposting" ||
         type == "report" || type == "liveblogposting";
}

// Decides is_article / not_article_reason / doubt_reason from what the extractor saw: false
// only for pages that clearly are not articles; a short text, a text taken from the page's
// metadata, a listing-like page with much running text are kept, in doubt.
void DecideIsArticle(const content::ContentResult& content, const PageMetadata& meta,
                     std::string_view url, size_t input_bytes, const std::string& text,
                     Article* article) {
  auto reject = [&](const char* reason) {
    article->is_article = false;
    article->not_article_reason = reason;
    article->doubt_reason.clear();
  };
  const bool typed_article = IsArticleType(meta.page_type);
  if (content.container_chars < kMinArticleChars) {
    if (content.body_chars < 3000 && MentionsConsent(text.empty() ? meta.title : text)) {
      return reject("consent_wall");
    }
    const bool some_text =
        content.container_chars >= kMinDoubtfulChars || (typed_article && !text.empty());
    if (!some_text) {
      return reject(content.body_chars < 200 && input_bytes > 20000 ? "empty_js_shell"
                                                                    : "too_little_text");
    }
    // Text that came out of an (almost) empty body is the publisher's own metadata copy: the
    // page renders its body with JavaScript.
    article->doubt_reason =
        content.body_chars < 200 && input_bytes > 20000 ? "js_rendered" : "short_text";
  }
  if (typed_article) return;
  if (UrlIsSiteRoot(url)) return reject("home_page");
  if (content.link_headings >= 6 && content.container_good_chars < 400u * content.link_headings) {
    if (content.container_good_chars < kMinListingLikeArticleChars) return reject("listing_page");
    if (article->doubt_reason.empty()) article->doubt_reason = "listing_like";
  }
}

// A paragraph that is a byline ("Theo Minh Anh", "Nhóm phóng viên", "By Jane Doe", "Von Max
// Muster"): a short line that starts with a byline word, or that names one of the page's
// declared authors. Its names go to authors, not to the text. Printed over the article
// (`opening`), "Theo " and "Di " start sentences too ("Theo báo cáo...") and do not count.
bool IsByline(const std::string& line, const std::vector<std::string>& authors, bool opening) {
  if (line.size() > 80) return false;
  int words = 1;
  for (char c : line) words += c == ' ' ? 1 : 0;
  if (words > 7 || line.back() == '?' || line.back() == '!') return false;
  for (const std::string& author : authors) {
    if (!author.empty() && text::EqualsIgnoreCase(line, author)) return true;
  }
  for (std::string_view prefix :
       {"Theo ", "By ", "BY ", "Von ", "Par ", "Por ", "Di ", "Door ", "Av ", "Tác giả",
        "Nhóm phóng viên", "Nhóm PV", "Reporting by", "Autor:", "Author:", "Text:", "Texto:"}) {
    if (opening && (prefix == "Theo " || prefix == "Di ")) continue;
    if (line.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

// Moves a byline printed as the body's first or last line to authors (filled only when the page
// declared none elsewhere). Applies to every caller of ExtractArticle: daemon, fetch, extract.
void TakeBylines(std::vector<std::string>* paragraphs, std::vector<std::string>* authors) {
  for (bool opening : {false, true}) {
    if (paragraphs->size() < 2) return;
    std::string& line = opening ? paragraphs->front() : paragraphs->back();
    if (!IsByline(line, *authors, opening)) continue;
    std::vector<std::string> names = NormalizeAuthorNames(line);
    if (names.empty() && !opening) names.push_back(line);  // "Nhóm phóng viên": a team name
    if (authors->empty()) *authors = std::move(names);
    if (opening) {
      paragraphs->erase(paragraphs->begin());
    } else {
      paragraphs->pop_back();
    }
  }
}

std::string JoinParagraphs(const std::vector<std::string>& paragraphs) {
  std::string text;
  for (const std::string& p : paragraphs) {
    if (!text.empty()) text.push_back('\n');
    text.append(p);
  }
  return text;
}

// Whitespace-folds each line of `text`, dropping empty ones (JSON-LD bodies come with
// arbitrary spacing and sometimes with HTML tags, which make it unusable: then "" is returned).
std::string FoldLines(std::string_view text) {
  if (text.find("</") != std::string_view::npos || text.find("<p") != std::string_view::npos) {
    return "";
  }
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line = text::CollapseWhitespace(text.substr(start, end - start));
    if (!line.empty()) {
      if (!out.empty()) out.push_back('\n');
      out.append(line);
    }
    start = end + 1;
  }
  return out;
}

}  // namespace

Result<Article> ExtractArticle(std::string_view bytes, const ExtractOptions& options) {
  if (bytes.empty()) return Status::InvalidArgument("empty document");
  Article article;
  article.url = options.url;
  article.http.content_type = options.content_type;
  if (LooksBinary(bytes)) {
    article.is_article = false;
    article.not_article_reason = "not_html";
    return article;
  }
  // Cap before decoding too: a 50 MB page must not cost a 50 MB conversion first.
  if (bytes.size() > options.max_input_bytes) {
    size_t cut = bytes.rfind('<', options.max_input_bytes);
    bytes =
        bytes.substr(0, cut == std::string_view::npos || cut == 0 ? options.max_input_bytes : cut);
  }
  Result<DecodedHtml> decoded = DecodeHtml(bytes, options.charset, Normalization::kNone);
  if (!decoded.ok()) return decoded.status();
  article.http.charset = decoded->charset;

  PrefilterOptions prefilter_options;
  prefilter_options.max_bytes = options.max_input_bytes;
  prefilter_options.max_depth = options.max_depth;
  PrefilterResult filtered = PrefilterHtml(decoded->utf8, prefilter_options);
  decoded->utf8.clear();
  decoded->utf8.shrink_to_fit();
  // NFC after the prefilter: the same result on a third of the bytes (see charset.h).
  const std::string html = NormalizeNfc(filtered.html);
  filtered.html.clear();
  filtered.html.shrink_to_fit();
  dom::ParsedHtml parsed = dom::ParsedHtml::Parse(html);

  PageMetadata meta = ExtractMetadata(parsed.document(), options.url);
  content::BoilerplatePhrases phrases(options.extra_boilerplate_phrases);
  content::ContentOptions content_options;
  content_options.phrases = &phrases;
  content_options.base_url = options.url;
  content_options.title = meta.title;
  content::ContentResult content = content::ExtractContent(parsed.body(), content_options);

  TakeBylines(&content.paragraphs, &meta.authors);
  article.text = JoinParagraphs(content.paragraphs);
  // The publisher's own copy of the body (JSON-LD articleBody) is evidence: when the page shows
  // much less than it (the body is rendered by JavaScript, or our container missed most of it),
  // it is the better text.
  // When nothing was rendered at all, any copy is better than none (a JavaScript shell that
  // declares its article).
  const std::string& ld_body = meta.jsonld_article_body;
  if ((ld_body.size() >= 500 || article.text.empty()) && article.text.size() * 2 < ld_body.size()) {
    std::string text = FoldLines(ld_body);
    if (!text.empty()) {
      article.text = std::move(text);
      content.container_chars = content::WeightedChars(article.text);
    }
  }
  article.canonical_url = meta.canonical_url;
  article.site = meta.site;
  article.title = meta.title;
  article.lead = meta.lead;
  article.authors = meta.authors;
  article.published_at = meta.published_at;
  article.modified_at = meta.modified_at;
  article.language = meta.language;
  article.section = meta.section;
  article.tags = meta.tags;
  // Body images (they carry captions) first, then the page's declared images.
  article.images = std::move(content.images);
  std::unordered_set<std::string> image_urls;
  for (const ArticleImage& image : article.images) image_urls.insert(image.url);
  for (ArticleImage& image : meta.images) {
    if (image_urls.insert(image.url).second) article.images.push_back(std::move(image));
  }
  DecideIsArticle(content, meta, options.url, bytes.size(), article.text, &article);
  return article;
}

}  // namespace newscrawl
