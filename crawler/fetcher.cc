// Fetcher::Impl is wiring: per-host queues and timers on the Asio loop, decisions from
// HostPolicy and RobotsPolicy, exchanges through the Transport, time from the Clock.
// Over 400 lines on purpose: Impl is one state machine per host (queue, timer, robots state,
// redirects) run on the I/O thread; its decisions already live in the pure, table-tested
// host_policy.h and robots_policy.h, and spreading the remaining wiring over files would split
// the host state that every step reads.
#include "crawler/fetcher.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_set>

#include "crawler/curl_util.h"
#include "crawler/fetch_target.h"
#include "crawler/host_table.h"
#include "crawler/http_client.h"

namespace newscrawl::crawler {
namespace asio = boost::asio;
using Millis = std::chrono::milliseconds;

struct Fetcher::Impl {
  Impl(FetcherOptions o, HostStateStore* state, FetcherEnv env)
      : options(std::move(o)),
        clock(env.clock ? *env.clock : SystemClock()),
        host_policy(options),
        robots_policy(options),
        work(io.get_executor()),
        hosts(io, options, clock, host_policy, robots_policy, state,
              [this](const Host& h) { return waiting_for_slot.count(const_cast<Host*>(&h)) > 0; }),
        rng(std::random_device{}()),
        on_robots_fetch(std::move(env.on_robots_fetch)) {
    transport =
        env.make_transport ? env.make_transport(io) : std::make_unique<HttpClient>(io, options);
    thread = std::thread([this] { io.run(); });
  }

  // ---------- submission and completion ----------

  void Enqueue(PendingPtr p) {
    auto target = ParseFetchTarget(p->request.url);
    if (!target) {
      Complete(p, FetchOutcome::kInvalidUrl, "not an absolute http(s) URL: " + p->request.url);
      return;
    }
    p->target = std::move(*target);
    Host& host = hosts.Get(p->target.host_key);
    host.last_used = clock.SteadyNow();
    host.request_delay = std::max(host.request_delay, p->request.min_host_delay);
    host.queue.push_back(std::move(p));
    Pump(host);
  }

  void Complete(const PendingPtr& p, FetchOutcome outcome, std::string error) {
    FetchResult& r = p->result;
    r.outcome = outcome;
    r.error = std::move(error);
    if (r.final_url.empty()) r.final_url = p->request.url;
    if (r.fetched_at.empty()) r.fetched_at = Iso8601FromUnixMs(clock.UnixNowMs());
    r.seconds = std::chrono::duration<double>(clock.SteadyNow() - p->submitted).count();
    completed.fetch_add(1, std::memory_order_relaxed);
    Callback done = std::move(p->done);
    done(std::move(r));
  }

  // Completes and removes every URL queued for `h`.
  void FailQueued(Host& h, FetchOutcome outcome, const std::string& error) {
    while (!h.queue.empty()) {
      PendingPtr p = std::move(h.queue.front());
      h.queue.pop_front();
      Complete(p, outcome, error);
    }
  }

  // ---------- scheduling ----------

  Millis HostDelay(const Host& h) const {
    return host_policy.Delay(h.robots.crawl_delay, h.request_delay);
  }

  void Pump(Host& h) {
    const SteadyTime now = clock.SteadyNow();
    if (host_policy.CircuitOpen(h.times, now)) {
      FailQueued(h, FetchOutcome::kHostUnavailable,
                 h.key + ": circuit open after " + std::to_string(h.times.failures) +
                     " consecutive failures");
      return;
    }
    if (options.respect_robots && !h.queue.empty()) {
      switch (robots_policy.StepAt(h.robots, now)) {
        case RobotsPolicy::Step::kWait:
          return;
        case RobotsPolicy::Step::kFetch:
          if (GlobalSlotFree(h)) StartRobots(h);
          return;
        case RobotsPolicy::Step::kReady:
          break;
      }
    }
    while (!h.queue.empty()) {
      if (options.respect_robots && AnsweredByRobots(h)) continue;
      if (h.in_flight >= options.max_connections_per_host) return;
      const SteadyTime ready = host_policy.ReadyAt(h.times);
      if (now < ready) {
        ArmWake(h, ready);
        return;
      }
      if (!GlobalSlotFree(h)) return;
      PendingPtr p = std::move(h.queue.front());
      h.queue.pop_front();
      host_policy.OnStart(&h.times, now, HostDelay(h));
      hosts.MarkDirty(h);
      StartTransfer(h, std::move(p));
    }
  }

