// Text normalisers for metadata: see meta_text.h.
#include "parser/meta_text.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "common/text.h"
#include "parser/dom.h"
#include "parser/html_entities.h"

namespace newscrawl {
namespace {

std::string TrimPunctuation(std::string_view s) {
  auto junk = [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == ',' || c == ':' || c == ';' || c == '-' ||
           c == '|' || c == '/' || c == '(' || c == ')' || c == '.' || c == '*';
  };
  while (!s.empty() && junk(s.front())) s.remove_prefix(1);
  // Keep a final '.' of an initial ("John Q.") only when the name has more than one letter run.
  while (!s.empty() && junk(s.back()) && s.back() != '.') s.remove_suffix(1);
  if (!s.empty() && s.back() == '.' && s.size() >= 3 && s[s.size() - 3] != ' ') s.remove_suffix(1);
  return std::string(s);
}

void SplitOn(std::vector<std::string>& parts, std::string_view sep, bool ignore_case) {
  std::vector<std::string> out;
  for (const std::string& p : parts) {
    size_t start = 0;
    std::string hay = ignore_case ? text::AsciiLower(p) : p;
    while (true) {
      size_t at = hay.find(sep, start);
      if (at == std::string::npos) {
        out.push_back(p.substr(start));
        break;
      }
      out.push_back(p.substr(start, at - start));
      start = at + sep.size();
    }
  }
  parts.swap(out);
}

bool PlausibleName(const std::string& name) {
  if (name.size() < 2 || name.size() > 60) return false;
  if (name.find('@') != std::string::npos || name.find("://") != std::string::npos ||
      name.find("[at]") != std::string::npos) {
    return false;
  }
  // A host name ("lecker.de", "www.site.com") is not a person.
  size_t dot = name.rfind('.');
  if (name.find(' ') == std::string::npos && dot != std::string::npos && dot + 2 < name.size()) {
    return false;
  }
  if (std::any_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  size_t words = 1 + std::count(name.begin(), name.end(), ' ');
  if (words > 6) return false;
  static const char* kNotNames[] = {"admin",  "administrator", "staff",    "editor",  "unknown",
                                    "guest",  "anonymous",     "facebook", "twitter", "share",
                                    "posted", "published",     "updated",  "by",      "no author",
                                    "none",   "null"};
  for (const char* n : kNotNames) {
    if (text::EqualsIgnoreCase(name, n)) return false;
  }
  const std::string lower = text::AsciiLower(name);
  if (lower.find("admin") != std::string::npos) return false;  // "jdadmin", "Site Admin"
  // A URL or a fragment of one: "Deutsche Welle (www.dw.com".
  if (lower.find("www.") != std::string::npos ||
      std::count(name.begin(), name.end(), '(') != std::count(name.begin(), name.end(), ')')) {
    return false;
  }
  // Share buttons ("Twitter Facebook"), a sentence ("Lesotho Times Lesotho's widely read
  // newspaper": three or more words in lower case; "María de los Ángeles" has two), a role
  // without a name ("Staff Reporters", "senior correspondent").
  static const std::string_view kRoleWords[] = {
      "staff",          "senior",   "chief",     "special",      "foreign",      "political",
      "deputy",         "managing", "associate", "contributing", "freelance",    "digital",
      "news",           "writer",   "writers",   "reporter",     "reporters",    "correspondent",
      "correspondents", "editor",   "editors",   "contributor",  "contributors", "columnist",
      "photographer",   "producer", "team",      "desk"};
  int lower_case_words = 0;
  bool all_roles = true;
  size_t start = 0;
  while (start < lower.size()) {
    size_t end = lower.find(' ', start);
    if (end == std::string::npos) end = lower.size();
    std::string_view word = std::string_view(lower).substr(start, end - start);
    if (name[start] >= 'a' && name[start] <= 'z') ++lower_case_words;
    for (std::string_view social : {"twitter", "facebook", "whatsapp", "linkedin", "instagram"}) {
      if (word == social) return false;
    }
    if (std::find(std::begin(kRoleWords), std::end(kRoleWords), word) == std::end(kRoleWords)) {
      all_roles = false;
    }
    start = end + 1;
  }
  return lower_case_words < 3 && !all_roles;
}

}  // namespace

std::vector<std::string> NormalizeAuthorNames(std::string_view byline) {
  // References left undecoded ("Nguy&#7877;n") would be split at their ';'.
  std::string text = text::CollapseWhitespace(DecodeCharacterReferences(byline));
  // Cut at what usually follows the name in a byline.
  static const char* kCuts[] = {" | ",      "|",       " • ",       "•",         " · ",
                                " - ",      " — ",     " – ",       "\u2014",    " published",
                                " updated", " posted", " cập nhật", " đăng lúc", " on ",
                                " am ",     " le ",    " vom ",     " ngày "};
  for (const char* cut : kCuts) {
    std::string lower = text::AsciiLower(text);
    size_t at = lower.find(cut);
    if (at != std::string::npos && at > 0) text.resize(at);
  }
  static const char* kPrefixes[] = {
      "written by ", "posted by ", "reported by ", "story by ",    "words by ",  "by: ",
      "by ",         "theo ",      "tác giả: ",    "tác giả ",     "tác giả:",   "author: ",
      "author ",     "autor: ",    "von ",         "par ",         "por ",       "di ",
      "door ",       "text: ",     "bài: ",        "bài và ảnh: ", "thực hiện: "};
  bool stripped = true;
  while (stripped) {
    stripped = false;
    std::string trimmed = TrimPunctuation(text);
    text = trimmed;
    for (const char* prefix : kPrefixes) {
      if (text::StartsWithIgnoreCase(text, prefix)) {
        text = text.substr(std::string_view(prefix).size());
        stripped = true;
        break;
      }
    }
  }
  // "Recipe by Name", "Text und Interview: Name": drop a short lead-in ending in "by" or ':'.
  for (std::string_view marker : {std::string_view(" by "), std::string_view(": ")}) {
    std::string lower = text::AsciiLower(text);
    size_t at = lower.find(marker);
    if (at != std::string::npos && at > 0 && at <= 30 &&
        std::count(text.begin(), text.begin() + static_cast<long>(at), ' ') <= 3) {
      text = TrimPunctuation(text.substr(at + marker.size()));
    }
  }
  for (const char* cut : {" foto:", " photo:", " fotos:", " ảnh:", " bild:"}) {
    size_t at = text::AsciiLower(text).find(cut);
    if (at != std::string::npos && at > 0) text.resize(at);
  }
  std::vector<std::string> parts{text};
  SplitOn(parts, " and ", true);
  SplitOn(parts, " & ", false);
  SplitOn(parts, " và ", true);
  SplitOn(parts, " und ", true);
  SplitOn(parts, " et ", true);
  SplitOn(parts, " y ", true);
  SplitOn(parts, ", ", false);
  SplitOn(parts, ";", false);
  std::vector<std::string> names;
  for (const std::string& p : parts) {
    std::string name = TrimPunctuation(p);
    if (!PlausibleName(name)) continue;
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

namespace {

// Letters and digits of `text`, ASCII lower-cased (other bytes kept as they are).
std::string CompactName(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80 || (c >= '0' && c <= '9')) {
      out.push_back(c);
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      out.push_back(text::AsciiLower(c));
    }
  }
  return out;
}

}  // namespace

std::string HeadlineKey(std::string_view text) {
  std::string key;
  key.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) key.push_back(static_cast<char>(c));
      if (c >= 'A' && c <= 'Z') key.push_back(static_cast<char>(c - 'A' + 'a'));
      continue;
    }
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    // U+00A0 no-break space, U+00AB/U+00BB guillemets, U+00B7 middle dot.
    if (c == 0xC2 && (next == 0xA0 || next == 0xAB || next == 0xBB || next == 0xB7)) {
      ++i;
      continue;
    }
    // U+2000-U+206F general punctuation (dashes, quotes, spaces, ellipsis).
    if (c == 0xE2 && (next == 0x80 || next == 0x81) && i + 2 < text.size()) {
      i += 2;
      continue;
    }
    key.push_back(static_cast<char>(c));
  }
  return key;
}

