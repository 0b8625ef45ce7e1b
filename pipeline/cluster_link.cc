// ClusterLink: the daemon's side of scale-out (see cluster_link.h).
#include <algorithm>
#include <map>

#include <spdlog/spdlog.h>

#include "pipeline/cluster_host_key.h"
#include "pipeline/cluster_link.h"

namespace newscrawl::pipeline {
namespace {

constexpr int64_t kMinBackoffMs = 1000;
constexpr int64_t kMaxBackoffMs = 10'000;
constexpr size_t kMaxRoutedRemembered = 200'000;
// A URL whose claim another instance holds and has not published yet is fetched again after
// this (the claimer publishes soon, or its claim is taken over after claim_takeover).
constexpr int64_t kClaimHeldRetryMs = 10'000;

// The daemon's cluster series (the cluster library counts its own broker calls).
void Count(MetricsRegistry* registry, const char* name, const char* help, uint64_t n = 1,
           MetricLabels labels = {}) {
  registry->GetCounter(name, help, labels).Increment(n);
}

constexpr char kRoutedHelp[] = "Discovered URLs handed to the cluster for their host's owner.";
constexpr char kReceivedHelp[] = "New URLs the cluster handed to this instance (its hosts).";
constexpr char kParkedHelp[] =
    "Due URLs put off: another instance owns their host, or the host is settling after a "
    "handover.";
constexpr char kDeferredHelp[] =
    "URLs kept pending because a cluster call failed, by step (route, claim, claim_held, "
    "publish).";
constexpr char kSkippedHelp[] =
    "Handed-over article URLs not fetched: the cluster had already published them.";

}  // namespace

ClusterLink::ClusterLink(std::shared_ptr<ClusterHooks> hooks, ClusterLinkOptions options,
                         store::Store* store, Frontier* frontier, DaemonMetrics* metrics,
                         const Clock* clock)
    : hooks_(std::move(hooks)),
      options_(options),
      store_(store),
      frontier_(frontier),
      metrics_(metrics),
      clock_(clock) {}

ClusterLink::~ClusterLink() { Stop(); }

Status ClusterLink::Start() {
  outbox_ = std::make_unique<Outbox>(store_, hooks_.get());
  NC_RETURN_IF_ERROR(outbox_->Open());
  NC_RETURN_IF_ERROR(hooks_->Start(
      [this](const FrontierEntry& e, bool replayed) { return ReceiveUrl(e, replayed); }));
  started_ = true;
  RepublishAndAdvance();
  return Status::Ok();
}

void ClusterLink::Stop() {
  if (!started_) return;
  started_ = false;
  hooks_->Stop();
}

void ClusterLink::BeginIngest() { outbox_->BeginIngest(); }

void ClusterLink::EndIngest(uint64_t seq) { outbox_->EndIngest(seq); }

ClusterLinkCounters ClusterLink::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

void ClusterLink::RepublishAndAdvance() {
  uint64_t republished = 0;
  Status s = outbox_->RepublishPending(&republished);
  if (!s.ok()) {
    NoteTrouble("publish", s);
  } else if (republished > 0) {
    NoteOk();
    spdlog::info("cluster: published {} change-feed events again", republished);
  }
  if (Status flushed = outbox_->Advance(); !flushed.ok()) NoteTrouble("publish", flushed);
}

Status ClusterLink::ReceiveUrl(const FrontierEntry& entry, bool replayed) {
  FrontierEntry e = entry;
  e.state = UrlState::kPending;
  const int64_t now = NowMs();
  if (e.due_ms == 0 || e.due_ms > now) e.due_ms = now;
  // A replayed article another instance (or this one, before a crash) stored and published:
  // recorded as done, not fetched again. (Asked of replays only: a lookup per new URL on the
  // cluster's delivery thread held up every URL behind it.)
  if (replayed && e.kind == UrlKind::kArticle && !frontier_->Get(e.url).ok() &&
      hooks_->IsPublished(e.url)) {
    e.state = UrlState::kDone;
    auto added = frontier_->Add(e);
    if (!added.ok()) return added.status();
    Count(metrics_->registry(), "newscrawl_cluster_urls_skipped_published_total", kSkippedHelp);
    std::lock_guard<std::mutex> lock(mu_);
    ++counters_.skipped_published;
    return Status::Ok();
  }
  auto added = frontier_->Add(e);
  if (!added.ok()) return added.status();
  if (*added) {
    Count(metrics_->registry(), "newscrawl_cluster_urls_received_total", kReceivedHelp);
    metrics_->CountDiscovered(e.site, UrlKindName(e.kind));
    std::lock_guard<std::mutex> lock(mu_);
    ++counters_.received;  // also counted as discovered by the daemon
    return Status::Ok();
  }
  // Known here. An article parked while its host was owned elsewhere comes back now: the
  // cluster hands it over again when this instance takes the host's shard.
  if (e.kind != UrlKind::kArticle) return Status::Ok();
  auto old = frontier_->Get(e.url);
  if (!old.ok()) return Status::Ok();
  if (old->state == UrlState::kPending && old->due_ms > now + 1000) {
    FrontierEntry due = *old;
    due.due_ms = now;
    return frontier_->Update(due);
  }
  return Status::Ok();
}

bool ClusterLink::Admits(const FrontierEntry& e, int64_t now, int64_t* park_until) {
  const std::string key = ClusterHostKey(e.url);
  if (!hooks_->OwnsHost(key)) {
    owned_since_.erase(key);
    *park_until = now + options_.park.count();
    return false;
  }
  auto [it, inserted] = owned_since_.emplace(key, now);
  const int64_t ready = it->second + options_.settle.count();
  if (now < ready) {
    *park_until = ready;
    return false;
  }
  return true;
}

void ClusterLink::ParkEntries(std::vector<FrontierEntry> entries) {
  if (entries.empty()) return;
  for (auto& e : entries) {
    e.state = UrlState::kPending;
    Status s = frontier_->Update(e);
    if (!s.ok()) spdlog::error("frontier: {}", s.ToString());
  }
  Count(metrics_->registry(), "newscrawl_cluster_urls_parked_total", kParkedHelp, entries.size());
  std::lock_guard<std::mutex> lock(mu_);
  counters_.parked += entries.size();
}

void ClusterLink::Housekeeping() {
  RepublishAndAdvance();
  // Hosts lost since they were last seen start a new settle time when they come back.
  for (auto it = owned_since_.begin(); it != owned_since_.end();)
    it = hooks_->OwnsHost(it->first) ? std::next(it) : owned_since_.erase(it);
}

bool ClusterLink::ShouldRoute(const FrontierEntry& e) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (routed_recently_.count(e.url)) return false;
  }
  // Known here: a seed, or routed while this instance owned the host (the cluster keeps it).
  return !frontier_->Get(e.url).ok();
}

