// ExtractMetadata: gathers facts in one walk (meta_collect.h), then picks every field by the
// order of trust documented in metadata.h.
#include "parser/metadata.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "common/text.h"
#include "common/url.h"
#include "parser/charset.h"
#include "parser/date_parse.h"
#include "parser/dom.h"
#include "parser/html_entities.h"
#include "parser/jsonld.h"
#include "parser/meta_authors.h"
#include "parser/meta_collect.h"
#include "parser/meta_text.h"

namespace newscrawl {
namespace {

constexpr size_t kMaxTags = 30;
constexpr size_t kMaxImages = 10;

std::vector<std::string> MetaAll(const PageFacts& f, const char* key) {
  std::vector<std::string> values;
  for (const auto& [k, v] : f.metas) {
    if (k == key && !v.empty()) values.push_back(v);
  }
  return values;
}

bool IsAbsoluteHttp(std::string_view url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

std::string Absolute(std::string_view page_url, std::string_view ref) {
  std::string r = text::CollapseWhitespace(ref);
  if (r.empty()) return "";
  if (!page_url.empty()) {
    std::string resolved = ResolveUrlString(page_url, r);
    if (!resolved.empty()) return resolved;
  }
  if (r.rfind("//", 0) == 0) return "https:" + r;
  return IsAbsoluteHttp(r) ? r : "";
}

std::string HostWithoutWww(std::string_view page_url) {
  std::string host = HostOf(page_url);
  if (host.rfind("www.", 0) == 0) host = host.substr(4);
  return host;
}

// Visible dates: the first candidate after the title, else the closest one before it; candidates
// in page chrome were never collected (see meta_collect.h).
std::optional<DateTimeParts> PickVisibleDate(const PageFacts& f, DayMonthOrder order) {
  std::optional<DateTimeParts> before;
  // A date the page labels as such ("<strong>Datum</strong> 28.04.2023") comes before dates that
  // only sit near the title (a live blog's entries carry dates of their own), wherever it is.
  for (const std::vector<TextCandidate>* list :
       {&f.time_datetimes, &f.labelled_dates, &f.date_texts}) {
    const std::vector<TextCandidate>& cands = *list;
    for (const TextCandidate& c : cands) {
      std::optional<DateTimeParts> d =
          list == &f.time_datetimes ? ParseMachineDate(c.text) : FindDateInText(c.text, order);
      if (!d) continue;
      if (c.after_h1 || f.h1_order < 0 || c.in_article || list == &f.labelled_dates) return d;
      before = d;  // keep the last (closest) one before the title
    }
  }
  return before;
}

struct DatePick {
  std::optional<DateTimeParts> published, modified;
};

DatePick PickDates(const PageFacts& f, const JsonLdArticle& ld, std::string_view page_url,
                   bool vietnamese, DayMonthOrder order) {
  DatePick pick;
  auto first_machine = [](std::initializer_list<std::string> values) {
    std::optional<DateTimeParts> d;
    for (const std::string& v : values) {
      if (!v.empty() && (d = ParseMachineDate(v))) return d;
    }
    return d;
  };
  pick.published = first_machine({ld.date_published,
                                  Meta(f, {"article:published_time",
                                           "og:article:published_time",
                                           "og:published_time",
                                           "article:published",
                                           "published_time",
                                           "datepublished",
                                           "pubdate",
                                           "publishdate",
                                           "publish-date",
                                           "publish_date",
                                           "article.published",
                                           "parsely-pub-date",
                                           "sailthru.date",
                                           "dc.date.issued",
                                           "dcterms.issued",
                                           "dc.date",
                                           "dcterms.created",
                                           "dc.date.created",
                                           "date",
                                           "pub_date"}),
                                  Itemprop(f, "datePublished"), Itemprop(f, "dateCreated")});
  if (!pick.published) pick.published = PickVisibleDate(f, order);
  if (!pick.published) pick.published = DateFromUrl(page_url);
  pick.modified = first_machine(
      {ld.date_modified,
       Meta(f, {"article:modified_time", "og:updated_time", "og:article:modified_time",
                "article:modified", "modified_time", "datemodified", "last-modified",
                "dcterms.modified", "dc.date.modified", "article.updated", "lastmod"}),
       Itemprop(f, "dateModified")});
  // A time without offset takes the offset of the page's other dates, else +07:00 on
  // Vietnamese pages; otherwise it stays without offset.
  std::optional<int> offset;
  for (auto* d : {&pick.published, &pick.modified}) {
    if (*d && d->value().has_offset && !offset) offset = d->value().offset_minutes;
  }
  if (!offset) {
    for (const TextCandidate& c : f.time_datetimes) {
      std::optional<DateTimeParts> d = ParseMachineDate(c.text);
      if (d && d->has_offset) {
        offset = d->offset_minutes;
        break;
      }
    }
  }
  if (!offset && vietnamese) offset = 7 * 60;
  for (auto* d : {&pick.published, &pick.modified}) {
    if (*d && d->value().has_time && !d->value().has_offset && offset) {
      d->value().has_offset = true;
      d->value().offset_minutes = *offset;
    }
  }
  return pick;
}

// The headline the page prints over the article, when the declared title (JSON-LD, og) is that
// headline plus decoration after a separator ("Headline | DW | 28.04.2023", "Headline - Site
// name"): the printed one is the title. Other disagreements keep the declared title (an SEO
// variant of the headline is still the headline; a printed h1 may be a kicker or a section).
std::string PreferPrintedHeadline(const std::string& declared, const std::string& h1_text) {
  const std::string h1 = text::CollapseWhitespace(h1_text);
  if (h1.empty() || h1.size() * 3 < declared.size() || declared.size() <= h1.size()) {
    return declared;
  }
  if (declared.compare(0, h1.size(), h1) != 0) return declared;
  const std::string_view tail = std::string_view(declared).substr(h1.size());
  for (std::string_view sep :
       {" | ", " - ", " \u2013 ", " \u2014 ", " :: ", " \u00B7 ", " \u00BB "}) {
    if (tail.compare(0, sep.size(), sep) != 0) continue;
    const std::string_view decoration = tail.substr(sep.size());
    if (std::count(decoration.begin(), decoration.end(), ' ') < 6) return h1;
  }
  return declared;
}

// Where the page prints `title` among `headings`, alone or after a kicker ("Meinung <title>",
// "Topic: <title>" as two spans: the heading's key ends with the title's, and the title is most
// of it): 2 * the position of the last heading printing it, plus one when that heading is the
// title alone; -1 when no heading prints it. Larger means printed later, or more exactly.
int PrintedPosition(const std::string& title, const std::vector<std::string>& headings) {
  const std::string key = HeadlineKey(DecodeCharacterReferences(title));
  if (key.size() < 12) return -1;
  int last = -1;
  for (size_t i = 0; i < headings.size(); ++i) {
    const std::string printed = HeadlineKey(headings[i]);
    if (printed.size() >= key.size() && printed.size() <= 2 * key.size() &&
        printed.compare(printed.size() - key.size(), key.size(), key) == 0) {
      last = 2 * static_cast<int>(i) + (printed.size() == key.size() ? 1 : 0);
    }
  }
  return last;
}

// True when `candidate` and `current` are the same headline in other punctuation ("Kicker:
// Headline" and "Kicker - Headline": the same words, so printed alike) and the document's
// <title> spells it as `candidate` and not as `current`: the page's own spelling wins.
bool SpelledByDocumentTitle(const std::string& candidate, const std::string& current,
                            const std::string& document_title) {
  const std::string a = DecodeCharacterReferences(candidate);
  const std::string b = DecodeCharacterReferences(current);
  if (HeadlineKey(a) != HeadlineKey(b) || HeadlineKey(a).size() < 12) return false;
  const std::string t = text::CollapseWhitespace(DecodeCharacterReferences(document_title));
  auto spells = [&t](const std::string& s) { return t.compare(0, s.size(), s) == 0; };
  return spells(a) && !spells(b);
}

std::string PickSection(const PageFacts& f, const JsonLdData& ld, const std::string& title) {
  std::string section = Meta(f, {"article:section", "og:article:section", "section"});
  if (section.empty()) section = ld.article.section;
  auto from_trail = [&](const std::vector<std::string>& trail) -> std::string {
    for (size_t i = trail.size(); i > 0; --i) {
      const std::string& item = trail[i - 1];
      std::string lower = text::AsciiLower(item);
      if (item == title || item.size() > 80 ||
          (i == trail.size() && trail.size() > 2 && title.find(item) != std::string::npos)) {
        continue;
      }
      if (lower == "home" || lower == "trang chủ" || lower == "startseite" || lower == "accueil") {
        return "";
      }
      return item;
    }
    return "";
  };
  if (section.empty()) section = from_trail(ld.breadcrumb);
  if (section.empty()) section = from_trail(f.breadcrumb);
  return text::CollapseWhitespace(section);
}

// `value` with character references decoded, NFC, whitespace folded.
std::string CleanText(const std::string& value) {
  if (value.empty()) return value;
  return text::CollapseWhitespace(NormalizeNfc(DecodeCharacterReferences(value)));
}

}  // namespace

PageMetadata ExtractMetadata(const GumboNode* document, std::string_view page_url) {
  PageMetadata m;
  if (document == nullptr) return m;
  PageFacts f = CollectPageFacts(document);
  JsonLdData ld = ParseJsonLd(f.ld_scripts);
  const JsonLdArticle& a = ld.article;

  // language
  for (const std::string& candidate :
       {f.html_lang, Meta(f, {"og:locale"}),
        Meta(f, {"content-language", "language", "dc.language"}), a.in_language}) {
    m.language = NormalizeLanguageTag(candidate);
    if (!m.language.empty()) break;
  }
  std::string host = HostWithoutWww(page_url);
  bool vietnamese = m.language.rfind("vi", 0) == 0 ||
                    (host.size() > 3 && host.compare(host.size() - 3, 3, ".vn") == 0);
  DayMonthOrder order =
      m.language == "en-US" ? DayMonthOrder::kMonthFirst : DayMonthOrder::kDayFirst;

  // site
  m.site = Meta(f, {"og:site_name"});
  if (m.site.empty()) m.site = a.publisher;
  if (m.site.empty()) m.site = ld.site_name;
  if (m.site.empty()) m.site = Meta(f, {"application-name"});
  if (m.site.empty()) m.site = host;

  // title
  std::string og_title = Meta(f, {"og:title"});
  std::string twitter_title = Meta(f, {"twitter:title"});
  if (!a.headline.empty()) {
    m.title = StripSiteSuffix(a.headline, m.site, host, false);
    // Some sites cut the JSON-LD headline ("Long title…"); og:title then has it whole.
    std::string og = StripSiteSuffix(og_title, m.site, host, false);
    std::string cut = m.title;
    for (std::string_view ellipsis : {std::string_view("\u2026"), std::string_view("...")}) {
      if (cut.size() > ellipsis.size() &&
          cut.compare(cut.size() - ellipsis.size(), ellipsis.size(), ellipsis) == 0) {
        cut.resize(cut.size() - ellipsis.size());
        if (og.size() > cut.size() && og.compare(0, cut.size(), cut) == 0) m.title = og;
        break;
      }
    }
  } else if (!og_title.empty()) {
    m.title = StripSiteSuffix(og_title, m.site, host, false);
  } else if (!twitter_title.empty()) {
    m.title = StripSiteSuffix(twitter_title, m.site, host, false);
  } else if (!f.h1.empty()) {
    m.title = f.h1;
  } else {
    m.title = StripSiteSuffix(f.title, m.site, host, true);
  }

  // The JSON-LD headline is often an SEO variant that the page never prints, or prints above
  // the article (a page-top <h1>) while og:title is the headline printed nearest the body: the
  // one printed last (or, in one heading, more exactly) wins; a tie keeps JSON-LD.
  if (!a.headline.empty() && !og_title.empty()) {
    std::string og = StripSiteSuffix(og_title, m.site, host, false);
    if (og != m.title && PrintedPosition(og, f.headings) > PrintedPosition(m.title, f.headings)) {
      m.title = std::move(og);
    } else if (og != m.title && SpelledByDocumentTitle(og, m.title, f.title)) {
      m.title = std::move(og);
    }
  }
  m.title = PreferPrintedHeadline(m.title, f.h1);

  // A title cut inside a multi-byte character upstream ends in U+FFFD: drop it.
  while (m.title.size() >= 3 && m.title.compare(m.title.size() - 3, 3, "\xEF\xBF\xBD") == 0) {
    m.title.resize(m.title.size() - 3);
  }

  // lead
  for (const std::string& candidate :
       {a.description, Meta(f, {"og:description"}), Meta(f, {"twitter:description"}),
        Meta(f, {"description", "dc.description"})}) {
    if (!candidate.empty()) {
      m.lead = text::CollapseWhitespace(candidate);
      break;
    }
  }
  if (m.lead.empty() && !f.sapos.empty()) m.lead = f.sapos.front().text;

  const PublisherNames publisher({m.site, a.publisher, host.substr(0, host.find('.'))});
  m.authors = PickAuthors(f, a, publisher);

  DatePick dates = PickDates(f, a, page_url, vietnamese, order);
  if (dates.published) m.published_at = FormatIsoDate(*dates.published);
  if (dates.modified) m.modified_at = FormatIsoDate(*dates.modified);

  // canonical URL
  for (const std::string& candidate : {f.canonical_href, Meta(f, {"og:url"})}) {
    m.canonical_url = Absolute(page_url, candidate);
    if (!m.canonical_url.empty()) break;
  }
  if (m.canonical_url.empty() && IsAbsoluteHttp(page_url)) m.canonical_url = std::string(page_url);

  m.section = PickSection(f, ld, m.title);

  // tags
  std::vector<std::string> tags = MetaAll(f, "article:tag");
  if (tags.empty()) tags = a.keywords;
  if (tags.empty()) tags = SplitKeywords(Meta(f, {"news_keywords"}));
  if (tags.empty()) tags = SplitKeywords(Meta(f, {"keywords"}));
  for (std::string& t : tags) {
    t = text::CollapseWhitespace(t);
    if (!t.empty() && t.size() <= 100 && m.tags.size() < kMaxTags &&
        std::find(m.tags.begin(), m.tags.end(), t) == m.tags.end()) {
      m.tags.push_back(t);
    }
  }

  // images
  std::vector<std::string> image_refs = MetaAll(f, "og:image");
  if (image_refs.empty()) image_refs = MetaAll(f, "og:image:url");
  if (image_refs.empty()) image_refs = MetaAll(f, "twitter:image");
  image_refs.insert(image_refs.end(), a.images.begin(), a.images.end());
  for (const std::string& ref : image_refs) {
    std::string url = Absolute(page_url, ref);
    if (url.empty() || m.images.size() >= kMaxImages) continue;
    bool seen = std::any_of(m.images.begin(), m.images.end(),
                            [&](const ArticleImage& i) { return i.url == url; });
    if (!seen) m.images.push_back(ArticleImage{url, ""});
  }

  m.page_type = a.found ? a.type : text::AsciiLower(Meta(f, {"og:type"}));
  m.jsonld_article_body = a.article_body;
  // Every metadata string decoded and NFC, whatever its source: meta values and JSON-LD escaped
  // twice ("&amp;#7871;") reach us with references left after one decoding.
  for (std::string* field : {&m.title, &m.lead, &m.site, &m.section}) *field = CleanText(*field);
  for (std::string& author : m.authors) author = CleanText(author);
  for (std::string& tag : m.tags) tag = CleanText(tag);
  return m;
}

}  // namespace newscrawl
