#include "common/article.h"

#include <cinttypes>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace newscrawl {
namespace {

using Json = nlohmann::ordered_json;

Json OrNull(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

std::string StringField(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::vector<std::string> StringList(const Json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

template <typename T>
T NumberField(const Json& j, const char* key, T fallback) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return fallback;
  return it->get<T>();
}

}  // namespace

bool Article::operator==(const Article& o) const {
  return id == o.id && url == o.url && canonical_url == o.canonical_url && site == o.site &&
         title == o.title && lead == o.lead && text == o.text && authors == o.authors &&
         published_at == o.published_at && modified_at == o.modified_at && language == o.language &&
         section == o.section && tags == o.tags && images == o.images &&
         fetched_at == o.fetched_at && http == o.http && is_article == o.is_article &&
         not_article_reason == o.not_article_reason && doubt_reason == o.doubt_reason &&
         content_hash == o.content_hash && simhash == o.simhash && changed == o.changed &&
         duplicate_of == o.duplicate_of && version == o.version && seq == o.seq;
}

std::string ArticleToJson(const Article& a) {
  Json j;
  j["schema"] = kArticleSchemaVersion;
  j["id"] = OrNull(a.id);
  j["url"] = OrNull(a.url);
  j["canonical_url"] = OrNull(a.canonical_url);
  j["site"] = OrNull(a.site);
  j["is_article"] = a.is_article;
  j["not_article_reason"] = OrNull(a.not_article_reason);
  j["doubt_reason"] = OrNull(a.doubt_reason);
  j["title"] = OrNull(a.title);
  j["lead"] = OrNull(a.lead);
  j["text"] = a.text;
  j["authors"] = a.authors;
  j["published_at"] = OrNull(a.published_at);
  j["modified_at"] = OrNull(a.modified_at);
  j["language"] = OrNull(a.language);
  j["section"] = OrNull(a.section);
  j["tags"] = a.tags;
  Json images = Json::array();
  for (const auto& img : a.images)
    images.push_back({{"url", img.url}, {"caption", OrNull(img.caption)}});
  j["images"] = std::move(images);
  j["fetched_at"] = OrNull(a.fetched_at);
  j["http"] = {{"status", a.http.status == 0 ? Json(nullptr) : Json(a.http.status)},
               {"etag", OrNull(a.http.etag)},
               {"last_modified", OrNull(a.http.last_modified)},
               {"content_type", OrNull(a.http.content_type)},
               {"charset", OrNull(a.http.charset)}};
  j["content_hash"] = OrNull(a.content_hash);
  char simhash[17];
  std::snprintf(simhash, sizeof simhash, "%016" PRIx64, a.simhash);
  j["simhash"] = a.content_hash.empty() && a.simhash == 0 ? Json(nullptr) : Json(simhash);
  j["changed"] = a.changed;
  j["duplicate_of"] = OrNull(a.duplicate_of);
  j["version"] = a.version == 0 ? Json(nullptr) : Json(a.version);
  j["seq"] = a.seq == 0 ? Json(nullptr) : Json(a.seq);
  // Invalid UTF-8 never reaches here from the parser, but a record must always serialise.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<Article> ArticleFromJson(std::string_view text) {
  Json j = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return Status::InvalidArgument("article record is not a JSON object");
  auto schema = j.find("schema");
  if (schema == j.end() || !schema->is_number_integer())
    return Status::InvalidArgument("article record has no \"schema\" field");
  if (schema->get<int>() != kArticleSchemaVersion)
    return Status::InvalidArgument("article record has schema " +
                                   std::to_string(schema->get<int>()) + ", this build reads " +
                                   std::to_string(kArticleSchemaVersion));
  Article a;
  a.id = StringField(j, "id");
  a.url = StringField(j, "url");
  a.canonical_url = StringField(j, "canonical_url");
  a.site = StringField(j, "site");
  auto is_article = j.find("is_article");
  a.is_article = is_article == j.end() || !is_article->is_boolean() || is_article->get<bool>();
  a.not_article_reason = StringField(j, "not_article_reason");
  a.doubt_reason = StringField(j, "doubt_reason");
  a.title = StringField(j, "title");
  a.lead = StringField(j, "lead");
  a.text = StringField(j, "text");
  a.authors = StringList(j, "authors");
  a.published_at = StringField(j, "published_at");
  a.modified_at = StringField(j, "modified_at");
  a.language = StringField(j, "language");
  a.section = StringField(j, "section");
  a.tags = StringList(j, "tags");
  if (auto it = j.find("images"); it != j.end() && it->is_array()) {
    for (const auto& img : *it) {
      if (!img.is_object()) continue;
      a.images.push_back({StringField(img, "url"), StringField(img, "caption")});
    }
  }
  a.fetched_at = StringField(j, "fetched_at");
  if (auto it = j.find("http"); it != j.end() && it->is_object()) {
    a.http.status = NumberField<int>(*it, "status", 0);
    a.http.etag = StringField(*it, "etag");
    a.http.last_modified = StringField(*it, "last_modified");
    a.http.content_type = StringField(*it, "content_type");
    a.http.charset = StringField(*it, "charset");
  }
  a.content_hash = StringField(j, "content_hash");
  std::string simhash = StringField(j, "simhash");
  if (!simhash.empty()) a.simhash = std::strtoull(simhash.c_str(), nullptr, 16);
  a.changed = StringList(j, "changed");
  a.duplicate_of = StringField(j, "duplicate_of");
  a.version = NumberField<uint32_t>(j, "version", 0);
  a.seq = NumberField<uint64_t>(j, "seq", 0);
  return a;
}

}  // namespace newscrawl