PublisherNames::PublisherNames(const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    std::string compact = CompactName(name);
    if (compact.size() >= 2) compact_.push_back(std::move(compact));
  }
}

bool PublisherNames::Names(std::string_view author) const {
  const std::string name = CompactName(author);
  if (name.empty()) return false;
  for (const std::string& p : compact_) {
    if (name == p ||
        (p.size() >= 6 && name.size() <= p.size() + 6 && name.compare(0, p.size(), p) == 0)) {
      return true;
    }
  }
  return false;
}

std::string StripSiteSuffix(std::string_view title_in, std::string_view site_name,
                            std::string_view host, bool aggressive) {
  std::string title = text::CollapseWhitespace(title_in);
  // The host's main label: "www.vnexpress.net" -> "vnexpress".
  std::string host_label = text::AsciiLower(host);
  if (host_label.rfind("www.", 0) == 0) host_label = host_label.substr(4);
  host_label = host_label.substr(0, host_label.find('.'));
  auto names_site = [&](std::string_view segment) {
    std::string s = text::AsciiLower(text::CollapseWhitespace(segment));
    std::string compact;
    for (char c : s) {
      if (c != ' ' && c != '.' && c != '-') compact.push_back(c);
    }
    if (!site_name.empty() && s == text::AsciiLower(text::CollapseWhitespace(site_name)))
      return true;
    if (!host_label.empty() && (compact == host_label || s == text::AsciiLower(host) ||
                                compact.rfind(host_label, 0) == 0)) {
      return true;
    }
    return false;
  };
  static const char* kSeparators[] = {" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / "};
  for (const char* sep : kSeparators) {
    std::string_view sv(sep);
    size_t last = title.rfind(sv);
    if (last != std::string::npos && last > 0) {
      std::string head = title.substr(0, last), tail = title.substr(last + sv.size());
      size_t tail_words = 1 + std::count(tail.begin(), tail.end(), ' ');
      if (names_site(tail) || (aggressive && tail_words <= 4 && head.size() > tail.size())) {
        return StripSiteSuffix(head, site_name, host, false);
      }
    }
    size_t first = title.find(sv);
    if (first != std::string::npos && first > 0) {
      std::string head = title.substr(0, first), tail = title.substr(first + sv.size());
      if (names_site(head) && !tail.empty()) return tail;
    }
  }
  return title;
}

