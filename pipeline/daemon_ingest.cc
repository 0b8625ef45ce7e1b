// Daemon: the ingest of one extracted article (on a worker thread): its identity, computed once
// (common/article_identity.h), then the cluster claim, the store, the metrics and the publish.
#include <spdlog/spdlog.h>

#include "pipeline/daemon.h"

namespace newscrawl::pipeline {

ArticleVerdict Daemon::IngestArticle(FrontierEntry* entry, const SiteConfig& site_config,
                                     Article article, int64_t now, int64_t* deferred_for_ms,
                                     bool* alias) {
  *deferred_for_ms = 0;
  *alias = false;
  const std::string& site = entry->site;
  if (!article.is_article) {
    metrics_.CountExtractionFailure(
        article.not_article_reason.empty() ? "not_article" : article.not_article_reason);
    std::lock_guard<std::mutex> lock(mu_);
    ++counters_.not_articles;
    return ArticleVerdict::kDone;
  }
  auto identity = IdentifyArticle(article);  // what the claim names and the store files
  if (!identity.ok()) {
    metrics_.CountExtractionFailure("rejected");
    return ArticleVerdict::kDone;
  }
  *alias = identity->fetched_url != identity->index_url;
  if (*alias) {
    *deferred_for_ms = WaitForCanonical(entry, *identity, site_config, now);
    if (*deferred_for_ms > 0) return ArticleVerdict::kDeferred;  // its canonical page first
  }
  StampIdentity(*identity, &article);
  if (options_.cluster && !ClaimArticle(article, identity->text, deferred_for_ms)) {
    // Another instance holds the claim (nothing to store here), or broker trouble / a claim
    // still open elsewhere (*deferred_for_ms > 0: again later).
    return *deferred_for_ms > 0 ? ArticleVerdict::kDeferred : ArticleVerdict::kDone;
  }
  const std::string published_at = article.published_at;
  if (outbox_) outbox_->BeginIngest();
  auto ingested = store_->Ingest(std::move(article), *identity);
  if (outbox_)
    outbox_->EndIngest(
        ingested.ok() && ingested->event != store::EventKind::kNone ? ingested->record.seq : 0);
  if (!ingested.ok()) {
    if (ingested.status().code() == StatusCode::kInvalidArgument) {
      metrics_.CountExtractionFailure("rejected");
      return ArticleVerdict::kDone;
    }
    spdlog::error("store: {}: {}", identity->fetched_url, ingested.status().ToString());
    return ArticleVerdict::kRetry;
  }
  CountIngested(site, *ingested, published_at, now, identity->fetched_url != identity->index_url);
  const store::EventKind kind = ingested->event;
  if (kind != store::EventKind::kNone && options_.on_changes) options_.on_changes();
  // A failed publish is retried from the change feed (RepublishAndAdvance).
  if (options_.cluster && kind != store::EventKind::kNone) PublishIngested(*ingested);
  return ArticleVerdict::kDone;
}

void Daemon::CountIngested(const std::string& site, const store::IngestResult& ingested,
                           const std::string& published_at, int64_t now, bool alias) {
  const store::EventKind kind = ingested.event;
  if (kind == store::EventKind::kNone) {
    metrics_.CountDedupHit(alias ? "alias" : "unchanged");
  } else {
    metrics_.CountStored(site, store::EventKindName(kind));
    metrics_.SetLastSeq(ingested.record.seq);
    if (kind == store::EventKind::kDuplicate) metrics_.CountDedupHit("duplicate");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (kind == store::EventKind::kNew) {
      ++counters_.articles_new;
      site_last_new_ms_[site] = now;
    } else if (kind == store::EventKind::kDuplicate) {
      ++counters_.duplicates;
    } else if (kind == store::EventKind::kVersion) {
      ++counters_.versions;
    } else {
      ++counters_.unchanged;
    }
  }
  if (kind == store::EventKind::kNew) {
    auto published_ms = ParseIsoTimeMs(published_at);
    if (published_ms && *published_ms <= now)
      metrics_.ObservePublishToIngest(site, (now - *published_ms) / 1000.0);
  }
}

}  // namespace newscrawl::pipeline
