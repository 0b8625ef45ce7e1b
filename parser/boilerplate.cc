#include "parser/boilerplate.h"

#include <algorithm>

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "common/text.h"
#include "parser/dom.h"
#include "parser/substring_set.h"

namespace newscrawl::content {
namespace {

// Built-in trailer headings. Stored as written; normalised once at first use.
constexpr std::string_view kTrailerPhrases[] = {
    // Vietnamese
    "Các tin khác", "Tin khác", "Bài khác", "Mới nhất", "Tin mới", "Tin mới nhất",
    "Tin mới cập nhật", "Xem nhiều nhất", "Xem nhiều", "Tin xem nhiều", "Đọc nhiều",
    "Đọc nhiều nhất", "Tin đọc nhiều", "Tin liên quan", "Bài liên quan", "Tin tức liên quan",
    "Bài viết liên quan", "Tin cùng chuyên mục", "Cùng chuyên mục", "Tin cùng chuyên mục khác",
    "Xem thêm", "Đọc thêm", "Tham khảo thêm", "Tin nổi bật", "Nổi bật", "Chủ đề",
    "Chủ đề liên quan", "Từ khóa", "Từ khoá", "Tags", "Tag", "Chia sẻ", "Tin tiêu điểm",
    "Tiêu điểm", "Có thể bạn quan tâm", "Bạn có thể quan tâm", "Video nổi bật", "Tin video",
    "Tin ảnh", "Đừng bỏ lỡ",
    // English
    "Related", "Related articles", "Related stories", "Related posts", "Related news",
    "Related content", "Related coverage", "Related links", "Related topics", "Related reading",
    "Read more", "Read next", "Read more stories", "More stories", "More news", "More articles",
    "More from", "More on this story", "More on this topic", "Most read", "Most popular",
    "Most viewed", "Most shared", "Popular", "Popular now", "Popular stories", "Trending",
    "Trending now", "Trending stories", "Latest", "Latest news", "Latest stories",
    "Latest articles", "Recommended", "Recommended for you", "Recommended stories",
    "You may also like", "You might also like", "You may be interested in", "Also read", "See also",
    "Top stories", "Editor's picks", "Editors' picks", "Don't miss", "Tags", "Topics", "Share",
    "Share this", "Share this article", "Share this story", "Share this post", "Follow us",
    "Newsletter", "Sign up for our newsletter", "Around the web", "Sponsored", "Sponsored content",
    "Promoted stories", "What to read next", "Up next",
    // German, French
    "Weitere Artikel", "Mehr zum Thema", "Das könnte Sie auch interessieren", "Auch interessant",
    "Lesen Sie auch", "Ähnliche Artikel", "Verwandte Artikel", "Meistgelesen", "Meist gelesen",
    "Schlagwörter", "Teilen", "Artikel teilen", "Lire aussi", "À lire aussi", "Sur le même sujet",
    "Articles similaires", "Les plus lus", "Partager", "Voir aussi",
    // "Read also" and "back" lines in other languages
    "Auch lesen", "Lies auch", "Lesen Sie mehr", "Das könnte dich auch interessieren",
    "Das Thema könnte dich auch interessieren", "Diese Seite teilen", "Zurück",
    "Zurück zur Startseite", "Zurück zur Übersicht", "Zurück zur Listenansicht",
    "Zurück zur vorherigen Seite", "Vorschau auf den nächsten Artikel", "Zobacz także",
    "Zobacz też", "Czytaj także", "Czytaj też", "Przeczytaj także", "Dowiedz się więcej",
    "Le puede interesar", "Te puede interesar", "Puedes ver", "Lee también", "Ver también", "Mire",
    "Leia também", "Veja também", "Leggi anche", "Vedi anche", "Lees ook", "Read also", "Also see",
    "Watch", "Related coverage", "Missed the main event",
    // "You may also like" and "related" headings in Portuguese, Spanish, Italian, French
    "Você pode gostar", "Você também pode gostar", "Você pode se interessar", "Talvez você goste",
    "Posts relacionados", "Artigos relacionados", "Notícias relacionadas", "Mais lidas",
    "También te puede interesar", "Te podría interesar", "Artículos relacionados",
    "Noticias relacionadas", "Lo más leído", "Potrebbe interessarti", "Ti potrebbe interessare",
    "Articoli correlati", "I più letti", "Vous aimerez aussi", "Vous pourriez aussi aimer",
    "Vous aimerez peut-être aussi", "À voir aussi",
    // More German "related"/"further reading" headings
    "Ähnliche Beiträge", "Verwandte Beiträge", "Weiterführende Links", "Weiterführender Link",
    "Zum Weiterlesen", "Weiterlesen",
    // Post metadata labels ("Category: News, Local"; "Authors:" above a list of names)
    "Category", "Categories", "Filed under", "Posted in", "Authors", "Kategorie", "Kategorien",
    "Autoren", "Catégorie", "Catégories", "Auteurs", "Categoría", "Categorías", "Categoria",
    "Kategoria", "Autorzy"};

constexpr std::string_view kCommentPhrases[] = {"Phản hồi",
                                                "Bình luận",
                                                "Gửi bình luận",
                                                "Ý kiến bạn đọc",
                                                "Ý kiến",
                                                "Viết bình luận",
                                                "Bình luận của bạn",
                                                "Ý kiến của bạn",
                                                "Comments",
                                                "Comment",
                                                "Leave a comment",
                                                "Leave a reply",
                                                "Post a comment",
                                                "Add a comment",
                                                "Join the conversation",
                                                "Join the discussion",
                                                "Reader comments",
                                                "Responses",
                                                "Discussion",
                                                "Kommentare",
                                                "Kommentar",
                                                "Leserkommentare",
                                                "Commentaires",
                                                "Réagir",
                                                "Réactions"};

struct PhraseTables {
  std::unordered_set<std::string> trailer;
  std::unordered_set<std::string> comments;
};

const PhraseTables& Tables() {
  static const PhraseTables* tables = [] {
    auto* t = new PhraseTables();  // immortal: never destroyed, so safe at exit from any thread
    for (std::string_view p : kTrailerPhrases) t->trailer.insert(NormalizeHeadingText(p));
    for (std::string_view p : kCommentPhrases) t->comments.insert(NormalizeHeadingText(p));
    return t;
  }();
  return *tables;
}

constexpr size_t kMaxHeadingBytes = 80;

// Substrings of the lower-cased class+id that mark boilerplate.
// Substrings of a lower-cased class token or id that mark boilerplate (distinctive words only:
// short words go to kNegativeTokens, where they must match a whole '-'/'_' part).
constexpr std::string_view kNegativeSubstrings[] = {
    "comment",    "related",   "sidebar",    "breadcrumb",   "newsletter",   "advert",
    "sponsor",    "cookie",    "consent",    "gdpr",         "disqus",       "subscri",
    "recommend",  "outbrain",  "taboola",    "trending",     "byline",       "social",
    "sharing",    "sharebar",  "footer",     "navbar",       "navigation",   "masthead",
    "pagination", "toolbar",   "binh-luan",  "binhluan",     "lien-quan",    "lienquan",
    "tin-khac",   "tinkhac",   "xem-nhieu",  "xemnhieu",     "doc-nhieu",    "docnhieu",
    "moi-nhat",   "moinhat",   "tu-khoa",    "tukhoa",       "keyword",      "most-read",
    "mostread",   "read-more", "readmore",   "more-news",    "more-stories", "signup",
    "caption",    "copyright", "popup",      "author",       "timestamp",    "tag-list",
    "taglist",    "post-meta", "entry-meta", "article-meta", "jump-link",    "skip-link",
    "addthis",    "livefyre",  "promoted",   "widget",       "metadata",     "disclaimer",
    "button",     "webform"};

// Words that mark boilerplate when they are a whole '-'/'_'-separated part of a class token.
constexpr std::string_view kNegativeTokens[] = {
    "ad",        "ads",     "adv",    "advertisement", "nav",     "menu",   "tag",      "tags",
    "topics",    "meta",    "share",  "aside",         "header",  "follow", "rss",      "pager",
    "more",      "date",    "time",   "extra",         "related", "hidden", "tools",    "login",
    "icons",     "embed",   "video",  "photo",         "gallery", "slider", "carousel", "ticker",
    "promo",     "popular", "credit", "credits",       "rating",  "banner", "overlay",  "modal",
    "published", "shares",  "teaser", "teasers",       "cta",     "contact"};

// Class tokens that say "this is (part of) the article"; they outweigh a weak negative token.
constexpr std::string_view kWeakPositiveTokens[] = {"article", "body", "content", "entry",
                                                    "hentry",  "main", "post",    "text",
                                                    "story",   "blog", "single",  "news"};

constexpr std::string_view kHiddenTokens[] = {
    "sr-only", "visually-hidden", "screen-reader-text", "d-none", "hide", "hidden", "invisible"};

constexpr std::string_view kPositiveSubstrings[] = {
    "article-body",    "articlebody",    "article_body",     "article-content", "articlecontent",
    "article_content", "article__body",  "article__content", "article-text",    "articletext",
    "article__text",   "post-content",   "postcontent",      "post_content",    "post-body",
    "postbody",        "post_body",      "entry-content",    "entry_content",   "entrycontent",
    "story-body",      "storybody",      "story-content",    "story_body",      "content-body",
    "contentbody",     "body-text",      "bodytext",         "main-content",    "maincontent",
    "detail-content",  "content-detail", "news-content",     "article-detail",  "detail-body",
    "text-content",    "news-body",      "article-main",     "rich-text",       "richtext",
    "single-content",  "the-content",    "page-content",     "td-post-content", "body-content",
    "cms-body",        "content-news",   "noi-dung",         "noidung",         "chi-tiet",
    "chitiet"};

template <size_t N>
bool AnyTokenIn(std::string_view text, std::string_view separators,
                const std::string_view (&tokens)[N]) {
  size_t i = 0;
  while (i < text.size()) {
    size_t start = text.find_first_not_of(separators, i);
    if (start == std::string_view::npos) break;
    size_t end = text.find_first_of(separators, start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view token = text.substr(start, end - start);
    for (std::string_view t : tokens) {
      if (token == t) return true;
    }
    i = end;
  }
  return false;
}

// What one class token or id says on its own (kToken* flags); ClassifyHints combines them.
constexpr uint8_t kTokenHidden = 1, kTokenPositive = 2, kTokenStrongNegative = 4,
                  kTokenWeakNegative = 8, kTokenWeakPositive = 16;

uint8_t JudgeToken(std::string_view raw) {
  std::string token = text::AsciiLower(raw);
  for (std::string_view t : kHiddenTokens) {
    if (token == t) return kTokenHidden;
  }
  for (std::string_view prefix : {"has-", "is-", "js-", "js_", "with-", "no-", "u-"}) {
    if (token.compare(0, prefix.size(), prefix) == 0) return 0;
  }
  size_t modifier = token.find("--");
  if (modifier != std::string::npos && modifier > 0) token.resize(modifier);
  // A grid of columns named after its sidebar ("sidebar-grid", "sidebar-grid__container") holds
  // the article beside the sidebar: only its BEM element ("__content", "__sidebar") says which
  // column an element is.
  const size_t element = token.rfind("__");
  const std::string_view block = std::string_view(token).substr(0, element);
  if (block.find("sidebar") != std::string_view::npos &&
      (text::EndsWithIgnoreCase(block, "grid") || text::EndsWithIgnoreCase(block, "layout"))) {
    if (element == std::string::npos) return 0;
    token.erase(0, element + 2);
  }
  static const SubstringSet kPositive(kPositiveSubstrings);
  static const SubstringSet kNegative(kNegativeSubstrings);
  if (kPositive.FoundIn(token)) return kTokenPositive;
  // Alignment classes ("header-content-align-left", "block-alignment-left") say how a block is
  // laid out, not what it is: only a distinctive word ("shariff-widget-align-center") counts.
  const bool alignment = token.find("align") != std::string::npos;
  // The header of a component inside the page ("card-header", "panel-header", "accordion-
  // header": an FAQ entry's question) is not the page's header.
  for (std::string_view component : {"card-header", "panel-header", "accordion-header"}) {
    if (token == component) return 0;
  }
  uint8_t verdict = 0;
  if (kNegative.FoundIn(token) &&
      token.find("commentary") == std::string::npos) {  // opinion articles are articles
    verdict |= kTokenStrongNegative;
  } else if (!alignment && AnyTokenIn(token, "-_", kNegativeTokens)) {
    verdict |= kTokenWeakNegative;
  }
  if (AnyTokenIn(token, "-_", kWeakPositiveTokens)) verdict |= kTokenWeakPositive;
  return verdict;
}

}  // namespace

std::string NormalizeHeadingText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  int32_t i = 0;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  int32_t length = static_cast<int32_t>(text.size());
  while (i < length) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) continue;
    if (u_isalpha(c) || u_getIntPropertyValue(c, UCHAR_GENERAL_CATEGORY_MASK) & U_GC_M_MASK) {
      if (pending_space && !out.empty()) out.push_back(' ');
      pending_space = false;
      UChar32 lower = u_tolower(c);
      char buf[4];
      int32_t n = 0;
      U8_APPEND_UNSAFE(buf, n, lower);
      out.append(buf, n);
    } else if (c != '\'' && c != 0x2019) {
      pending_space = true;  // digits, punctuation and spaces separate words
    }
  }
  return out;
}

