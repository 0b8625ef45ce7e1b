#include "crawler/fetcher.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cmath>
#include <deque>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "crawler/curl_util.h"
#include "crawler/http_client.h"
#include "parser/robots.h"

namespace newscrawl::crawler {
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;
using Millis = std::chrono::milliseconds;

namespace {

struct Pending {
  FetchRequest request;  // request.url is the current hop
  UrlTarget target;
  FetchResult result;  // filled as hops and attempts go
  Fetcher::Callback done;
  Clock::time_point submitted;
};
using PendingPtr = std::shared_ptr<Pending>;

// Unix milliseconds now, and conversions between the steady clock the fetcher schedules with
// and the unix times a HostStateStore keeps. Times not in the future are stored as 0.
int64_t UnixNowMs() {
  return std::chrono::duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t ToUnixMs(Clock::time_point t, Clock::time_point now, int64_t unix_now) {
  if (t <= now) return 0;
  return unix_now + std::chrono::duration_cast<Millis>(t - now).count();
}

Clock::time_point FromUnixMs(int64_t ms, Clock::time_point now, int64_t unix_now) {
  if (ms <= unix_now) return Clock::time_point{};
  return now + Millis(ms - unix_now);
}

struct Host {
  explicit Host(asio::io_context& io, std::string k) : key(std::move(k)), wake(io) {}
  std::string key;
  Clock::time_point last_used{};  // last request queued or answered
  std::deque<PendingPtr> queue;
  int in_flight = 0;
  Clock::time_point next_start{};
  Clock::time_point paused_until{};
  int failures = 0;  // consecutive
  Clock::time_point circuit_open_until{};
  enum class Robots { kUnknown, kFetching, kReady } robots_state = Robots::kUnknown;
  RobotsRules robots;
  FetchOutcome robots_failure = FetchOutcome::kOk;  // != kOk: unavailable until robots_expires
  std::string robots_error;
  Clock::time_point robots_expires{};
  Millis crawl_delay{0};
  int robots_status = 0;    // HTTP status of the cached robots.txt answer (0: none cached)
  std::string robots_body;  // its bytes (2xx only): answers the host's own /robots.txt
  Millis request_delay{0};  // longest FetchRequest::min_host_delay given
  bool dirty = false;       // politeness clock changed since the last save
  HostSnapshot saved;       // what the HostStateStore holds
  asio::steady_timer wake;
  bool wake_armed = false;
  Clock::time_point wake_at{};
};

}  // namespace

struct Fetcher::Impl {
  Impl(FetcherOptions o, HostStateStore* state)
      : options(std::move(o)),
        state_store(state),
        work(io.get_executor()),
        flush_timer(io),
        evict_timer(io),
        rng(std::random_device{}()) {
    client = std::make_unique<HttpClient>(io, options);
    thread = std::thread([this] { io.run(); });
  }

  // ---------- submission and completion ----------

  void Enqueue(PendingPtr p) {
    auto target = ParseTarget(p->request.url);
    if (!target) {
      Complete(p, FetchOutcome::kInvalidUrl, "not an absolute http(s) URL: " + p->request.url);
      return;
    }
    p->target = std::move(*target);
    Host& host = HostFor(p->target.host_key);
    host.last_used = Clock::now();
    host.request_delay = std::max(host.request_delay, p->request.min_host_delay);
    host.queue.push_back(std::move(p));
    Pump(host);
  }

  void Complete(const PendingPtr& p, FetchOutcome outcome, std::string error) {
    FetchResult& r = p->result;
    r.outcome = outcome;
    r.error = std::move(error);
    if (r.final_url.empty()) r.final_url = p->request.url;
    if (r.fetched_at.empty()) r.fetched_at = NowIso8601();
    r.seconds = std::chrono::duration<double>(Clock::now() - p->submitted).count();
    completed.fetch_add(1, std::memory_order_relaxed);
    Callback done = std::move(p->done);
    done(std::move(r));
  }