  // Completes the front URL of `h` when robots.txt decides it; false when it may be fetched.
  bool AnsweredByRobots(Host& h) {
    const PendingPtr& front = h.queue.front();
    const RobotsVerdict verdict = robots_policy.Check(h.robots, front->target.path_and_query);
    if (verdict == RobotsVerdict::kAllow) return false;
    PendingPtr p = std::move(h.queue.front());
    h.queue.pop_front();
    switch (verdict) {
      case RobotsVerdict::kAnswerFromCache:
        AnswerFromRobotsCache(h, p);
        break;
      case RobotsVerdict::kUnavailable:
        Complete(p, h.robots.failure, h.robots.error);
        break;
      default:
        Complete(p, FetchOutcome::kRobotsDisallowed,
                 "robots.txt of " + h.key + " disallows " + p->target.path_and_query);
    }
    return true;
  }

  bool GlobalSlotFree(Host& h) {
    if (transport->in_flight() < options.max_in_flight) return true;
    waiting_for_slot.insert(&h);
    return false;
  }

  void PumpWaiting() {
    while (!waiting_for_slot.empty() && transport->in_flight() < options.max_in_flight) {
      Host* h = *waiting_for_slot.begin();
      waiting_for_slot.erase(waiting_for_slot.begin());
      Pump(*h);
    }
  }

  // Wakes the host at `at` on the clock: the timer waits for the distance from the clock's now,
  // so an injected clock and the loop's real timers agree.
  void ArmWake(Host& h, SteadyTime at) {
    if (h.wake_armed && h.wake_at <= at) return;
    h.wake_armed = true;
    h.wake_at = at;
    h.wake.expires_after(std::max(SteadyTime::duration::zero(), at - clock.SteadyNow()));
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
    r.capture_heads = options.capture_exchange;
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
    transport->Start(std::move(r), [this, hp, p](HttpResponse response) {
      in_flight.erase(p);
      OnResponse(*hp, p, std::move(response));
    });
  }

  // ---------- results ----------

