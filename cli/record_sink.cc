#include "cli/record_sink.h"

#include <spdlog/spdlog.h>

#include "common/article_identity.h"
#include "common/fingerprint.h"
#include "store/store.h"

namespace newscrawl::cli {
namespace {

class PrintOnlySink : public RecordSink {
 public:
  Result<Article> Emit(Article article) override {
    FillFingerprints(&article);
    return article;
  }
};

// Ingests every article into the store; prints what the store assigned (version, seq,
// duplicate_of). Pages that are not articles are printed but not stored.
class StoreSink : public RecordSink {
 public:
  explicit StoreSink(std::unique_ptr<store::Store> store) : store_(std::move(store)) {}

  Result<Article> Emit(Article article) override {
    if (!article.is_article) {
      FillFingerprints(&article);
      spdlog::warn("{}: not stored: not an article ({})", article.url, article.not_article_reason);
      return article;
    }
    // Ingest computes id, content hash and SimHash itself (one tokenisation of the text).
    auto result = store_->Ingest(std::move(article));
    if (!result.ok()) return result.status();
    if (result->event != store::EventKind::kNone) ++stored_;
    spdlog::info("{}: {} (seq {})", result->record.url, store::EventKindName(result->event),
                 result->record.seq);
    return std::move(result).value().record;
  }
  uint64_t stored() const override { return stored_; }

  bool ShouldHold(const Article& article) const override {
    if (!article.is_article) return false;
    auto urls = IdentifyArticleUrls(article);
    return urls.ok() && urls->fetched_url != urls->index_url &&
           store_->GetJsonById(urls->id).status().code() == StatusCode::kNotFound;
  }

 private:
  std::unique_ptr<store::Store> store_;
  uint64_t stored_ = 0;
};

}  // namespace

void AddRecordSinkOptions(CLI::App& sub, RecordSinkOptions* options) {
  sub.add_option("--db", options->db_path, "Also store every record in the RocksDB store at DIR");
}

Result<std::unique_ptr<RecordSink>> RecordSink::Open(const RecordSinkOptions& options) {
  if (options.db_path.empty())
    return std::unique_ptr<RecordSink>(std::make_unique<PrintOnlySink>());
  auto store = store::Store::Open(options.db_path);
  if (!store.ok()) return store.status();
  return std::unique_ptr<RecordSink>(std::make_unique<StoreSink>(std::move(store).value()));
}

}  // namespace newscrawl::cli