  Host& HostFor(const std::string& key) {
    auto& slot = hosts[key];
    if (!slot) {
      slot = std::make_unique<Host>(io, key);
      num_hosts.store(hosts.size(), std::memory_order_relaxed);
      LoadState(*slot);
      ArmEvict();
    }
    return *slot;
  }

  // ---------- host state: persistence and eviction ----------

  void LoadState(Host& h) {
    if (!state_store) return;
    const Clock::time_point now = Clock::now();
    const int64_t unix_now = UnixNowMs();
    if (auto snap = state_store->LoadHost(h.key)) {
      h.next_start = FromUnixMs(snap->next_start_ms, now, unix_now);
      h.paused_until = FromUnixMs(snap->paused_until_ms, now, unix_now);
      h.failures = snap->failures;
      h.circuit_open_until = FromUnixMs(snap->circuit_open_until_ms, now, unix_now);
      h.saved = *snap;
    }
    if (!options.respect_robots) return;
    if (auto robots = state_store->LoadRobots(h.key)) {
      const int64_t expires_ms = robots->fetched_ms + options.robots_cache_ttl.count();
      if (expires_ms > unix_now && robots->fetched_ms <= unix_now)
        ApplyRobots(h, robots->status, std::move(robots->body),
                    now + Millis(expires_ms - unix_now));
    }
  }

  HostSnapshot SnapshotOf(const Host& h) const {
    const Clock::time_point now = Clock::now();
    const int64_t unix_now = UnixNowMs();
    HostSnapshot s;
    s.next_start_ms = ToUnixMs(h.next_start, now, unix_now);
    s.paused_until_ms = ToUnixMs(h.paused_until, now, unix_now);
    s.failures = h.failures;
    s.circuit_open_until_ms = ToUnixMs(h.circuit_open_until, now, unix_now);
    return s;
  }

  // Saves the host's state now if it differs from what is stored.
  void SaveState(Host& h) {
    if (h.dirty) {
      h.dirty = false;
      dirty_hosts.erase(&h);
    }
    if (!state_store) return;
    HostSnapshot snap = SnapshotOf(h);
    if (snap == h.saved) return;
    state_store->SaveHost(h.key, snap);
    h.saved = snap;
  }

  // The politeness clock changed: saved with the next flush.
  void MarkDirty(Host& h) {
    if (!state_store || h.dirty) return;
    h.dirty = true;
    dirty_hosts.insert(&h);
    if (flush_armed) return;
    flush_armed = true;
    flush_timer.expires_after(options.host_state_flush_interval);
    flush_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      flush_armed = false;
      FlushDirty();
    });
  }

  void FlushDirty() {
    while (!dirty_hosts.empty()) SaveState(**dirty_hosts.begin());
  }

  bool Idle(const Host& h, Clock::time_point now) const {
    return h.queue.empty() && h.in_flight == 0 && h.robots_state != Host::Robots::kFetching &&
           !h.wake_armed && h.paused_until <= now && h.circuit_open_until <= now &&
           h.next_start <= now && now - h.last_used >= options.host_idle_evict &&
           waiting_for_slot.count(const_cast<Host*>(&h)) == 0;
  }