  void OnResponse(Host& h, const PendingPtr& p, HttpResponse resp) {
    const SteadyTime now = clock.SteadyNow();
    --h.in_flight;
    h.last_used = now;
    host_policy.OnAnswer(&h.times, now, HostDelay(h));
    hosts.MarkDirty(h);
    FetchResult& r = p->result;
    r.final_url = p->target.url;
    SetAnswer(resp, &r);

    const FetchOutcome outcome = OutcomeOfResponse(resp.transport, resp.status);
    std::string error = resp.error;
    if (resp.transport == FetchOutcome::kOk && outcome != FetchOutcome::kOk &&
        outcome != FetchOutcome::kNotModified) {
      error = "HTTP " + std::to_string(resp.status);
      if (outcome == FetchOutcome::kHttp3xx) error += " without a usable Location";
    }
    if (!IsTransientOutcome(outcome, resp.status)) {
      host_policy.OnSuccess(&h.times);
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
    std::optional<Millis> retry_after;
    if (!resp.retry_after.empty()) {
      if (auto delay = ParseRetryAfter(resp.retry_after, clock.UnixNowMs() / 1000))
        retry_after = std::chrono::duration_cast<Millis>(*delay);
    }
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    const FailureDecision d = host_policy.OnTransientFailure(
        &h.times, clock.SteadyNow(), resp.status, retry_after, p->result.attempts, jitter(rng));
    if (d.from_retry_after) error += " (Retry-After: " + resp.retry_after + ")";
    hosts.Save(h);
    if (d.retry) {
      h.queue.push_front(p);  // retried first once the pause is over
      return;
    }
    Complete(p, outcome, std::move(error));
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
    HttpRequest r = robots_policy.StartFetch(&h.robots, h.key, BaseRequest(""));
    ++h.in_flight;
    transfers.fetch_add(1, std::memory_order_relaxed);
    robots_fetches.fetch_add(1, std::memory_order_relaxed);
    Host* hp = &h;
    transport->Start(std::move(r), [this, hp](HttpResponse resp) {
      OnRobots(*hp, resp);
      Pump(*hp);
      PumpWaiting();
    });
  }

  void OnRobots(Host& h, const HttpResponse& resp) {
    const SteadyTime now = clock.SteadyNow();
    --h.in_flight;
    h.last_used = now;
    RobotsAnswerEffect effect =
        robots_policy.OnAnswer(&h.robots, resp, h.key, now, clock.UnixNowMs());
    if (effect.save && hosts.state()) hosts.state()->SaveRobots(h.key, *effect.save);
    if (effect.fail_queued) FailQueued(h, h.robots.failure, resp.error);
    if (on_robots_fetch && resp.status > 0) on_robots_fetch(RobotsFetchResult(h, resp));
  }

  // The robots.txt exchange as a FetchResult, for FetcherEnv::on_robots_fetch.
  FetchResult RobotsFetchResult(const Host& h, const HttpResponse& resp) const {
    FetchResult r;
    r.url = h.key + "/robots.txt";
    r.final_url = resp.effective_url.empty() ? r.url : resp.effective_url;
    r.outcome = OutcomeOfResponse(resp.transport, resp.status);
    r.error = resp.error;
    r.body = resp.body;
    r.attempts = 1;
    SetAnswer(resp, &r);
    return r;
  }

  // What an HTTP answer tells about itself (all but the body), received now.
  void SetAnswer(const HttpResponse& resp, FetchResult* r) const {
    r->status = resp.status;
    r->content_type = resp.content_type;
    r->charset = CharsetOf(resp.content_type);
    r->etag = resp.etag;
    r->last_modified = resp.last_modified;
    r->content_encoding = resp.content_encoding;
    r->truncated = resp.truncated;
    r->fetched_at = Iso8601FromUnixMs(clock.UnixNowMs());
    r->ip_address = resp.peer_ip;
    r->request_head = resp.request_head;
    r->response_head = resp.response_head;
  }

  // The host's own /robots.txt, asked for as a page (the daemon reads its Sitemap: lines): the
  // cached answer, without a second transfer.
  void AnswerFromRobotsCache(Host& h, const PendingPtr& p) {
    robots_cache_answers.fetch_add(1, std::memory_order_relaxed);
    FetchResult& r = p->result;
    r.final_url = p->target.url;
    r.status = h.robots.status;
    if (h.robots.status >= 200 && h.robots.status < 300) {
      r.content_type = "text/plain";
      r.body = h.robots.body;
      Complete(p, FetchOutcome::kOk, "");
    } else {
      Complete(p, FetchOutcome::kHttp4xx,
               "HTTP " + std::to_string(h.robots.status) + " (robots.txt answer cached)");
    }
  }

  // ---------- shutdown ----------

  void CancelAll() {
    hosts.Flush();
    transport.reset();  // aborts transfers without their callbacks; we complete them below
    for (const PendingPtr& p : in_flight) Complete(p, FetchOutcome::kCancelled, "shut down");
    in_flight.clear();
    hosts.ForEach([this](Host& h) {
      h.wake.cancel();
      FailQueued(h, FetchOutcome::kCancelled, "shut down");
    });
  }

  FetcherOptions options;
  const Clock& clock;
  const HostPolicy host_policy;
  const RobotsPolicy robots_policy;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::unique_ptr<Transport> transport;
  std::unordered_set<Host*> waiting_for_slot;
  HostTable hosts;
  std::unordered_set<PendingPtr> in_flight;
  std::mt19937 rng;
  const std::function<void(const FetchResult&)> on_robots_fetch;
  std::mutex mu;  // guards stopped
  bool stopped = false;
  std::atomic<uint64_t> submitted{0}, completed{0}, transfers{0}, robots_fetches{0},
      robots_cache_answers{0};
  std::thread thread;
};

Fetcher::Fetcher(FetcherOptions options, HostStateStore* host_state, FetcherEnv env)
    : impl_(std::make_unique<Impl>(std::move(options), host_state, std::move(env))) {}

Fetcher::~Fetcher() { Shutdown(); }

void Fetcher::Fetch(FetchRequest request, Callback done) {
  auto p = std::make_shared<PendingFetch>();
  p->result.url = request.url;
  p->request = std::move(request);
  p->done = std::move(done);
  p->submitted = impl_->clock.SteadyNow();
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
  s.hosts = impl_->hosts.size();
  s.hosts_evicted = impl_->hosts.evicted();
  return s;
}

}  // namespace newscrawl::crawler
