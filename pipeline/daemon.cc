#include "pipeline/daemon.h"

#include <algorithm>
#include <sstream>

#include <spdlog/spdlog.h>

#include "common/url.h"

namespace newscrawl::pipeline {
namespace {

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

// The cluster's settle time: as configured, or derived from politeness (see DaemonOptions).
std::chrono::milliseconds ClusterSettle(const DaemonOptions& options) {
  if (options.cluster_settle.count() >= 0) return options.cluster_settle;
  const auto derived =
      std::chrono::milliseconds(1000) +
      options.config.politeness.min_delay * static_cast<int64_t>(options.max_outstanding_per_host);
  return std::min<std::chrono::milliseconds>(derived, std::chrono::seconds(30));
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
  Daemon& d = *daemon;
  const Config& config = d.options_.config;
  store::StoreOptions store_options;
  store_options.cache_bytes = d.options_.store_cache_bytes;
  auto store = store::Store::Open(config.storage_path, store_options);
  if (!store.ok()) return store.status();
  d.store_ = std::move(store).value();
  d.frontier_ = std::make_unique<Frontier>(d.store_.get(), d.options_.lease.count());
  d.sites_ = BuildSiteTable(config);
  const int64_t now = d.NowMs();
  for (const auto& site : config.sites) d.health_.AddSite(site.name, now);
  NC_RETURN_IF_ERROR(d.Seed(config));
  d.metrics_.SetLastSeq(d.store_->LastSeq());
  d.metrics_.ExportZeroSeries(config.sites);
  d.host_state_ = std::make_unique<StoreHostStateStore>(d.store_.get(), *d.clock_);
  auto archive = FetchArchive::OpenForConfig(config);  // null unless warc: is set
  if (!archive.ok()) return archive.status();
  d.archive_ = std::move(archive).value();
  crawler::FetcherOptions fetcher_options = FetcherOptionsFor(d.options_);
  crawler::FetcherEnv fetcher_env;
  if (d.archive_) d.archive_->Attach(&fetcher_options, &fetcher_env);
  d.fetcher_ = std::make_unique<crawler::Fetcher>(fetcher_options, d.host_state_.get(),
                                                  std::move(fetcher_env));
  d.workers_ = std::make_unique<WorkerPool>(d.options_.workers);
  if (d.options_.cluster) {
    d.cluster_ = std::make_unique<ClusterLink>(
        d.options_.cluster, ClusterLinkOptions{ClusterSettle(d.options_), d.options_.cluster_park},
        d.store_.get(), d.frontier_.get(), &d.metrics_, d.clock_);
    NC_RETURN_IF_ERROR(d.cluster_->Start());
  }
  d.ingester_ =
      std::make_unique<ArticleIngester>(d.store_.get(), d.frontier_.get(), d.cluster_.get(),
                                        &d.metrics_, &d.health_, d.options_.on_changes);
  SchedulerCallbacks callbacks;
  callbacks.process = [&d](FrontierEntry entry, crawler::FetchResult result) {
    if (d.archive_) d.archive_->Record(result, entry.kind);
    d.Process(std::move(entry), std::move(result));
  };
  callbacks.min_delay_of = [&d](const std::string& site) {
    auto sites = d.Sites();  // the site's own min_delay, if longer than politeness.min_delay
    auto it = sites->find(site);
    return it == sites->end() ? std::nullopt : it->second.config.min_delay;
  };
  callbacks.housekeeping = [&d](int64_t now_ms) {
    d.health_.CheckStale(*d.Sites(), now_ms);
    for (const FailureLog::Line& line : d.failure_log_.Flush())
      spdlog::log(line.level, "{}", line.text);
  };
  d.scheduler_ = std::make_unique<Scheduler>(
      SchedulerOptions{d.options_.tick, d.options_.max_outstanding_per_host,
                       d.options_.max_outstanding},
      std::move(callbacks), d.frontier_.get(), d.fetcher_.get(), d.workers_.get(), d.cluster_.get(),
      &d.metrics_, d.clock_);
  d.scheduler_->Start();
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
  auto sites = BuildSiteTable(config);
  const int64_t now = NowMs();
  for (const auto& site : config.sites) health_.AddSite(site.name, now);
  {
    std::lock_guard<std::mutex> lock(mu_);
    sites_ = std::move(sites);
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

std::shared_ptr<const SiteTable> Daemon::Sites() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sites_;
}

void Daemon::Stop(std::chrono::milliseconds drain_deadline) {
  if (stopped_) return;
  stopped_ = true;
  if (scheduler_) {
    scheduler_->Drain(drain_deadline);
    scheduler_->Stop();
  }
  // Cancelled fetches come back through the workers, which put them back as due.
  if (fetcher_) fetcher_->Shutdown();
  if (workers_) workers_->Stop();
  fetcher_.reset();
  workers_.reset();
  archive_.reset();  // after the fetcher and the workers: closes and renames the WARC file
  // After the workers: their claims and publishes are done; the sink is not called after this.
  if (cluster_) cluster_->Stop();
}

DaemonCounters Daemon::counters() const {
  DaemonCounters c;
  {
    std::lock_guard<std::mutex> lock(mu_);
    c.fetch_failures = fetch_failures_;
    c.discovered = discovered_;
  }
  if (scheduler_) {
    c.fetched = scheduler_->Fetched();
    c.outstanding = scheduler_->Outstanding();
  }
  if (ingester_) static_cast<IngestCounters&>(c) = ingester_->counters();
  if (cluster_) {
    static_cast<ClusterLinkCounters&>(c) = cluster_->counters();
    c.discovered += c.received;
  }
  return c;
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