  void ArmEvict() {
    if (evict_armed || options.host_idle_evict.count() <= 0 || hosts.empty()) return;
    evict_armed = true;
    evict_timer.expires_after(std::max(Millis(10), options.host_idle_evict / 2));
    evict_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec) return;
      evict_armed = false;
      EvictIdle();
      ArmEvict();
    });
  }

  void EvictIdle() {
    const Clock::time_point now = Clock::now();
    for (auto it = hosts.begin(); it != hosts.end();) {
      Host& h = *it->second;
      if (!Idle(h, now)) {
        ++it;
        continue;
      }
      SaveState(h);
      it = hosts.erase(it);
      hosts_evicted.fetch_add(1, std::memory_order_relaxed);
    }
    num_hosts.store(hosts.size(), std::memory_order_relaxed);
  }

  // ---------- scheduling ----------

  Millis HostDelay(const Host& h) const {
    return std::max({options.min_host_delay, h.crawl_delay, h.request_delay});
  }

  void Pump(Host& h) {
    Clock::time_point now = Clock::now();
    if (h.circuit_open_until > now) {
      while (!h.queue.empty()) {
        PendingPtr p = std::move(h.queue.front());
        h.queue.pop_front();
        Complete(
            p, FetchOutcome::kHostUnavailable,
            h.key + ": circuit open after " + std::to_string(h.failures) + " consecutive failures");
      }
      return;
    }
    if (options.respect_robots && !h.queue.empty()) {
      if (h.robots_state == Host::Robots::kFetching) return;
      if (h.robots_state == Host::Robots::kUnknown || now >= h.robots_expires) {
        if (!GlobalSlotFree(h)) return;
        StartRobots(h);
        return;
      }
    }
    while (!h.queue.empty()) {
      PendingPtr& front = h.queue.front();
      if (options.respect_robots) {
        if (h.robots_failure == FetchOutcome::kOk && h.robots_status != 0 &&
            front->target.path_and_query == "/robots.txt") {
          PendingPtr p = std::move(front);
          h.queue.pop_front();
          AnswerFromRobotsCache(h, p);
          continue;
        }
        if (h.robots_failure != FetchOutcome::kOk) {
          PendingPtr p = std::move(front);
          h.queue.pop_front();
          Complete(p, h.robots_failure, h.robots_error);
          continue;
        }
        if (!h.robots.IsAllowed(front->target.path_and_query)) {
          PendingPtr p = std::move(front);
          h.queue.pop_front();
          Complete(p, FetchOutcome::kRobotsDisallowed,
                   "robots.txt of " + h.key + " disallows " + p->target.path_and_query);
          continue;
        }
      }
      if (h.in_flight >= options.max_connections_per_host) return;
      Clock::time_point ready = std::max(h.next_start, h.paused_until);
      if (now < ready) {
        ArmWake(h, ready);
        return;
      }
      if (!GlobalSlotFree(h)) return;
      PendingPtr p = std::move(front);
      h.queue.pop_front();
      h.next_start = now + HostDelay(h);
      MarkDirty(h);
      StartTransfer(h, std::move(p));
    }
  }

  bool GlobalSlotFree(Host& h) {
    if (client->in_flight() < options.max_in_flight) return true;
    waiting_for_slot.insert(&h);
    return false;
  }

  void PumpWaiting() {
    while (!waiting_for_slot.empty() && client->in_flight() < options.max_in_flight) {
      Host* h = *waiting_for_slot.begin();
      waiting_for_slot.erase(waiting_for_slot.begin());
      Pump(*h);
    }
  }

  void ArmWake(Host& h, Clock::time_point at) {
    if (h.wake_armed && h.wake_at <= at) return;
    h.wake_armed = true;
    h.wake_at = at;
    h.wake.expires_at(at);
    Host* hp = &h;
    h.wake.async_wait([this, hp](const boost::system::error_code& ec) {
      if (ec) return;  // re-armed or shut down
      hp->wake_armed = false;
      Pump(*hp);
    });
  }

  HttpRequest BaseRequest(const std::string& url) const {
    HttpRequest r;
    r.url = url;
    r.max_body_bytes = options.max_body_bytes;
    r.max_decoded_bytes = options.max_decoded_bytes;
    r.connect_timeout = options.connect_timeout;
    r.first_byte_timeout = options.first_byte_timeout;
    r.total_timeout = options.total_timeout;
    return r;
  }

  void StartTransfer(Host& h, PendingPtr p) {
    HttpRequest r = BaseRequest(p->target.url);
    if (p->result.redirects.empty()) {  // validators belong to the URL asked for, not to hops
      if (!p->request.etag.empty()) r.headers.push_back("If-None-Match: " + p->request.etag);
      if (!p->request.last_modified.empty()) {
        r.headers.push_back("If-Modified-Since: " + p->request.last_modified);
      }
    }
    ++h.in_flight;
    ++p->result.attempts;
    transfers.fetch_add(1, std::memory_order_relaxed);
    in_flight.insert(p);
    Host* hp = &h;
    client->Start(std::move(r), [this, hp, p](HttpResponse response) {
      in_flight.erase(p);
      OnResponse(*hp, p, std::move(response));
    });
  }

  // ---------- results ----------

  void OnResponse(Host& h, const PendingPtr& p, HttpResponse resp) {
    Clock::time_point now = Clock::now();
    --h.in_flight;
    h.last_used = now;
    h.next_start = std::max(h.next_start, now + HostDelay(h));
    MarkDirty(h);
    FetchResult& r = p->result;
    r.final_url = p->target.url;
    r.status = resp.status;
    r.content_type = resp.content_type;
    r.charset = CharsetOf(resp.content_type);
    r.etag = resp.etag;
    r.last_modified = resp.last_modified;
    r.content_encoding = resp.content_encoding;
    r.truncated = resp.truncated;
    r.fetched_at = NowIso8601();

    FetchOutcome outcome = resp.transport;
    std::string error = resp.error;
    if (outcome == FetchOutcome::kOk) {
      int s = resp.status;
      if (s == 304) {
        outcome = FetchOutcome::kNotModified;
      } else if (s >= 300 && s < 400) {
        outcome = FetchOutcome::kHttp3xx;
        error = "HTTP " + std::to_string(s) + " without a usable Location";
      } else if (s >= 400 && s < 500) {
        outcome = FetchOutcome::kHttp4xx;
        error = "HTTP " + std::to_string(s);
      } else if (s >= 500 || s < 200) {
        outcome = FetchOutcome::kHttp5xx;
        error = "HTTP " + std::to_string(s);
      }
    }
    bool transient = outcome == FetchOutcome::kHttp5xx || outcome == FetchOutcome::kTimeout ||
                     outcome == FetchOutcome::kNetwork || outcome == FetchOutcome::kConnect ||
                     resp.status == 429;
    if (!transient) {
      h.failures = 0;
      if (outcome == FetchOutcome::kHttp3xx && !resp.redirect_url.empty()) {
        FollowRedirect(p, resp.redirect_url);
      } else {
        r.body = std::move(resp.body);
        Complete(p, outcome, std::move(error));
      }
    } else {
      OnTransientFailure(h, p, resp, outcome, std::move(error));
    }
    Pump(h);
    PumpWaiting();
  }

  void OnTransientFailure(Host& h, const PendingPtr& p, const HttpResponse& resp,
                          FetchOutcome outcome, std::string error) {
    Clock::time_point now = Clock::now();
    ++h.failures;
    Millis pause = Backoff(h.failures);
    bool honour_retry_after = resp.status == 429 || resp.status == 503;
    if (honour_retry_after && !resp.retry_after.empty()) {
      long long unix_now = std::chrono::duration_cast<std::chrono::seconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
      if (auto delay = ParseRetryAfter(resp.retry_after, unix_now)) {
        pause = std::chrono::duration_cast<Millis>(*delay);
        error += " (Retry-After: " + resp.retry_after + ")";
      }
    }
    h.paused_until = std::max(h.paused_until, now + pause);
    if (h.failures >= options.circuit_breaker_failures) {
      h.circuit_open_until = now + options.circuit_open_time;
      SaveState(h);
      Complete(p, outcome, std::move(error));
      return;
    }
    SaveState(h);
    if (p->result.attempts <= options.max_retries && pause <= options.max_retry_after) {
      h.queue.push_front(p);  // retried first once the pause is over
      return;
    }
    Complete(p, outcome, std::move(error));
  }

  Millis Backoff(int failures) {
    double base = static_cast<double>(options.backoff_base.count());
    double raw = base * std::pow(2.0, std::min(failures - 1, 30));
    raw = std::min(raw, static_cast<double>(options.backoff_max.count()));
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    return Millis(static_cast<long long>(raw * jitter(rng)));
  }

  void FollowRedirect(const PendingPtr& p, const std::string& location) {
    FetchResult& r = p->result;
    if (location == r.url ||
        std::find(r.redirects.begin(), r.redirects.end(), location) != r.redirects.end()) {
      r.redirects.push_back(location);
      Complete(p, FetchOutcome::kRedirectLoop, "redirect loop back to " + location);
      return;
    }
    if (static_cast<int>(r.redirects.size()) >= options.max_redirects) {
      Complete(p, FetchOutcome::kTooManyRedirects,
               "more than " + std::to_string(options.max_redirects) + " redirects");
      return;
    }
    r.redirects.push_back(location);
    r.attempts = 0;
    p->request.url = location;
    Enqueue(p);
  }

  // ---------- robots.txt ----------

  void StartRobots(Host& h) {
    h.robots_state = Host::Robots::kFetching;
    HttpRequest r = BaseRequest(h.key + "/robots.txt");
    r.follow_redirects = true;
    r.max_redirects = 5;
    r.max_body_bytes = kRobotsMaxBytes;
    ++h.in_flight;
    transfers.fetch_add(1, std::memory_order_relaxed);
    robots_fetches.fetch_add(1, std::memory_order_relaxed);
    Host* hp = &h;
    client->Start(std::move(r), [this, hp](HttpResponse resp) {
      OnRobots(*hp, std::move(resp));
      Pump(*hp);
      PumpWaiting();
    });
  }

  // Caches a robots.txt answer that may be cached: 2xx (`body` is the file) or 3xx/4xx (allow
  // all), fresh until `expires`.
  void ApplyRobots(Host& h, int status, std::string body, Clock::time_point expires) {
    h.robots_state = Host::Robots::kReady;
    h.robots_failure = FetchOutcome::kOk;
    h.robots_error.clear();
    h.crawl_delay = Millis(0);
    h.robots_expires = expires;
    h.robots_status = status;
    if (status >= 200 && status < 300) {
      h.robots = ParseRobotsTxt(body, options.robots_product_token);
      h.robots_body = std::move(body);
      if (h.robots.crawl_delay_seconds && *h.robots.crawl_delay_seconds > 0) {
        auto delay = Millis(static_cast<long long>(*h.robots.crawl_delay_seconds * 1000));
        h.crawl_delay = std::min(delay, options.max_crawl_delay);
      }
    } else {
      h.robots = RobotsRules::AllowAll();
      h.robots_body.clear();
    }
  }

  // The host's own /robots.txt, asked for as a page (the daemon reads its Sitemap: lines): the
  // cached answer, without a second transfer.
  void AnswerFromRobotsCache(Host& h, const PendingPtr& p) {
    robots_cache_answers.fetch_add(1, std::memory_order_relaxed);
    FetchResult& r = p->result;
    r.final_url = p->target.url;
    r.status = h.robots_status;
    if (h.robots_status >= 200 && h.robots_status < 300) {
      r.content_type = "text/plain";
      r.body = h.robots_body;
      Complete(p, FetchOutcome::kOk, "");
    } else {
      Complete(p, FetchOutcome::kHttp4xx,
               "HTTP " + std::to_string(h.robots_status) + " (robots.txt answer cached)");
    }
  }

  void OnRobots(Host& h, HttpResponse resp) {
    Clock::time_point now = Clock::now();
    --h.in_flight;
    h.last_used = now;
    int s = resp.status;
    bool cacheable =
        resp.transport == FetchOutcome::kOk && s >= 200 && s < 500 && s != 429;  // 2xx, 3xx, 4xx
    if (resp.transport == FetchOutcome::kTooManyRedirects) {  // RFC 9309 2.3.1.2: allow all
      cacheable = true;
      s = s >= 300 && s < 400 ? s : 310;
    }
    if (cacheable) {
      const int64_t fetched_ms = UnixNowMs();
      ApplyRobots(h, s, s < 300 ? std::move(resp.body) : std::string(),
                  now + options.robots_cache_ttl);
      if (state_store) state_store->SaveRobots(h.key, RobotsSnapshot{fetched_ms, s, h.robots_body});
      return;
    }
    h.robots_state = Host::Robots::kReady;
    h.robots_failure = FetchOutcome::kOk;
    h.robots_error.clear();
    h.crawl_delay = Millis(0);
    h.robots_status = 0;
    h.robots_body.clear();
    // Unreachable: disallow everything for now; never cached as "allow".
    h.robots = RobotsRules::DisallowAll();
    h.robots_expires = now + options.robots_retry_after_error;
    bool same_for_page = resp.transport == FetchOutcome::kRefusedPrivate ||
                         resp.transport == FetchOutcome::kDns ||
                         resp.transport == FetchOutcome::kTls;
    h.robots_failure = same_for_page ? resp.transport : FetchOutcome::kRobotsUnavailable;
    std::string why =
        resp.transport == FetchOutcome::kOk ? "HTTP " + std::to_string(s) : resp.error;
    h.robots_error = "robots.txt of " + h.key + " unavailable (" + why + "); retry later";
    if (same_for_page) {
      // The page would fail the same way: fail what is queued now, and ask again next time
      // (nothing is cached, so a later request re-checks the address / name).
      h.robots_state = Host::Robots::kUnknown;
      while (!h.queue.empty()) {
        PendingPtr p = std::move(h.queue.front());
        h.queue.pop_front();
        Complete(p, h.robots_failure, resp.error);
      }
    }
  }

  // ---------- shutdown ----------

  void CancelAll() {
    FlushDirty();
    flush_timer.cancel();
    evict_timer.cancel();
    client.reset();  // aborts transfers without their callbacks; we complete them below
    for (const PendingPtr& p : in_flight) Complete(p, FetchOutcome::kCancelled, "shut down");
    in_flight.clear();
    for (auto& [key, host] : hosts) {
      host->wake.cancel();
      for (const PendingPtr& p : host->queue) {
        Complete(p, FetchOutcome::kCancelled, "shut down");
      }
      host->queue.clear();
    }
  }

  FetcherOptions options;
  HostStateStore* const state_store;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::unique_ptr<HttpClient> client;
  std::unordered_map<std::string, std::unique_ptr<Host>> hosts;
  std::unordered_set<Host*> waiting_for_slot;
  std::unordered_set<Host*> dirty_hosts;  // politeness clock not saved yet
  asio::steady_timer flush_timer;
  bool flush_armed = false;
  asio::steady_timer evict_timer;
  bool evict_armed = false;
  std::unordered_set<PendingPtr> in_flight;
  std::mt19937 rng;
  std::mutex mu;  // guards stopped
  bool stopped = false;
  std::atomic<uint64_t> submitted{0}, completed{0}, transfers{0}, robots_fetches{0},
      robots_cache_answers{0}, num_hosts{0}, hosts_evicted{0};
  std::thread thread;
};

