// TimedHooks: a pipeline::ClusterHooks that forwards every call to another one and adds up the
// wall time spent in each method (and in the UrlSink the cluster calls back), so the end-to-end
// benchmark can say where the daemon's time in the cluster goes. Header-only, bench only.
//
// Thread safety: as the wrapped hooks (the totals are atomics).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <utility>

#include "pipeline/cluster_hooks.h"

namespace newscrawl::bench {

class TimedHooks : public pipeline::ClusterHooks {
 public:
  enum Call { kStart, kRoute, kIsPublished, kClaim, kPublish, kFlush, kOwnsHost, kSink, kCalls };

  explicit TimedHooks(std::shared_ptr<pipeline::ClusterHooks> inner) : inner_(std::move(inner)) {}

  Status Start(UrlSink sink) override {
    Timer t(this, kStart);
    return inner_->Start(
        [this, sink = std::move(sink)](const pipeline::FrontierEntry& e, bool replayed) {
          Timer timer(this, kSink);
          return sink(e, replayed);
        });
  }
  void Stop() override { inner_->Stop(); }
  bool OwnsHost(std::string_view host) override {
    Timer t(this, kOwnsHost);
    return inner_->OwnsHost(host);
  }
  Status Route(const pipeline::FrontierEntry& entry) override {
    Timer t(this, kRoute);
    return inner_->Route(entry);
  }
  Status RouteAll(const std::vector<pipeline::FrontierEntry>& entries) override {
    Timer t(this, kRoute, entries.size());
    return inner_->RouteAll(entries);
  }
  Result<pipeline::ClaimDecision> Claim(const Article& article,
                                        const TextFingerprints& text) override {
    Timer t(this, kClaim);
    return inner_->Claim(article, text);
  }
  Status Publish(const Article& record, std::string_view record_json,
                 store::EventKind event) override {
    Timer t(this, kPublish);
    return inner_->Publish(record, record_json, event);
  }
  Status Flush() override {
    Timer t(this, kFlush);
    return inner_->Flush();
  }
  bool IsPublished(std::string_view canonical_url) override {
    Timer t(this, kIsPublished);
    return inner_->IsPublished(canonical_url);
  }

  // "route 600 calls 0.41 s, is_published ..." for the calls made at least once.
  std::string Summary() const {
    static const char* kNames[kCalls] = {"start",   "route", "is_published", "claim",
                                         "publish", "flush", "owns_host",    "url_sink"};
    std::string out;
    for (int c = 0; c < kCalls; ++c) {
      const uint64_t n = count_[c].load();
      if (n == 0) continue;
      char line[96];
      std::snprintf(line, sizeof(line), "%s%s %llu x %.3f s", out.empty() ? "" : ", ", kNames[c],
                    static_cast<unsigned long long>(n), ns_[c].load() / 1e9);
      out += line;
    }
    return out;
  }

 private:
  struct Timer {
    Timer(TimedHooks* hooks, Call call, uint64_t n = 1) : hooks(hooks), call(call), n(n) {}
    ~Timer() {
      hooks->ns_[call] += static_cast<uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
      hooks->count_[call] += n;
    }
    using Clock = std::chrono::steady_clock;
    TimedHooks* hooks;
    Call call;
    uint64_t n;
    Clock::time_point start = Clock::now();
  };

  std::shared_ptr<pipeline::ClusterHooks> inner_;
  std::array<std::atomic<uint64_t>, kCalls> ns_{};
  std::array<std::atomic<uint64_t>, kCalls> count_{};
};

}  // namespace newscrawl::bench
