// JSON-LD reader: see jsonld.h.
#include "parser/jsonld.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/text.h"
#include "parser/html_entities.h"

namespace newscrawl {
namespace {

using nlohmann::json;

constexpr size_t kMaxScriptBytes = 4 * 1024 * 1024;
constexpr int kMaxDepth = 12;

std::vector<std::string> TypesOf(const json& obj) {
  std::vector<std::string> types;
  auto it = obj.find("@type");
  if (it == obj.end()) return types;
  if (it->is_string()) types.push_back(text::AsciiLower(it->get<std::string>()));
  if (it->is_array()) {
    for (const json& t : *it) {
      if (t.is_string()) types.push_back(text::AsciiLower(t.get<std::string>()));
    }
  }
  return types;
}

bool HasType(const json& obj, std::string_view type) {
  for (const std::string& t : TypesOf(obj)) {
    if (t == type) return true;
  }
  return false;
}

bool IsArticleType(const std::string& t) {
  static const char* kTypes[] = {
      "article",
      "newsarticle",
      "blogposting",
      "reportagenewsarticle",
      "analysisnewsarticle",
      "opinionnewsarticle",
      "backgroundnewsarticle",
      "reviewnewsarticle",
      "askpublicnewsarticle",
      "livebligposting",
      "liveblogposting",
      "techarticle",
      "report",
      "scholarlyarticle",
      "socialmediaposting",
      "medicalscholarlyarticle",
      "satiricalarticle",
      "advertisercontentarticle",
      "posting",
      "discussionforumposting",
  };
  for (const char* k : kTypes) {
    if (t == k) return true;
  }
  return false;
}

struct Collector {
  std::vector<const json*> objects;
  std::unordered_map<std::string, const json*> by_id;

  void Walk(const json& node, int depth) {
    if (depth > kMaxDepth) return;
    if (node.is_array()) {
      for (const json& item : node) Walk(item, depth + 1);
      return;
    }
    if (!node.is_object()) return;
    objects.push_back(&node);
    auto id = node.find("@id");
    if (id != node.end() && id->is_string() && node.size() > 1) {
      by_id.emplace(id->get<std::string>(), &node);
    }
    for (const char* key : {"@graph", "mainEntity", "mainEntityOfPage", "itemReviewed"}) {
      auto it = node.find(key);
      if (it != node.end() && (it->is_object() || it->is_array())) Walk(*it, depth + 1);
    }
  }

