#include "config/config_reader.h"

#include <algorithm>
#include <set>

namespace newscrawl::config_internal {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

void Reader::ErrorAt(const YAML::Mark& mark, const std::string& message) {
  bool known = mark.line >= 0 && mark.column >= 0 && !mark.is_null();
  int line = known ? mark.line + 1 : 1;
  int column = known ? mark.column + 1 : 1;
  errors_.push_back(
      {known ? line : 0, known ? column : 0,
       file_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message});
}

void Reader::Error(const YAML::Node& node, const std::string& message) {
  ErrorAt(node.IsDefined() ? node.Mark() : YAML::Mark::null_mark(), message);
}

std::string Reader::Joined() const {
  std::vector<Problem> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Problem& a, const Problem& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  std::string all;
  for (const Problem& e : sorted) {
    if (!all.empty()) all += '\n';
    all += e.text;
  }
  return all;
}

bool Reader::CheckMap(const YAML::Node& node, const std::string& what,
                      std::initializer_list<const char*> known) {
  if (!node.IsMap()) {
    Error(node, what + " must be a map of \"key: value\" lines");
    return false;
  }
  std::set<std::string> seen;
  for (const auto& entry : node) {
    const std::string key = entry.first.Scalar();
    bool is_known =
        std::any_of(known.begin(), known.end(), [&](const char* k) { return key == k; });
    if (!is_known) {
      std::string message = "unknown key '" + key + "' in " + what;
      const char* nearest = nullptr;
      size_t best = 0;
      for (const char* k : known) {
        size_t d = EditDistance(key, k);
        if (nearest == nullptr || d < best) {
          nearest = k;
          best = d;
        }
      }
      if (nearest != nullptr && best <= std::max<size_t>(2, key.size() / 3)) {
        message += " (did you mean '" + std::string(nearest) + "'?)";
      } else {
        message += " (known keys:";
        for (const char* k : known) message += std::string(" ") + k;
        message += ")";
      }
      Error(entry.first, message);
    } else if (!seen.insert(key).second) {
      Error(entry.first, "duplicate key '" + key + "' in " + what);
    }
  }
  return true;
}

bool Reader::Scalar(const YAML::Node& map, const char* key, YAML::Node* value) {
  YAML::Node node = map[key];
  if (!node || node.IsNull()) return false;
  if (!node.IsScalar()) {
    Error(node, std::string(key) + " must be a single value, not a list or map");
    return false;
  }
  *value = node;
  return true;
}

void Reader::String(const YAML::Node& map, const char* key, std::string* out) {
  YAML::Node node;
  if (Scalar(map, key, &node)) *out = node.Scalar();
}

void Reader::Bool(const YAML::Node& map, const char* key, bool* out) {
  YAML::Node node;
  if (!Scalar(map, key, &node)) return;
  const std::string& text = node.Scalar();
  if (text == "true") {
    *out = true;
  } else if (text == "false") {
    *out = false;
  } else {
    Error(node, std::string(key) + " must be true or false, got '" + text + "'");
  }
}

void Reader::Uint(const YAML::Node& map, const char* key, uint32_t min, uint32_t max,
                  uint32_t* out) {
  YAML::Node node;
  if (!Scalar(map, key, &node)) return;
  const std::string& text = node.Scalar();
  bool digits = !text.empty() && text.size() <= 10 &&
                std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  uint64_t value = digits ? std::stoull(text) : 0;
  if (!digits || value < min || value > max) {
    Error(node, std::string(key) + " must be a whole number from " + std::to_string(min) + " to " +
                    std::to_string(max) + ", got '" + text + "'");
    return;
  }
  *out = static_cast<uint32_t>(value);
}

void Reader::Duration(const YAML::Node& map, const char* key, ConfigDuration min,
                      ConfigDuration* out) {
  YAML::Node node;
  if (!Scalar(map, key, &node)) return;
  Result<ConfigDuration> value = ParseDuration(node.Scalar());
  if (!value.ok()) {
    Error(node, std::string(key) + ": " + value.status().message());
  } else if (*value < min) {
    Error(node, std::string(key) + " must be at least " + std::to_string(min.count()) +
                    " ms, got '" + node.Scalar() + "'");
  } else {
    *out = *value;
  }
}

void Reader::Size(const YAML::Node& map, const char* key, uint64_t min, uint64_t max,
                  uint64_t* out) {
  YAML::Node node;
  if (!Scalar(map, key, &node)) return;
  Result<uint64_t> value = ParseSize(node.Scalar());
  if (!value.ok()) {
    Error(node, std::string(key) + ": " + value.status().message());
  } else if (*value < min || *value > max) {
    Error(node, std::string(key) + " must be between " + std::to_string(min) + " and " +
                    std::to_string(max) + " bytes, got '" + node.Scalar() + "'");
  } else {
    *out = *value;
  }
}

void Reader::StringList(const YAML::Node& map, const char* key, std::vector<std::string>* out) {
  YAML::Node node = map[key];
  if (!node || node.IsNull()) return;
  if (!node.IsSequence()) {
    Error(node, std::string(key) + " must be a list (\"- item\" lines or [a, b])");
    return;
  }
  out->clear();
  for (const YAML::Node& item : node) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      Error(item, std::string(key) + " items must be non-empty strings");
      continue;
    }
    out->push_back(item.Scalar());
  }
}

void Reader::Pattern(const YAML::Node& node, std::vector<UrlPattern>* out) {
  if (!node.IsScalar()) {
    Error(node, "a URL pattern must be a string (a glob, or \"regex:...\")");
    return;
  }
  Result<UrlPattern> pattern = CompileUrlPattern(node.Scalar());
  if (!pattern.ok()) {
    Error(node, pattern.status().message());
    return;
  }
  out->push_back(std::move(pattern).value());
}

void Reader::Patterns(const YAML::Node& map, const char* key, std::vector<UrlPattern>* out) {
  YAML::Node node = map[key];
  if (!node || node.IsNull()) return;
  out->clear();
  if (node.IsScalar()) {
    Pattern(node, out);
    return;
  }
  if (!node.IsSequence()) {
    Error(node, std::string(key) + " must be a list of URL patterns");
    return;
  }
  for (const YAML::Node& item : node) Pattern(item, out);
}

}  // namespace newscrawl::config_internal