Status ClusterLink::RouteDiscovered(const std::vector<FrontierEntry>& entries) {
  Status s = hooks_->RouteAll(entries);
  if (!s.ok()) {
    NoteTrouble("route", s);
    return s;
  }
  NoteOk();
  Count(metrics_->registry(), "newscrawl_cluster_urls_routed_total", kRoutedHelp, entries.size());
  std::lock_guard<std::mutex> lock(mu_);
  counters_.routed += entries.size();
  if (routed_recently_.size() + entries.size() > kMaxRoutedRemembered) routed_recently_.clear();
  for (const FrontierEntry& e : entries) routed_recently_.insert(e.url);
  return Status::Ok();
}

bool ClusterLink::Claim(const Article& article, const TextFingerprints& text,
                        int64_t* retry_in_ms) {
  *retry_in_ms = 0;
  auto decision = hooks_->Claim(article, text);
  if (!decision.ok()) {
    *retry_in_ms = kMinBackoffMs;
    if (decision.status().code() == StatusCode::kFailedPrecondition) {
      *retry_in_ms = kClaimHeldRetryMs;
      // Claimed by another instance that has not published it yet: this URL later, the rest
      // of the crawl goes on.
      Count(metrics_->registry(), "newscrawl_cluster_deferred_total", kDeferredHelp, 1,
            {{"step", "claim_held"}});
      std::lock_guard<std::mutex> lock(mu_);
      ++counters_.deferred;
      return false;
    }
    NoteTrouble("claim", decision.status());
    return false;
  }
  NoteOk();
  if (decision->verdict == ClaimVerdict::kStore) return true;
  metrics_->CountDedupHit("cluster_" + (decision->reason.empty() ? "claim" : decision->reason));
  spdlog::debug("cluster: {} is a {} duplicate of {}", article.url, decision->reason,
                decision->duplicate_of);
  std::lock_guard<std::mutex> lock(mu_);
  ++counters_.cluster_duplicates;
  return false;
}

bool ClusterLink::Publish(const store::IngestResult& ingested) {
  Status s = outbox_->Publish(ingested);
  if (!s.ok()) {
    // The outbox keeps it: housekeeping publishes it again (RepublishAndAdvance).
    NoteTrouble("publish", s);
    return false;
  }
  NoteOk();
  std::lock_guard<std::mutex> lock(mu_);
  ++counters_.published;
  return true;
}

void ClusterLink::NoteTrouble(const char* step, const Status& status) {
  Count(metrics_->registry(), "newscrawl_cluster_deferred_total", kDeferredHelp, 1,
        {{"step", step}});
  int64_t backoff = 0;
  const int64_t now = NowMs();
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++counters_.deferred;
    // The calls in flight when the broker went away fail together: one step per pause.
    if (now < paused_until_.load()) return;
    backoff_ms_ = std::clamp<int64_t>(backoff_ms_ * 2, kMinBackoffMs, kMaxBackoffMs);
    backoff = backoff_ms_;
    paused_until_.store(now + backoff);
  }
  spdlog::warn("cluster: {} failed, URL kept pending, leasing paused {} ms: {}", step, backoff,
               status.ToString());
}

void ClusterLink::NoteOk() {
  std::lock_guard<std::mutex> lock(mu_);
  if (backoff_ms_ == 0) return;
  backoff_ms_ = 0;
  paused_until_.store(0);
  spdlog::info("cluster: broker calls succeed again, leasing resumed");
}

}  // namespace newscrawl::pipeline