  // `node` itself, or the object its lone "@id" points to.
  const json& Resolve(const json& node) const {
    if (node.is_object()) {
      auto id = node.find("@id");
      if (id != node.end() && id->is_string() && node.size() <= 2) {
        auto it = by_id.find(id->get<std::string>());
        if (it != by_id.end()) return *it->second;
      }
    }
    return node;
  }
};

std::string StringField(const json& obj, const char* key) {
  auto it = obj.find(key);
  if (it == obj.end()) return "";
  const json* v = &*it;
  if (v->is_array() && !v->empty()) v = &(*v)[0];
  if (v->is_string())
    return std::string(text::TrimAsciiSpace(DecodeCharacterReferences(v->get<std::string>())));
  if (v->is_object()) {
    for (const char* inner : {"name", "@value", "text"}) {
      auto in = v->find(inner);
      if (in != v->end() && in->is_string())
        return std::string(text::TrimAsciiSpace(DecodeCharacterReferences(in->get<std::string>())));
    }
  }
  if (v->is_number()) return v->dump();
  return "";
}

bool LooksLikeUrl(const std::string& s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0 || s.rfind("//", 0) == 0 ||
         s.rfind("/", 0) == 0;
}

void AddUnique(std::vector<std::string>& list, std::string value) {
  if (value.empty()) return;
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
}

void ReadAuthors(const Collector& c, const json& field, JsonLdArticle& a) {
  std::vector<std::string> people, organisations;
  auto one = [&](const json& raw) {
    const json& v = c.Resolve(raw);
    if (v.is_string()) {
      std::string s =
          std::string(text::TrimAsciiSpace(DecodeCharacterReferences(v.get<std::string>())));
      if (!LooksLikeUrl(s)) AddUnique(people, s);
    } else if (v.is_object()) {
      std::string name = StringField(v, "name");
      if (name.empty() || LooksLikeUrl(name)) return;
      if (HasType(v, "organization") || HasType(v, "newsmediaorganization")) {
        AddUnique(organisations, name);
      } else {
        AddUnique(people, name);
      }
    }
  };
  if (field.is_array()) {
    for (const json& item : field) one(item);
  } else {
    one(field);
  }
  a.authors = people.empty() ? organisations : people;
}

void ReadImages(const Collector& c, const json& field, std::vector<std::string>& out) {
  auto one = [&](const json& raw) {
    const json& v = c.Resolve(raw);
    if (v.is_string()) AddUnique(out, std::string(text::TrimAsciiSpace(v.get<std::string>())));
    if (v.is_object()) {
      std::string url = StringField(v, "url");
      if (url.empty()) url = StringField(v, "contentUrl");
      AddUnique(out, url);
    }
  };
  if (field.is_array()) {
    for (const json& item : field) one(item);
  } else {
    one(field);
  }
}

void ReadArticle(const Collector& c, const json& obj, JsonLdArticle& a) {
  a.found = true;
  std::vector<std::string> types = TypesOf(obj);
  a.type = types.empty() ? "" : types.front();
  a.headline = StringField(obj, "headline");
  if (a.headline.empty()) a.headline = StringField(obj, "name");
  a.description = StringField(obj, "description");
  if (auto it = obj.find("author"); it != obj.end()) ReadAuthors(c, *it, a);
  if (a.authors.empty()) {
    if (auto it = obj.find("creator"); it != obj.end()) ReadAuthors(c, *it, a);
  }
  a.date_published = StringField(obj, "datePublished");
  if (a.date_published.empty()) a.date_published = StringField(obj, "dateCreated");
  a.date_modified = StringField(obj, "dateModified");
  a.section = StringField(obj, "articleSection");
  if (auto it = obj.find("keywords"); it != obj.end()) {
    std::vector<std::string> raw;
    if (it->is_string()) raw.push_back(it->get<std::string>());
    if (it->is_array()) {
      for (const json& k : *it) {
        if (k.is_string()) raw.push_back(k.get<std::string>());
      }
    }
    for (const std::string& r : raw) {
      size_t start = 0;
      while (start <= r.size()) {
        size_t comma = r.find(',', start);
        if (comma == std::string::npos) comma = r.size();
        AddUnique(a.keywords, std::string(text::TrimAsciiSpace(
                                  DecodeCharacterReferences(r.substr(start, comma - start)))));
        start = comma + 1;
      }
    }
  }
  if (auto it = obj.find("image"); it != obj.end()) ReadImages(c, *it, a.images);
  if (a.images.empty()) {
    if (auto it = obj.find("thumbnailUrl"); it != obj.end()) ReadImages(c, *it, a.images);
  }
  if (auto it = obj.find("publisher"); it != obj.end()) {
    const json& p = c.Resolve(it->is_array() && !it->empty() ? (*it)[0] : *it);
    if (p.is_object()) a.publisher = StringField(p, "name");
  }
  if (auto it = obj.find("articleBody"); it != obj.end() && it->is_string()) {
    a.article_body = it->get<std::string>();
  }
  a.in_language = StringField(obj, "inLanguage");
  a.url = StringField(obj, "url");
  if (a.url.empty()) {
    if (auto it = obj.find("mainEntityOfPage"); it != obj.end()) {
      if (it->is_string()) a.url = it->get<std::string>();
      if (it->is_object()) a.url = StringField(*it, "@id");
    }
  }
}

std::vector<std::string> ReadBreadcrumb(const json& list) {
  std::vector<std::pair<double, std::string>> items;
  auto it = list.find("itemListElement");
  if (it == list.end() || !it->is_array()) return {};
  for (const json& item : *it) {
    if (!item.is_object()) continue;
    std::string name = StringField(item, "name");
    if (name.empty()) {
      if (auto inner = item.find("item"); inner != item.end() && inner->is_object()) {
        name = StringField(*inner, "name");
      }
    }
    double pos = items.size();
    if (auto p = item.find("position"); p != item.end() && p->is_number()) pos = p->get<double>();
    if (!name.empty()) items.emplace_back(pos, name);
  }
  std::stable_sort(items.begin(), items.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> names;
  for (auto& [pos, name] : items) names.push_back(std::move(name));
  return names;
}

}  // namespace

std::string CleanSloppyJson(std::string_view text) {
  std::string_view s = text;
  auto strip_prefix = [&](std::string_view p) {
    while (!s.empty() && static_cast<unsigned char>(s.front()) <= ' ') s.remove_prefix(1);
    if (s.substr(0, p.size()) == p) s.remove_prefix(p.size());
  };
  auto strip_suffix = [&](std::string_view p) {
    while (!s.empty() && static_cast<unsigned char>(s.back()) <= ' ') s.remove_suffix(1);
    if (s.size() >= p.size() && s.substr(s.size() - p.size()) == p) s.remove_suffix(p.size());
  };
  strip_prefix("<!--");
  strip_prefix("//<![CDATA[");
  strip_prefix("<![CDATA[");
  strip_suffix("-->");
  strip_suffix("//]]>");
  strip_suffix("]]>");
  strip_suffix(";");
  std::string out;
  out.reserve(s.size());
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        out += c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : " ";
        continue;
      }
      out.push_back(c);
      continue;
    }
    if (c == '"') in_string = true;
    if (c == ',') {
      size_t j = i + 1;
      while (j < s.size() && static_cast<unsigned char>(s[j]) <= ' ') ++j;
      if (j < s.size() && (s[j] == '}' || s[j] == ']')) continue;  // trailing comma
    }
    out.push_back(c);
  }
  return out;
}

JsonLdData ParseJsonLd(const std::vector<std::string>& scripts) {
  JsonLdData data;
  std::vector<json> docs;
  docs.reserve(scripts.size());
  for (const std::string& script : scripts) {
    if (script.size() > kMaxScriptBytes) continue;
    json doc = json::parse(script, nullptr, false);
    if (doc.is_discarded()) doc = json::parse(CleanSloppyJson(script), nullptr, false);
    if (!doc.is_discarded()) docs.push_back(std::move(doc));
  }
  Collector c;
  for (const json& doc : docs) c.Walk(doc, 0);
  const json* article = nullptr;
  for (const json* obj : c.objects) {
    for (const std::string& t : TypesOf(*obj)) {
      if (IsArticleType(t)) {
        article = obj;
        break;
      }
    }
    if (article != nullptr) break;
  }
  if (article == nullptr) {
    for (const json* obj : c.objects) {
      if (obj->contains("headline")) {
        article = obj;
        break;
      }
    }
  }
  if (article != nullptr) ReadArticle(c, *article, data.article);
  for (const json* obj : c.objects) {
    if (data.breadcrumb.empty() && HasType(*obj, "breadcrumblist")) {
      data.breadcrumb = ReadBreadcrumb(*obj);
    }
    if (data.site_name.empty() && HasType(*obj, "website")) {
      data.site_name = StringField(*obj, "name");
    }
  }
  return data;
}

}  // namespace newscrawl