std::string NormalizeLanguageTag(std::string_view tag_in) {
  std::string tag = text::CollapseWhitespace(tag_in.substr(0, tag_in.find(',')));
  std::replace(tag.begin(), tag.end(), '_', '-');
  std::string out;
  size_t part = 0, start = 0;
  while (start <= tag.size()) {
    size_t dash = tag.find('-', start);
    if (dash == std::string::npos) dash = tag.size();
    std::string sub = tag.substr(start, dash - start);
    if (sub.empty() || sub.size() > 8) break;
    if (!std::all_of(sub.begin(), sub.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        })) {
      break;
    }
    sub = text::AsciiLower(sub);
    if (part == 0 && (sub.size() < 2 || sub.size() > 3)) return "";
    if (part > 0 && sub.size() == 2) {
      for (char& c : sub) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      }
    }
    out += (part ? "-" : "") + sub;
    ++part;
    start = dash + 1;
  }
  return out;
}

std::vector<std::string> SplitKeywords(std::string_view text) {
  std::vector<std::string> tags;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(",;", start);
    if (end == std::string_view::npos) end = text.size();
    std::string tag = text::CollapseWhitespace(text.substr(start, end - start));
    if (!tag.empty() && tag.size() <= 100 &&
        std::find(tags.begin(), tags.end(), tag) == tags.end()) {
      tags.push_back(std::move(tag));
    }
    start = end + 1;
  }
  return tags;
}

}  // namespace newscrawl
