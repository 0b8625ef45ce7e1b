// Internal to config/: typed reads of YAML values with FILE:LINE:COLUMN errors collected.
//
// Every read leaves the target unchanged when the key is absent or null (the default stays) and
// records an error, positioned at the offending node, when the value is of the wrong kind or out
// of range. Not a public API of nc_config; not thread-safe (one Reader per load).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "config/config.h"

namespace newscrawl::config_internal {

// Levenshtein distance, for "did you mean" suggestions.
size_t EditDistance(std::string_view a, std::string_view b);

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  // Records "FILE:LINE:COLUMN: message" at `node` (at 1:1 when the node has no position).
  void Error(const YAML::Node& node, const std::string& message);
  void ErrorAt(const YAML::Mark& mark, const std::string& message);

  // True when `node` is a map whose keys are all in `known` and appear once each; records an
  // error per unknown key (suggesting the nearest known one) or duplicate. `what` names the
  // section in messages. Returns false only when `node` is not a map at all.
  bool CheckMap(const YAML::Node& node, const std::string& what,
                std::initializer_list<const char*> known);

  void String(const YAML::Node& map, const char* key, std::string* out);
  void Bool(const YAML::Node& map, const char* key, bool* out);
  void Uint(const YAML::Node& map, const char* key, uint32_t min, uint32_t max, uint32_t* out);
  void Duration(const YAML::Node& map, const char* key, ConfigDuration min, ConfigDuration* out);
  void Size(const YAML::Node& map, const char* key, uint64_t min, uint64_t max, uint64_t* out);
  void StringList(const YAML::Node& map, const char* key, std::vector<std::string>* out);
  // A list of URL patterns (or one pattern written as a string).
  void Patterns(const YAML::Node& map, const char* key, std::vector<UrlPattern>* out);
  // One pattern scalar, appended to `out` when valid.
  void Pattern(const YAML::Node& node, std::vector<UrlPattern>* out);

  bool ok() const { return errors_.empty(); }
  // All errors, one per line, sorted by line then column (errors without a position, such as
  // "cannot load", first); errors at the same position stay in the order found.
  std::string Joined() const;

 private:
  // The scalar at map[key]; nullptr-like (false) when absent or null, error when not a scalar.
  bool Scalar(const YAML::Node& map, const char* key, YAML::Node* value);

  struct Problem {
    int line;
    int column;
    std::string text;  // "FILE:LINE:COLUMN: message"
  };
  std::string file_;
  std::vector<Problem> errors_;
};

}  // namespace newscrawl::config_internal
