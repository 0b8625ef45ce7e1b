// ArticleIngester: what becomes of one extracted article in the daemon (on a worker thread): its
// identity, computed once (common/article_identity.h); an alias rendering put off until its
// canonical page is stored (aliases: see below); the cluster claim; Store::Ingest; the metrics;
// the cluster publish.
//
// Aliases (issue #12, docs/change-feed.md): a page whose canonical URL (rel=canonical, og:url,
// AMP's canonical) differs from the URL it was fetched from is an alias rendering of the canonical
// page. AMP and print pages lack parts of the article (lead, captions, byline), so the article is
// stored from the canonical page: an alias met first is put off while the canonical page is
// fetched, and afterwards the store only adds the alias's URL.
//
// Thread safety: every method from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "common/article.h"
#include "common/article_identity.h"
#include "common/clock.h"
#include "pipeline/cluster_link.h"
#include "pipeline/crawl_policy.h"
#include "pipeline/daemon_metrics.h"
#include "pipeline/frontier.h"
#include "pipeline/site_health.h"
#include "pipeline/site_table.h"
#include "store/store.h"

namespace newscrawl::pipeline {

// What the ingester stored since start (part of DaemonCounters).
struct IngestCounters {
  uint64_t articles_new = 0;  // kNew events written
  uint64_t duplicates = 0;    // kDuplicate events written
  uint64_t versions = 0;      // kVersion events written
  uint64_t unchanged = 0;     // re-ingests with nothing new
  uint64_t not_articles = 0;  // fetched article URLs that were not articles
};

class ArticleIngester {
 public:
  // None of the pointers is owned; all must outlive the ingester. `cluster` may be null (a single
  // instance). `on_changes` (may be empty) is called after events were written.
  ArticleIngester(store::Store* store, Frontier* frontier, ClusterLink* cluster,
                  DaemonMetrics* metrics, SiteHealth* health, std::function<void()> on_changes)
      : store_(store),
        frontier_(frontier),
        cluster_(cluster),
        metrics_(metrics),
        health_(health),
        on_changes_(std::move(on_changes)) {}
  ArticleIngester(const ArticleIngester&) = delete;
  ArticleIngester& operator=(const ArticleIngester&) = delete;

  // Ingests `article`, extracted from the page of *entry (of `site`) at `now`. kDone when it was
  // stored, is unchanged, a duplicate (here or claimed elsewhere in the cluster) or no article;
  // kRetry on a store error; kDeferred (with *deferred_for_ms) when it is put off: an alias
  // waiting for its canonical page (entry->alias_waits counts the waits), broker trouble, a
  // claim still open on another instance. *alias: the page was an alias rendering.
  ArticleVerdict Ingest(FrontierEntry* entry, const Site& site, Article article, int64_t now,
                        int64_t* deferred_for_ms, bool* alias);

  // A discovered article URL the store already knows (an alias or fetched URL of a stored
  // article) is recorded as done instead of fetched. True when it was.
  bool KnownToTheStore(FrontierEntry* entry);

  IngestCounters counters() const;

 private:
  // How long to put off storing the article of `alias` (fetched from entry->url) because its
  // canonical article is not stored yet and the canonical page is now due to be fetched first;
  // 0 = store it now (its canonical article is stored and the store only adds the alias's URL,
  // or it waited enough: stored from the alias).
  int64_t WaitForCanonical(FrontierEntry* entry, const ArticleIdentity& alias, const Site& site,
                           int64_t now);
  // `alias`: the page was an alias rendering (a kNone is then counted as an alias, not unchanged).
  void CountIngested(const std::string& site, const store::IngestResult& ingested,
                     const std::string& published_at, int64_t now, bool alias);

  store::Store* const store_;
  Frontier* const frontier_;
  ClusterLink* const cluster_;
  DaemonMetrics* const metrics_;
  SiteHealth* const health_;
  const std::function<void()> on_changes_;
  mutable std::mutex mu_;
  IngestCounters counters_;  // guarded by mu_
};

}  // namespace newscrawl::pipeline
