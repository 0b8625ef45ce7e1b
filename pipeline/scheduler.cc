// Scheduler (see scheduler.h): the leasing loop on its own thread, dispatch to the fetcher, and
// the per-host outstanding counts.
#include "pipeline/scheduler.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/url.h"

namespace newscrawl::pipeline {
namespace {

// The host key of politeness and outstanding counts: Url::Origin(), the URL itself when it does
// not parse.
std::string HostKeyOf(std::string_view url) {
  auto parsed = ParseUrl(url);
  return parsed.ok() ? parsed->Origin() : std::string(url);
}

}  // namespace

Scheduler::Scheduler(SchedulerOptions options, SchedulerCallbacks callbacks, Frontier* frontier,
                     crawler::Fetcher* fetcher, WorkerPool* workers, ClusterLink* cluster,
                     DaemonMetrics* metrics, const Clock* clock)
    : options_(options),
      callbacks_(std::move(callbacks)),
      frontier_(frontier),
      fetcher_(fetcher),
      workers_(workers),
      cluster_(cluster),
      metrics_(metrics),
      clock_(clock) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Drain(std::chrono::milliseconds deadline) {
  leasing_.store(false);
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait_for(lock, deadline, [&] { return outstanding_ == 0; });
}

void Scheduler::Stop() {
  leasing_.store(false);
  stopping_.store(true);
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

size_t Scheduler::Outstanding() const {
  std::lock_guard<std::mutex> lock(mu_);
  return outstanding_;
}

uint64_t Scheduler::Fetched() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fetched_;
}

void Scheduler::Loop() {
  int64_t last_housekeeping = 0;
  while (!stopping_.load()) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      stop_cv_.wait_for(lock, options_.tick, [&] { return stopping_.load(); });
    }
    if (stopping_.load()) break;
    const int64_t now = clock_->UnixNowMs();
    if (leasing_.load() && !(cluster_ && cluster_->Paused(now))) LeaseDue(now);
    if (now - last_housekeeping >= 1000) {
      last_housekeeping = now;
      if (callbacks_.housekeeping) callbacks_.housekeeping(now);
      if (cluster_) cluster_->Housekeeping();
      std::lock_guard<std::mutex> lock(mu_);
      for (const auto& [host, n] : host_outstanding_)
        metrics_->SetHostQueueDepth(host, static_cast<double>(n));
    }
  }
}

void Scheduler::LeaseDue(int64_t now) {
  std::map<std::string, size_t> hosts;
  std::map<std::string, std::string> host_of;  // url -> host key, parsed once per lease
  std::vector<FrontierEntry> park;
  size_t free = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    hosts = host_outstanding_;
    free = options_.max_outstanding > outstanding_ ? options_.max_outstanding - outstanding_ : 0;
  }
  if (free == 0) return;
  auto leased = frontier_->LeaseDue(free, free * 4 + 64, [&](const FrontierEntry& e) {
    int64_t park_until = 0;
    if (cluster_ && !cluster_->Admits(e, now, &park_until)) {
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
  if (cluster_) cluster_->ParkEntries(std::move(park));
}

void Scheduler::Dispatch(FrontierEntry entry, std::string host) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++host_outstanding_[host];
    ++outstanding_;
  }
  spdlog::debug("site {}: fetching {} {} ({} ms after it was due)", entry.site,
                UrlKindName(entry.kind), entry.url,
                std::max<int64_t>(clock_->UnixNowMs() - entry.due_ms, 0));
  crawler::FetchRequest request;
  request.url = entry.url;
  request.etag = entry.etag;
  request.last_modified = entry.last_modified;
  if (callbacks_.min_delay_of) {
    if (auto delay = callbacks_.min_delay_of(entry.site)) request.min_host_delay = *delay;
  }
  fetcher_->Fetch(std::move(request), [this, entry = std::move(entry), host = std::move(host)](
                                          crawler::FetchResult result) mutable {
    auto task = [this, entry, host, result = std::move(result)]() mutable {
      callbacks_.process(std::move(entry), std::move(result));
      Finish(host);
    };
    // The pool stops only after the fetcher has delivered every callback (see Daemon::Stop()).
    if (!workers_->Submit(std::move(task))) spdlog::error("worker pool stopped early");
  });
}

void Scheduler::Finish(const std::string& host) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = host_outstanding_.find(host);
  if (it != host_outstanding_.end() && it->second > 0) --it->second;
  if (outstanding_ > 0) --outstanding_;
  ++fetched_;
  if (outstanding_ == 0) idle_cv_.notify_all();
}

}  // namespace newscrawl::pipeline
