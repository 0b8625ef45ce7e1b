// SiteHealth: what the daemon tells an operator about each site apart from single fetches: a site
// with no new article for longer than its stale_after (a warning once, and the
// newscrawl_site_stale gauge), and its sources flagged dead (a warning, a line when one is back,
// and the newscrawl_dead_sources gauge).
//
// Thread safety: every method from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>

#include "config/config.h"
#include "pipeline/daemon_metrics.h"
#include "pipeline/frontier.h"
#include "pipeline/site_table.h"

namespace newscrawl::pipeline {

class SiteHealth {
 public:
  explicit SiteHealth(DaemonMetrics* metrics) : metrics_(metrics) {}  // not owned

  // A site known from `now_ms` on (configured, or added by a reload): stale only after its
  // stale_after from then. A site already known keeps its time.
  void AddSite(const std::string& site, int64_t now_ms);
  // A new article of `site` was stored at `now_ms`.
  void NoteNewArticle(const std::string& site, int64_t now_ms);
  // Once a second: warns about each of `sites` that became stale, sets the gauges.
  void CheckStale(const SiteTable& sites, int64_t now_ms);
  // Source `entry` (entry.failures failures in a row) is now dead or back; the last failure
  // `cause` goes into the warning. Logs only a change.
  void SetDead(const FrontierEntry& entry, bool dead, const std::string& cause);

 private:
  DaemonMetrics* const metrics_;
  std::mutex mu_;
  std::map<std::string, int64_t> last_new_ms_;                 // guarded by mu_
  std::map<std::string, bool> stale_;                          // guarded by mu_
  std::map<std::string, std::set<std::string>> dead_sources_;  // site -> urls; mu_
};

}  // namespace newscrawl::pipeline
