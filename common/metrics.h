// Metrics: a small thread-safe registry of counters, gauges and histograms with labels, rendered in
// the Prometheus text exposition format 0.0.4 (what `GET /metrics` serves).
//
// Usage: obtain a handle once (a map lookup under a mutex), then update it on the hot path with
// relaxed atomics only, no lock:
//
//   Counter& fetched = registry.GetCounter("newscrawl_fetches_total", "Fetches by outcome.",
//                                          {{"outcome", "ok"}});
//   fetched.Increment();
//
// Handles are owned by the registry and stay valid for the registry's lifetime; every series lives
// as long as the registry (there is no removal: keep label values to a bounded set such as
// outcomes, sites or hosts from the config, never URLs).
//
// Misuse (an invalid metric or label name, the same name registered with another type, help text
// or bucket layout, a reserved label "le" on a histogram) is a programming error. It does not
// throw: the call returns a working but detached metric that is never exported, and the problem is
// kept for Problems() and rendered as a `# newscrawl: ...` comment line in the exposition so it is
// seen.
//
// Thread safety: every method of every class here is safe to call concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newscrawl {

// Label name/value pairs of one series, e.g. {{"outcome", "ok"}, {"site", "vnexpress"}}.
// Order does not matter: the registry sorts them by name.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count (Prometheus "counter"); names conventionally end in "_total".
class Counter {
 public:
  Counter() = default;
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down (Prometheus "gauge"): queue depths, the last sequence number.
class Gauge {
 public:
  Gauge() = default;
  Gauge(const Gauge&) = delete;
  Gauge& operator=(const Gauge&) = delete;

  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double delta);  // lock-free compare-and-swap loop
  void Increment() { Add(1); }
  void Decrement() { Add(-1); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations into fixed buckets (Prometheus "histogram"): latencies, sizes.
// Bucket upper bounds are inclusive ("le"); an implicit +Inf bucket catches the rest.
class Histogram {
 public:
  // `upper_bounds` must be strictly increasing and finite; the registry checks this.
  explicit Histogram(std::vector<double> upper_bounds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Lock-free: a binary search over the bounds and two relaxed atomic updates (plus a CAS loop
  // for the sum). NaN observations are ignored.
  void Observe(double value);

  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // A snapshot; counts are per bucket (not cumulative), the last one is the +Inf bucket.
  // Under concurrent updates the snapshot fields may be off by the in-flight observations.
  struct Snapshot {
    std::vector<uint64_t> bucket_counts;
    uint64_t count = 0;
    double sum = 0;
  };
  Snapshot Read() const;

 private:
  const std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // upper_bounds_.size() + 1 entries
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// `count` bounds start, start*factor, start*factor^2, ... (start > 0, factor > 1, count >= 1).
std::vector<double> ExponentialBuckets(double start, double factor, int count);
// `count` bounds start, start+width, ... (width > 0, count >= 1).
std::vector<double> LinearBuckets(double start, double width, int count);

class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The process-wide registry the daemon's modules share. Never destroyed.
  static MetricsRegistry& Default();

  // Returns the series `name{labels}`, creating the family and the series on first use.
  // `help` is one line describing the family; later calls must pass the same help text.
  // Names: [a-zA-Z_:][a-zA-Z0-9_:]*; label names: [a-zA-Z_][a-zA-Z0-9_]* not starting with "__".
  // Label values are any UTF-8 text. Every series of a family must use the same label names.
  Counter& GetCounter(std::string_view name, std::string_view help, MetricLabels labels = {});
  Gauge& GetGauge(std::string_view name, std::string_view help, MetricLabels labels = {});
  // `upper_bounds` as for Histogram; every series of a family must use the same bounds.
  Histogram& GetHistogram(std::string_view name, std::string_view help,
                          std::vector<double> upper_bounds, MetricLabels labels = {});

  // Registers a function called at the start of every RenderPrometheus(), to refresh gauges that
  // are cheaper to compute at scrape time (queue depths, last seq). It runs on the scraping
  // thread without the registry lock held, so it may call Get*(); it must be thread-safe and
  // quick. Hooks cannot be removed: what they capture must stay valid while the registry is used.
  void AddCollectHook(std::function<void()> hook);

  // The whole registry in the Prometheus text format 0.0.4: families sorted by name, series by
  // label values, "# HELP" and "# TYPE" once per family, every line ending in '\n'.
  std::string RenderPrometheus() const;

  // Every misuse seen so far, in order, as human-readable sentences.
  std::vector<std::string> Problems() const;

 private:
  struct Family;
  enum class Type { kCounter, kGauge, kHistogram };
  // Finds or creates the family and series; returns nullptr (and records a problem) on misuse.
  void* FindOrCreate(Type type, std::string_view name, std::string_view help,
                     const std::vector<double>* upper_bounds, MetricLabels labels);
  void AddProblem(std::string problem);  // requires mu_

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Family>, std::less<>> families_;
  std::vector<std::string> problems_;
  // Detached metrics handed out on misuse; kept alive so the caller's reference stays valid.
  std::vector<std::unique_ptr<Counter>> detached_counters_;
  std::vector<std::unique_ptr<Gauge>> detached_gauges_;
  std::vector<std::unique_ptr<Histogram>> detached_histograms_;
  std::vector<std::function<void()>> hooks_;
};

// Formats a sample value as the exposition format expects: shortest round-trip decimal,
// "+Inf", "-Inf", "NaN".
std::string FormatMetricValue(double v);

}  // namespace newscrawl
