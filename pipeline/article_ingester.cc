// ArticleIngester (see article_ingester.h).
#include "pipeline/article_ingester.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace newscrawl::pipeline {
namespace {

// How often an alias is put off for its canonical page at most before it is stored from the alias
// itself, so that nothing is lost. It is stored at once when the canonical page was fetched and
// gave no article (it failed, is not an article) or the site's rules deny it. The waits grow
// (min_poll_interval x 1, 2, 3, ..., at most max_poll_interval): a busy host may take a while to
// get to the canonical page.
constexpr int32_t kMaxAliasWaits = 12;

}  // namespace

ArticleVerdict ArticleIngester::Ingest(FrontierEntry* entry, const Site& site, Article article,
                                       int64_t now, int64_t* deferred_for_ms, bool* alias) {
  *deferred_for_ms = 0;
  *alias = false;
  if (!article.is_article) {
    metrics_->CountExtractionFailure(
        article.not_article_reason.empty() ? "not_article" : article.not_article_reason);
    std::lock_guard<std::mutex> lock(mu_);
    ++counters_.not_articles;
    return ArticleVerdict::kDone;
  }
  auto identity = IdentifyArticle(article);  // what the claim names and the store files
  if (!identity.ok()) {
    metrics_->CountExtractionFailure("rejected");
    return ArticleVerdict::kDone;
  }
  *alias = identity->fetched_url != identity->index_url;
  if (*alias) {
    *deferred_for_ms = WaitForCanonical(entry, *identity, site, now);
    if (*deferred_for_ms > 0) return ArticleVerdict::kDeferred;  // its canonical page first
  }
  StampIdentity(*identity, &article);
  if (cluster_ && !cluster_->Claim(article, identity->text, deferred_for_ms)) {
    // Another instance holds the claim (nothing to store here), or broker trouble / a claim
    // still open elsewhere (*deferred_for_ms > 0: again later).
    return *deferred_for_ms > 0 ? ArticleVerdict::kDeferred : ArticleVerdict::kDone;
  }
  const std::string published_at = article.published_at;
  if (cluster_) cluster_->BeginIngest();
  auto ingested = store_->Ingest(std::move(article), *identity);
  if (cluster_)
    cluster_->EndIngest(
        ingested.ok() && ingested->event != store::EventKind::kNone ? ingested->record.seq : 0);
  if (!ingested.ok()) {
    if (ingested.status().code() == StatusCode::kInvalidArgument) {
      metrics_->CountExtractionFailure("rejected");
      return ArticleVerdict::kDone;
    }
    spdlog::error("store: {}: {}", identity->fetched_url, ingested.status().ToString());
    return ArticleVerdict::kRetry;
  }
  CountIngested(entry->site, *ingested, published_at, now, *alias);
  const store::EventKind kind = ingested->event;
  if (kind != store::EventKind::kNone && on_changes_) on_changes_();
  // A failed publish is retried from the change feed (ClusterLink::Housekeeping).
  if (cluster_ && kind != store::EventKind::kNone) cluster_->Publish(*ingested);
  return ArticleVerdict::kDone;
}

void ArticleIngester::CountIngested(const std::string& site, const store::IngestResult& ingested,
                                    const std::string& published_at, int64_t now, bool alias) {
  const store::EventKind kind = ingested.event;
  if (kind == store::EventKind::kNone) {
    metrics_->CountDedupHit(alias ? "alias" : "unchanged");
  } else {
    metrics_->CountStored(site, store::EventKindName(kind));
    metrics_->SetLastSeq(ingested.record.seq);
    if (kind == store::EventKind::kDuplicate) metrics_->CountDedupHit("duplicate");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (kind == store::EventKind::kNew) {
      ++counters_.articles_new;
    } else if (kind == store::EventKind::kDuplicate) {
      ++counters_.duplicates;
    } else if (kind == store::EventKind::kVersion) {
      ++counters_.versions;
    } else {
      ++counters_.unchanged;
    }
  }
  if (kind == store::EventKind::kNew) {
    health_->NoteNewArticle(site, now);
    auto published_ms = ParseIsoTimeMs(published_at);
    if (published_ms && *published_ms <= now)
      metrics_->ObservePublishToIngest(site, (now - *published_ms) / 1000.0);
  }
}

int64_t ArticleIngester::WaitForCanonical(FrontierEntry* entry, const ArticleIdentity& alias,
                                          const Site& site, int64_t now) {
  if (store_->GetJsonById(alias.id).ok()) return 0;  // stored: the store adds the alias's URL
  if (entry->alias_waits >= kMaxAliasWaits) {
    spdlog::info(
        "site {}: storing {} from its alias rendering: canonical page {} not stored "
        "after {} checks",
        entry->site, alias.index_url, entry->url, entry->alias_waits);
    return 0;
  }
  FrontierEntry canonical;
  canonical.url = alias.index_url;
  canonical.kind = UrlKind::kArticle;
  canonical.site = entry->site;
  canonical.due_ms = now;
  canonical.discovered_ms = now;
  canonical.title = entry->title;
  canonical.published_at = entry->published_at;
  canonical.metadata_from_news_sitemap = entry->metadata_from_news_sitemap;
  if (!site.rules.Allowed(canonical.url)) return 0;
  if (cluster_) {
    if (cluster_->ShouldRoute(canonical) && !cluster_->RouteDiscovered({canonical}).ok())
      return 0;  // broker trouble: stored from the alias rather than lost
  } else {
    auto added = frontier_->Add(canonical);
    if (!added.ok()) return 0;
    if (!*added) {
      auto known = frontier_->Get(canonical.url);
      if (!known.ok() || known->state == UrlState::kDone) return 0;  // fetched, not stored
      if (known->state == UrlState::kPending && known->due_ms > now) {
        known->due_ms = now;
        (void)frontier_->Update(*known);
      }
    }
  }
  ++entry->alias_waits;
  const int64_t wait = std::min<int64_t>(
      std::max<int64_t>(site.config.min_poll_interval.count(), 200) * entry->alias_waits,
      std::max<int64_t>(site.config.max_poll_interval.count(), 200));
  spdlog::debug(
      "site {}: {} is an alias of {}, not stored yet: that page first, this one again "
      "in {} ms",
      entry->site, entry->url, alias.index_url, wait);
  return wait;
}

bool ArticleIngester::KnownToTheStore(FrontierEntry* entry) {
  if (entry->kind != UrlKind::kArticle) return false;
  auto stored = store_->GetByUrl(entry->url);
  if (!stored.ok()) return false;
  entry->state = UrlState::kDone;
  Status s = frontier_->Update(*entry);
  if (!s.ok()) spdlog::error("frontier: {}", s.ToString());
  if (stored->canonical_url != entry->url) metrics_->CountDedupHit("alias");
  return true;
}

IngestCounters ArticleIngester::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

}  // namespace newscrawl::pipeline