Fetcher::Fetcher(FetcherOptions options, HostStateStore* host_state)
    : impl_(std::make_unique<Impl>(std::move(options), host_state)) {}

Fetcher::~Fetcher() { Shutdown(); }

void Fetcher::Fetch(FetchRequest request, Callback done) {
  auto p = std::make_shared<Pending>();
  p->result.url = request.url;
  p->request = std::move(request);
  p->done = std::move(done);
  p->submitted = Clock::now();
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (!impl_->stopped) {
      impl_->submitted.fetch_add(1, std::memory_order_relaxed);
      asio::post(impl_->io, [impl = impl_.get(), p] { impl->Enqueue(p); });
      return;
    }
  }
  impl_->submitted.fetch_add(1, std::memory_order_relaxed);
  impl_->Complete(p, FetchOutcome::kCancelled, "fetcher shut down");
}

void Fetcher::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  // Runs after every Enqueue posted before `stopped` was set.
  asio::post(impl_->io, [impl = impl_.get()] {
    impl->CancelAll();
    impl->work.reset();
    impl->io.stop();
  });
  impl_->thread.join();
}

FetcherStats Fetcher::stats() const {
  FetcherStats s;
  s.submitted = impl_->submitted.load();
  s.completed = impl_->completed.load();
  s.transfers = impl_->transfers.load();
  s.robots_fetches = impl_->robots_fetches.load();
  s.robots_cache_answers = impl_->robots_cache_answers.load();
  s.hosts = impl_->num_hosts.load();
  s.hosts_evicted = impl_->hosts_evicted.load();
  return s;
}

}  // namespace newscrawl::crawler
