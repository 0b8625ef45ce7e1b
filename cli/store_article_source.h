// StoreArticleSource: the HTTP API's ArticleSource (server/article_source.h) over the store, the
// adapter `newscrawl run` wires between the daemon's store and the server (here, in cli/, so that
// the pipeline does not link the server: DESIGN.md). Records are served as stored.
// Thread-safe because the store is; every call is a few point reads or one short scan.
#pragma once

#include "server/article_source.h"
#include "store/store.h"

namespace newscrawl::cli {

class StoreArticleSource : public server::ArticleSource {
 public:
  // `store` is not owned and must outlive this object.
  explicit StoreArticleSource(store::Store* store) : store_(store) {}

  Result<std::vector<server::ChangeEvent>> ReadChanges(uint64_t after, size_t limit) override;
  uint64_t LastSeq() override;
  Result<std::string> GetArticleById(std::string_view id) override;
  Result<std::string> GetArticleByUrl(std::string_view url) override;

 private:
  store::Store* const store_;
};

}  // namespace newscrawl::cli
