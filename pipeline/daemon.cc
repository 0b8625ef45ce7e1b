#include "pipeline/daemon.h"

#include <sstream>

#include <spdlog/spdlog.h>

#include "common/url.h"

namespace newscrawl::pipeline {
namespace {

using SiteMap = std::map<std::string, std::pair<SiteConfig, SiteRules>>;

crawler::FetcherOptions FetcherOptionsFor(const DaemonOptions& options) {
  const Config& c = options.config;
  crawler::FetcherOptions f;
  f.user_agent = c.identity.user_agent;
  f.robots_product_token = c.identity.RobotsToken();
  f.proxy = c.identity.proxy;
  f.connect_timeout = c.limits.connect_timeout;
  f.first_byte_timeout = c.limits.first_byte_timeout;
  f.total_timeout = c.limits.total_timeout;
  f.max_body_bytes = c.limits.max_body_size;
  f.max_decoded_bytes = c.limits.max_decoded_size;
  f.max_redirects = static_cast<int>(c.limits.max_redirects);
  f.max_connections_per_host = static_cast<int>(c.politeness.per_host_connections);
  f.min_host_delay = c.politeness.min_delay;
  f.max_crawl_delay = c.politeness.crawl_delay_cap;
  f.max_retry_after = c.politeness.max_retry_after;
  f.max_retries = static_cast<int>(c.politeness.max_retries);
  f.backoff_base = c.politeness.backoff_base;
  f.backoff_max = c.politeness.backoff_max;
  f.circuit_breaker_failures = static_cast<int>(c.politeness.circuit_breaker_failures);
  f.circuit_open_time = c.politeness.circuit_open_time;
  f.respect_robots = options.respect_robots;
  f.robots_cache_ttl = c.politeness.robots_cache_ttl;
  f.robots_retry_after_error = c.politeness.robots_retry_after_error;
  f.allow_loopback = c.allow_private_addresses;
  f.allow_private = c.allow_private_addresses;
  f.max_in_flight = c.limits.max_transfers;
  return f;
}

std::shared_ptr<const SiteMap> BuildSites(const Config& config) {
  auto sites = std::make_shared<SiteMap>();
  for (const auto& site : config.sites)
    sites->emplace(site.name, std::make_pair(site, SiteRules(site)));
  return sites;
}

UrlKind KindOf(SeedType type) {
  switch (type) {
    case SeedType::kFeed:
      return UrlKind::kFeed;
    case SeedType::kSitemap:
      return UrlKind::kSitemap;
    case SeedType::kSection:
    case SeedType::kHome:
      return UrlKind::kSection;
  }
  return UrlKind::kSection;
}

}  // namespace

Daemon::Daemon(DaemonOptions options)
    : options_(std::move(options)),
      clock_(options_.clock ? options_.clock : &SystemClock()),
      metrics_(options_.metrics ? options_.metrics : &MetricsRegistry::Default()) {}

Daemon::~Daemon() { Stop(std::chrono::milliseconds(0)); }

Result<std::unique_ptr<Daemon>> Daemon::Start(DaemonOptions options) {
  std::unique_ptr<Daemon> daemon(new Daemon(std::move(options)));
  const Config& config = daemon->options_.config;
  store::StoreOptions store_options;
  store_options.cache_bytes = daemon->options_.store_cache_bytes;
  auto store = store::Store::Open(config.storage_path, store_options);
  if (!store.ok()) return store.status();
  daemon->store_ = std::move(store).value();
  daemon->frontier_ =
      std::make_unique<Frontier>(daemon->store_.get(), daemon->options_.lease.count());
  daemon->sites_ = BuildSites(config);
  const int64_t now = daemon->NowMs();
  for (const auto& site : config.sites) daemon->site_last_new_ms_[site.name] = now;
  NC_RETURN_IF_ERROR(daemon->Seed(config));
  daemon->metrics_.SetLastSeq(daemon->store_->LastSeq());
  daemon->metrics_.ExportZeroSeries(config.sites);
  daemon->host_state_ = std::make_unique<StoreHostStateStore>(daemon->store_.get());
  auto archive = FetchArchive::OpenForConfig(config);  // null unless warc: is set
  if (!archive.ok()) return archive.status();
  daemon->archive_ = std::move(archive).value();
  crawler::FetcherOptions fetcher_options = FetcherOptionsFor(daemon->options_);
  crawler::FetcherEnv fetcher_env;
  if (daemon->archive_) daemon->archive_->Attach(&fetcher_options, &fetcher_env);
  daemon->fetcher_ = std::make_unique<crawler::Fetcher>(fetcher_options, daemon->host_state_.get(),
                                                        std::move(fetcher_env));
  daemon->workers_ = std::make_unique<WorkerPool>(daemon->options_.workers);
  NC_RETURN_IF_ERROR(daemon->StartCluster());
  daemon->scheduler_ = std::thread([d = daemon.get()] { d->SchedulerLoop(); });
  return daemon;
}

Status Daemon::Seed(const Config& config) {
  const int64_t now = NowMs();
  for (const auto& site : config.sites) {
    std::set<std::string> robots;
    auto add_source = [&](const std::string& raw_url, UrlKind kind,
                          std::chrono::milliseconds interval) -> Status {
      auto canonical = CanonicalizeUrl(raw_url);
      if (!canonical.ok()) return canonical.status().WithContext("site " + site.name);
      FrontierEntry e;
      e.url = *canonical;
      e.kind = kind;
      e.site = site.name;
      e.due_ms = now;
      e.interval_ms = interval.count();
      e.discovered_ms = now;
      auto added = frontier_->Add(e);
      if (!added.ok()) return added.status();
      if (*added) return Status::Ok();
      // Known: a source finished by an earlier config (its site was removed) polls again.
      auto old = frontier_->Get(e.url);
      if (old.ok() && old->state == UrlState::kDone && IsSource(old->kind)) {
        FrontierEntry revived = *old;
        revived.state = UrlState::kPending;
        revived.due_ms = now;
        revived.site = site.name;
        return frontier_->Update(revived);
      }
      return Status::Ok();
    };
    for (const auto& seed : site.seeds) {
      NC_RETURN_IF_ERROR(add_source(seed.url, KindOf(seed.type), site.min_poll_interval));
      if (!site.use_robots_sitemaps) continue;
      auto parsed = ParseUrl(seed.url);
      if (parsed.ok() && robots.insert(parsed->Origin()).second)
        NC_RETURN_IF_ERROR(
            add_source(parsed->Origin() + "/robots.txt", UrlKind::kRobots, site.max_poll_interval));
    }
  }
  return Status::Ok();
}

Result<std::vector<std::string>> Daemon::Reload(const Config& config) {
  std::vector<std::string> notes;
  const Config& old = options_.config;
  if (config.storage_path != old.storage_path)
    notes.push_back("storage_path changes only at restart (still " + old.storage_path + ")");
  if (config.http_api.bind != old.http_api.bind ||
      config.http_api.bearer_token != old.http_api.bearer_token)
    notes.push_back("http_api changes only at restart");
  if (config.identity.user_agent != old.identity.user_agent ||
      config.politeness.min_delay != old.politeness.min_delay ||
      config.politeness.per_host_connections != old.politeness.per_host_connections ||
      config.limits.max_transfers != old.limits.max_transfers)
    notes.push_back("identity, politeness and limits change only at restart");
  if (config.warc.dir != old.warc.dir || config.warc.max_file_size != old.warc.max_file_size ||
      config.warc.kinds != old.warc.kinds || config.warc.compress != old.warc.compress)
    notes.push_back("warc changes only at restart");
  NC_RETURN_IF_ERROR(Seed(config));
  metrics_.ExportZeroSeries(config.sites);
  auto sites = BuildSites(config);
  {
    std::lock_guard<std::mutex> lock(mu_);
    sites_ = std::move(sites);
    const int64_t now = NowMs();
    for (const auto& site : config.sites) site_last_new_ms_.emplace(site.name, now);
  }
  Config kept = config;
  kept.storage_path = old.storage_path;
  kept.http_api = old.http_api;
  kept.identity = old.identity;
  kept.politeness = old.politeness;
  kept.limits = old.limits;
  options_.config = std::move(kept);
  return notes;
}

std::shared_ptr<const SiteMap> Daemon::Sites() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sites_;
}

