#include "parser/boilerplate.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "parser/dom.h"

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
    "Articles similaires", "Les plus lus", "Partager", "Voir aussi"};

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
constexpr std::string_view kNegativeSubstrings[] = {
    "comment",      "related",    "sidebar",      "breadcrumb", "newsletter", "advert",
    "sponsor",      "cookie",     "consent",      "gdpr",       "promo",      "widget",
    "disqus",       "subscri",    "recommend",    "outbrain",   "taboola",    "popular",
    "trending",     "byline",     "social",       "sharing",    "sharebar",   "share-",
    "-share",       "_share",     "share_",       "footer",     "navbar",     "navigation",
    "masthead",     "pagination", "pager",        "toolbar",    "binh-luan",  "binhluan",
    "lien-quan",    "lienquan",   "tin-khac",     "tinkhac",    "xem-nhieu",  "xemnhieu",
    "doc-nhieu",    "docnhieu",   "moi-nhat",     "moinhat",    "tu-khoa",    "tukhoa",
    "keyword",      "most-read",  "mostread",     "read-more",  "readmore",   "more-news",
    "more-stories", "signup",     "login",        "caption",    "credit",     "copyright",
    "rating",       "banner",     "modal",        "popup",      "overlay",    "author",
    "dateline",     "timestamp",  "published",    "tag-list",   "taglist",    "tags-",
    "post-meta",    "entry-meta", "article-meta", "jump-link",  "skip-link",  "print-",
    "addthis",      "livefyre",   "paywall",      "teaser",     "headline"};

// Whole tokens (class/id split at space, '-' and '_') that mark boilerplate.
constexpr std::string_view kNegativeTokens[] = {
    "ad",     "ads",   "adv",   "advertisement", "nav",     "menu",    "tag",      "tags",
    "topics", "meta",  "share", "print",         "aside",   "header",  "follow",   "rss",
    "more",   "date",  "time",  "extra",         "social",  "related", "hidden",   "tools",
    "icons",  "embed", "video", "photo",         "gallery", "slider",  "carousel", "ticker"};

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

bool ContainsAny(std::string_view haystack, const std::string_view* needles, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    if (haystack.find(needles[i]) != std::string_view::npos) return true;
  }
  return false;
}

template <size_t N>
bool ContainsAny(std::string_view haystack, const std::string_view (&needles)[N]) {
  return ContainsAny(haystack, needles, N);
}

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
  return HeadingKind::kNone;
}

Hint ClassifyHints(const GumboNode* element) {
  if (!dom::IsElementNode(element)) return Hint::kNeutral;
  if (dom::HasAttribute(element, "hidden")) return Hint::kHidden;
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
  std::string hints = dom::ClassAndIdLower(element);
  if (hints.size() <= 1) return Hint::kNeutral;
  if (AnyTokenIn(hints, " \t\n", kHiddenTokens)) return Hint::kHidden;
  if (ContainsAny(hints, kPositiveSubstrings)) return Hint::kPositive;
  if (ContainsAny(hints, kNegativeSubstrings)) return Hint::kNegative;
  if (AnyTokenIn(hints, " \t\n-_", kNegativeTokens)) return Hint::kNegative;
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
