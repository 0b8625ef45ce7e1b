// JudgeClassId, IsAuthorPageHref, LabelOf: see meta_hints.h.
#include "parser/meta_hints.h"

#include <string>

#include "common/text.h"
#include "parser/dom.h"
#include "parser/substring_set.h"

namespace newscrawl {
namespace {

// Page chrome by class/id: a token that is a chrome word or starts/ends with one ("sidebar",
// "site-footer", "menu-top"); state tokens on wrappers ("has-sidebar", "layout-sidebar-right",
// "no-comments") and WordPress taxonomy classes ("tag-comments") do not count.
bool IsChromeHint(std::string_view class_id) {
  static const std::string_view kWords[] = {
      "menu",        "nav",           "navbar",      "navigation", "topbar",   "top-bar",
      "header-top",  "top-header",    "site-header", "sidebar",    "footer",   "comment",
      "comments",    "related",       "today",       "time-now",   "timenow",  "current-date",
      "clock",       "weather",       "breaking",    "ticker",     "cookie",   "popular",
      "most-read",   "tin-lien-quan", "binh-luan",   "xem-nhieu",  "tin-khac", "widget",
      "box-comment", "footer-links"};
  size_t start = 0;
  while (start < class_id.size()) {
    size_t end = class_id.find(' ', start);
    if (end == std::string_view::npos) end = class_id.size();
    std::string_view token = class_id.substr(start, end - start);
    start = end + 1;
    if (token.empty() || token.rfind("has-", 0) == 0 || token.rfind("with-", 0) == 0 ||
        token.rfind("no-", 0) == 0 || token.rfind("layout", 0) == 0 || token.rfind("is-", 0) == 0 ||
        token.rfind("tag-", 0) == 0 || token.rfind("category-", 0) == 0) {
      continue;
    }
    for (std::string_view w : kWords) {
      if (token.size() < w.size()) continue;
      if (token == w) return true;
      if (token.size() == w.size()) continue;  // token[w.size()] would be out of range
      char after = token[w.size()];
      if (token.compare(0, w.size(), w) == 0 && (after == '-' || after == '_')) return true;
      char before = token[token.size() - w.size() - 1];
      if (token.compare(token.size() - w.size(), w.size(), w) == 0 &&
          (before == '-' || before == '_')) {
        return true;
      }
    }
  }
  return false;
}

bool IsDateHint(std::string_view class_id) {
  static const SubstringSet kWords = {"date",       "time",         "publish",  "posted",
                                      "ngay",       "dateline",     "byline",   "post-meta",
                                      "entry-meta", "article-meta", "meta-info"};
  return kWords.FoundIn(class_id);
}

bool IsBylineHint(std::string_view class_id) {
  static const SubstringSet kWords = {"author", "byline", "tac-gia",
                                      "tacgia", "writer", "reporter"};
  static const SubstringSet kBio = {"author-bio", "authorbio", "author-desc", "about-author"};
  return kWords.FoundIn(class_id) && !kBio.FoundIn(class_id);
}

bool IsSapoHint(std::string_view class_id) {
  static const SubstringSet kWords = {
      "sapo",          "standfirst",  "chapeau", "article-lead", "lead-text", "summary", "excerpt",
      "article-intro", "description", "dek",     "subtitle",     "teaser",    "deck"};
  return kWords.FoundIn(class_id) || class_id == "lead " || class_id.rfind("lead ", 0) == 0;
}

}  // namespace

ClassIdFacts JudgeClassId(std::string_view cls, std::string_view id) {
  ClassIdFacts f;
  if (cls.empty() && id.empty()) return f;
  std::string class_id;
  class_id.reserve(cls.size() + id.size() + 1);
  class_id.append(cls).append(" ").append(id);
  for (char& c : class_id) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  f.present = true;
  static const SubstringSet kArticleWords = {"article", "entry",  "post",
                                             "story",   "detail", "content"};
  f.named_for_article = kArticleWords.FoundIn(class_id);
  f.chrome = IsChromeHint(class_id);
  f.logo = class_id.find("logo") != std::string::npos ||
           class_id.find("site-title") != std::string::npos ||
           class_id.find("brand") != std::string::npos;
  f.breadcrumb = class_id.find("breadcrumb") != std::string::npos;
  f.date = IsDateHint(class_id);
  // "authors__brand-identifier", "author-logo": the publisher's mark beside a byline.
  f.byline = IsBylineHint(class_id) && !f.logo;
  f.sapo = IsSapoHint(class_id);
  return f;
}

bool IsAuthorPageHref(const GumboNode* link) {
  std::string_view href = dom::GetAttribute(link, "href");
  for (std::string_view marker : {"/author", "/autor", "/journalist"}) {
    if (href.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

FieldLabel LabelOf(const GumboNode* node) {
  const GumboVector& children = node->v.element.children;
  if (children.length != 1) return FieldLabel::kNone;
  const auto* child = static_cast<const GumboNode*>(children.data[0]);
  if (child->type != GUMBO_NODE_TEXT) return FieldLabel::kNone;
  std::string label = text::AsciiLower(text::CollapseWhitespace(child->v.text.text));
  while (!label.empty() && (label.back() == ':' || label.back() == ' ')) label.pop_back();
  if (label.size() > 24) return FieldLabel::kNone;
  for (std::string_view word : {"author", "authors", "autor", "autorin", "autorin/autor", "autoren",
                                "auteur", "autore", "tác giả", "yazar"}) {
    if (label == word) return FieldLabel::kAuthor;
  }
  for (std::string_view word : {"date", "published", "datum", "veröffentlicht", "veröffentlicht am",
                                "publié le", "fecha", "data", "tarih", "ngày đăng"}) {
    if (label == word) return FieldLabel::kDate;
  }
  return FieldLabel::kNone;
}

}  // namespace newscrawl