void Daemon::SchedulerLoop() {
  int64_t last_housekeeping = 0;
  while (!stopping_.load()) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      stop_cv_.wait_for(lock, options_.tick, [&] { return stopping_.load(); });
    }
    if (stopping_.load()) break;
    const int64_t now = NowMs();
    ClusterHooks* cluster = options_.cluster.get();
    if (leasing_.load() && !(cluster && ClusterPaused(now))) {
      std::map<std::string, size_t> hosts;
      std::map<std::string, std::string> host_of;  // url -> host key, parsed once per lease
      std::vector<FrontierEntry> park;
      size_t free = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        hosts = host_outstanding_;
        free = options_.max_outstanding > counters_.outstanding
                   ? options_.max_outstanding - counters_.outstanding
                   : 0;
      }
      if (free > 0) {
        auto leased = frontier_->LeaseDue(free, free * 4 + 64, [&](const FrontierEntry& e) {
          int64_t park_until = 0;
          if (cluster && !ClusterAdmits(e, now, &park_until)) {
            park.push_back(e);
            park.back().due_ms = park_until;
            return false;
          }
          std::string host = HostKeyOf(e.url);
          size_t& n = hosts[host];
          if (n >= options_.max_outstanding_per_host) return false;
          ++n;
          host_of[e.url] = std::move(host);
          return true;
        });
        if (!leased.ok()) {
          spdlog::error("frontier: {}", leased.status().ToString());
        } else {
          for (auto& e : *leased) {
            std::string host = std::move(host_of[e.url]);
            Dispatch(std::move(e), std::move(host));
          }
        }
        ParkEntries(std::move(park));
      }
    }
    if (now - last_housekeeping >= 1000) {
      last_housekeeping = now;
      CheckStaleSites(now);
      for (const FailureLog::Line& line : failure_log_.Flush())
        spdlog::log(line.level, "{}", line.text);
      if (cluster) ClusterHousekeeping();
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [host, n] : host_outstanding_)
        metrics_.SetHostQueueDepth(host, static_cast<double>(n));
    }
  }
}

