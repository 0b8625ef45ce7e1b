#include "cli/store_article_source.h"

namespace newscrawl::cli {

Result<std::vector<server::ChangeEvent>> StoreArticleSource::ReadChanges(uint64_t after,
                                                                         size_t limit) {
  std::vector<server::ChangeEvent> events;
  Status s = store_->ForEachChange(after, limit,
                                   [&](const store::ChangeEvent& event, std::string_view json) {
                                     events.push_back({event.seq, std::string(json)});
                                     return true;
                                   });
  if (!s.ok()) return s;
  return events;
}

uint64_t StoreArticleSource::LastSeq() { return store_->LastSeq(); }

Result<std::string> StoreArticleSource::GetArticleById(std::string_view id) {
  return store_->GetJsonById(id);
}

Result<std::string> StoreArticleSource::GetArticleByUrl(std::string_view url) {
  return store_->GetJsonByUrl(url);
}

}  // namespace newscrawl::cli
