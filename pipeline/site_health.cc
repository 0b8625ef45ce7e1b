#include "pipeline/site_health.h"

#include <spdlog/spdlog.h>

namespace newscrawl::pipeline {

void SiteHealth::AddSite(const std::string& site, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  last_new_ms_.emplace(site, now_ms);
}

void SiteHealth::NoteNewArticle(const std::string& site, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  last_new_ms_[site] = now_ms;
}

void SiteHealth::CheckStale(const SiteTable& sites, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, site] : sites) {
    const int64_t last = last_new_ms_[name];
    const bool stale = now_ms - last > site.config.stale_after.count();
    bool& was = stale_[name];
    if (stale && !was)
      spdlog::warn("site {}: no new article for {} s (stale_after {} s)", name,
                   (now_ms - last) / 1000, site.config.stale_after.count() / 1000);
    if (stale != was || now_ms - last < 2000) metrics_->SetSiteStale(name, stale);
    was = stale;
  }
}

void SiteHealth::SetDead(const FrontierEntry& entry, bool dead, const std::string& cause) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& urls = dead_sources_[entry.site];
  bool changed = dead ? urls.insert(entry.url).second : urls.erase(entry.url) > 0;
  if (!changed) return;
  if (dead)
    spdlog::warn("site {}: {} {} flagged dead after {} failures in a row, the last: {}", entry.site,
                 UrlKindName(entry.kind), entry.url, entry.failures, cause);
  else
    spdlog::info("site {}: {} {} is back", entry.site, UrlKindName(entry.kind), entry.url);
  metrics_->SetDeadSources(entry.site, static_cast<double>(urls.size()));
}

}  // namespace newscrawl::pipeline
