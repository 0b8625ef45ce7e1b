#include "store/change_feed.h"

namespace newscrawl::store {

void AppendFeedLine(const ChangeEvent& event, std::string_view record_json, std::string* out) {
  // Records are JSON objects written by ArticleToJson: splice the member in before the final
  // '}' instead of parsing and re-serialising ~5 KB per event.
  size_t end = record_json.find_last_of('}');
  if (end == std::string_view::npos) end = record_json.size();
  out->append(record_json.substr(0, end));
  out->append(",\"event\":\"");
  out->append(EventKindName(event.kind));
  out->append("\"}");
}

}  // namespace newscrawl::store