std::string Daemon::HostKeyOf(std::string_view url) {
  auto parsed = ParseUrl(url);
  return parsed.ok() ? parsed->Origin() : std::string(url);
}

void Daemon::Dispatch(FrontierEntry entry, std::string host) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++host_outstanding_[host];
    ++counters_.outstanding;
  }
  spdlog::debug("site {}: fetching {} {} ({} ms after it was due)", entry.site,
                UrlKindName(entry.kind), entry.url, std::max<int64_t>(NowMs() - entry.due_ms, 0));
  crawler::FetchRequest request;
  request.url = entry.url;
  request.etag = entry.etag;
  request.last_modified = entry.last_modified;
  {
    auto sites = Sites();  // the site's own min_delay, if longer than politeness.min_delay
    auto site = sites->find(entry.site);
    if (site != sites->end() && site->second.first.min_delay)
      request.min_host_delay = *site->second.first.min_delay;
  }
  fetcher_->Fetch(std::move(request), [this, entry = std::move(entry), host = std::move(host)](
                                          crawler::FetchResult result) mutable {
    auto task = [this, entry, host, result = std::move(result)]() mutable {
      if (archive_) archive_->Record(result, entry.kind);
      Process(std::move(entry), std::move(result));
      Finish(host);
    };
    // The pool stops only after the fetcher has delivered every callback (see Stop()).
    if (!workers_->Submit(std::move(task))) spdlog::error("worker pool stopped early");
  });
}

void Daemon::Finish(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = host_outstanding_.find(host);
  if (it != host_outstanding_.end() && it->second > 0) --it->second;
  if (counters_.outstanding > 0) --counters_.outstanding;
  ++counters_.fetched;
  if (counters_.outstanding == 0) idle_cv_.notify_all();
}

void Daemon::CheckStaleSites(int64_t now_ms) {
  auto sites = Sites();
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, site] : *sites) {
    const int64_t last = site_last_new_ms_[name];
    const bool stale = now_ms - last > site.first.stale_after.count();
    bool& was = site_stale_[name];
    if (stale && !was)
      spdlog::warn("site {}: no new article for {} s (stale_after {} s)", name,
                   (now_ms - last) / 1000, site.first.stale_after.count() / 1000);
    if (stale != was || now_ms - last < 2000) metrics_.SetSiteStale(name, stale);
    was = stale;
  }
}

void Daemon::Stop(std::chrono::milliseconds drain_deadline) {
  if (stopped_) return;
  stopped_ = true;
  leasing_.store(false);
  if (fetcher_) {
    std::unique_lock<std::mutex> lock(mu_);
    idle_cv_.wait_for(lock, drain_deadline, [&] { return counters_.outstanding == 0; });
  }
  stopping_.store(true);
  stop_cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  // Cancelled fetches come back through the workers, which put them back as due.
  if (fetcher_) fetcher_->Shutdown();
  if (workers_) workers_->Stop();
  fetcher_.reset();
  workers_.reset();
  archive_.reset();  // after the fetcher and the workers: closes and renames the WARC file
  // After the workers: their claims and publishes are done; the sink is not called after this.
  if (cluster_started_) options_.cluster->Stop();
}

DaemonCounters Daemon::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

std::string Daemon::StatusLine() const {
  DaemonCounters c = counters();
  std::ostringstream out;
  out << c.articles_new << " articles, " << c.duplicates << " duplicates (seq "
      << (store_ ? store_->LastSeq() : 0) << "), " << c.outstanding << " in flight, " << c.fetched
      << " fetched, " << c.fetch_failures << " failed, " << Sites()->size() << " sites";
  if (options_.cluster)
    out << "; cluster: " << c.routed << " routed, " << c.received << " received, " << c.published
        << " published, " << c.cluster_duplicates << " claimed elsewhere, " << c.deferred
        << " deferred";
  return out.str();
}

}  // namespace newscrawl::pipeline