BoilerplatePhrases::BoilerplatePhrases(const std::vector<std::string>& extra) {
  for (const std::string& p : extra) {
    std::string normalized = NormalizeHeadingText(p);
    if (!normalized.empty()) extra_.insert(std::move(normalized));
  }
}

HeadingKind BoilerplatePhrases::Classify(std::string_view text) const {
  if (text.size() > kMaxHeadingBytes) return HeadingKind::kNone;
  std::string normalized = NormalizeHeadingText(text);
  if (normalized.empty()) return HeadingKind::kNone;
  const PhraseTables& tables = Tables();
  if (tables.comments.count(normalized) > 0) return HeadingKind::kComments;
  if (tables.trailer.count(normalized) > 0 || extra_.count(normalized) > 0) {
    return HeadingKind::kTrailer;
  }
  // "More <site or section>" ("More Washington Examiner", "More from Sport"): one to three
  // words after "more", not "More than ..." / "More and more".
  if (normalized.compare(0, 5, "more ") == 0 &&
      std::count(normalized.begin(), normalized.end(), ' ') <= 3 &&
      normalized.compare(5, 5, "than ") != 0 && normalized.compare(5, 4, "and ") != 0) {
    return HeadingKind::kTrailer;
  }
  return HeadingKind::kNone;
}

