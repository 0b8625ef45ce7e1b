// Daemon: aliases (issue #12, docs/change-feed.md). A page whose canonical URL (rel=canonical,
// og:url, AMP's canonical) differs from the URL it was fetched from is an alias rendering of the
// canonical page: AMP and print pages lack parts of the article (lead, captions, byline), so the
// article is stored from the canonical page. An alias met before its canonical page is put off
// while the canonical page is fetched first; afterwards the store only adds the alias's URL.
#include <spdlog/spdlog.h>

#include "pipeline/daemon.h"

namespace newscrawl::pipeline {
namespace {

// How often an alias is put off for its canonical page at most before it is stored from the alias
// itself, so that nothing is lost. It is stored at once when the canonical page was fetched and
// gave no article (it failed, is not an article) or the site's rules deny it. The waits grow
// (min_poll_interval x 1, 2, 3, ..., at most max_poll_interval): a busy host may take a while to
// get to the canonical page.
constexpr int32_t kMaxAliasWaits = 12;

}  // namespace

int64_t Daemon::WaitForCanonical(FrontierEntry* entry, const ArticleIdentity& alias,
                                 const SiteConfig& site, int64_t now) {
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
  auto sites = Sites();
  auto rules = sites->find(entry->site);
  if (rules == sites->end() || !rules->second.second.Allowed(canonical.url)) return 0;
  if (options_.cluster) {
    if (ShouldRoute(canonical) && !RouteDiscovered({canonical}).ok())
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
  const int64_t wait =
      std::min<int64_t>(std::max<int64_t>(site.min_poll_interval.count(), 200) * entry->alias_waits,
                        std::max<int64_t>(site.max_poll_interval.count(), 200));
  spdlog::debug(
      "site {}: {} is an alias of {}, not stored yet: that page first, this one again "
      "in {} ms",
      entry->site, entry->url, alias.index_url, wait);
  return wait;
}

bool Daemon::KnownToTheStore(FrontierEntry* entry) {
  if (entry->kind != UrlKind::kArticle) return false;
  auto stored = store_->GetByUrl(entry->url);
  if (!stored.ok()) return false;
  entry->state = UrlState::kDone;
  Status s = frontier_->Update(*entry);
  if (!s.ok()) spdlog::error("frontier: {}", s.ToString());
  if (stored->canonical_url != entry->url) metrics_.CountDedupHit("alias");
  return true;
}

}  // namespace newscrawl::pipeline
