#include "cli/record_sink.h"

#include "common/fingerprint.h"

namespace newscrawl::cli {
namespace {

class PrintOnlySink : public RecordSink {
 public:
  Result<Article> Emit(Article article) override {
    FillFingerprints(&article);
    return article;
  }
};

}  // namespace

void AddRecordSinkOptions(CLI::App& sub, RecordSinkOptions* options) {
  sub.add_option("--db", options->db_path, "Also store every record in the RocksDB store at DIR");
}

Result<std::unique_ptr<RecordSink>> RecordSink::Open(const RecordSinkOptions& options) {
  if (!options.db_path.empty())
    return Status::Unimplemented("--db: the store is not part of this build yet");
  return std::unique_ptr<RecordSink>(std::make_unique<PrintOnlySink>());
}

}  // namespace newscrawl::cli