Hint ClassifyHints(const GumboNode* element, HintCache* cache) {
  if (!dom::IsElementNode(element)) return Hint::kNeutral;
  // React's streamed server rendering sends each late part of the page in a hidden
  // <div id="S:n"> that a script moves into place on load: it is the page, not hidden text.
  if (dom::HasAttribute(element, "hidden") &&
      dom::GetAttribute(element, "id").substr(0, 2) != "S:") {
    return Hint::kHidden;
  }
  if (dom::GetAttribute(element, "aria-hidden") == "true") return Hint::kHidden;
  std::string_view style = dom::GetAttribute(element, "style");
  if (!style.empty()) {
    std::string compact;
    for (char c : style) {
      if (c != ' ') compact.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c);
    }
    if (compact.find("display:none") != std::string::npos ||
        compact.find("visibility:hidden") != std::string::npos) {
      return Hint::kHidden;
    }
  }
  std::string_view itemprop = dom::GetAttribute(element, "itemprop");
  if (itemprop == "articleBody" || itemprop == "articlebody") return Hint::kPositive;
  std::string_view role = dom::GetAttribute(element, "role");
  if (role == "main" || role == "article") return Hint::kPositive;
  if (role == "navigation" || role == "complementary" || role == "contentinfo" ||
      role == "banner" || role == "menu" || role == "dialog" || role == "alert") {
    return Hint::kNegative;
  }
  // Each class token and the id are judged on their own: "post tag-news" is an article whose
  // weak negative ("tag") is outweighed by another token ("post"), while "c-article-meta" stays
  // negative. State classes ("has-ads", "js-...") and BEM modifiers ("--has-ads") say nothing
  // about what the element is and are ignored.
  std::string_view cls = dom::GetAttribute(element, "class");
  std::string_view id = dom::GetAttribute(element, "id");
  if (cls.empty() && id.empty()) return Hint::kNeutral;
  bool strong_negative = false;
  bool weak_negative = false;
  int weak_negative_token = -1;
  bool weak_positive_elsewhere = false;
  int token_index = 0;
  auto judge = [&](std::string_view raw) {
    if (raw.empty()) return Hint::kNeutral;
    uint8_t verdict = 0;
    if (cache == nullptr) {
      verdict = JudgeToken(raw);
    } else if (auto it = cache->verdicts_.find(raw); it != cache->verdicts_.end()) {
      verdict = it->second;
    } else {
      verdict = JudgeToken(raw);
      cache->verdicts_.emplace(raw, verdict);
    }
    if (verdict & kTokenHidden) return Hint::kHidden;
    if (verdict & kTokenPositive) return Hint::kPositive;
    if (verdict & kTokenStrongNegative) {
      strong_negative = true;
    } else if (verdict & kTokenWeakNegative) {
      weak_negative = true;
      if (weak_negative_token < 0) weak_negative_token = token_index;
    }
    if ((verdict & kTokenWeakPositive) && weak_negative_token != token_index) {
      weak_positive_elsewhere = true;
    }
    return Hint::kNeutral;
  };
  size_t i = 0;
  while (i < cls.size()) {
    size_t start = cls.find_first_not_of(" \t\n\r\f", i);
    if (start == std::string_view::npos) break;
    size_t end = cls.find_first_of(" \t\n\r\f", start);
    if (end == std::string_view::npos) end = cls.size();
    Hint h = judge(cls.substr(start, end - start));
    if (h != Hint::kNeutral) return h;
    ++token_index;
    i = end;
  }
  Hint h = judge(id);
  if (h != Hint::kNeutral) return h;
  if (strong_negative) return Hint::kNegative;
  if (weak_negative && !weak_positive_elsewhere) return Hint::kNegative;
  return Hint::kNeutral;
}

bool IsFurnitureTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_MENU:
      return true;
    default:
      return false;
  }
}

}  // namespace newscrawl::content
