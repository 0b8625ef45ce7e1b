#include "common/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace newscrawl {

namespace {

void AtomicAdd(std::atomic<double>& target, double delta) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + delta, std::memory_order_relaxed)) {
  }
}

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool IsValidLabelName(std::string_view name) {
  if (name.empty() || name.substr(0, 2) == "__") return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// Label values escape backslash, double quote and newline; HELP text escapes backslash and newline.
void AppendEscaped(std::string& out, std::string_view text, bool escape_quote) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// `{a="x",b="y"}` (or "" without labels); `extra` is appended last (the histogram's "le").
std::string LabelText(const MetricLabels& labels,
                      const std::pair<std::string, std::string>* extra) {
  if (labels.empty() && extra == nullptr) return "";
  std::string out = "{";
  bool first = true;
  auto append = [&](const std::pair<std::string, std::string>& label) {
    if (!first) out += ',';
    first = false;
    out += label.first;
    out += "=\"";
    AppendEscaped(out, label.second, /*escape_quote=*/true);
    out += '"';
  };
  for (const auto& label : labels) append(label);
  if (extra != nullptr) append(*extra);
  out += '}';
  return out;
}

const char* TypeName(int type) {
  switch (type) {
    case 0:
      return "counter";
    case 1:
      return "gauge";
    default:
      return "histogram";
  }
}

}  // namespace

std::string FormatMetricValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto result = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, result.ptr);
}

void Gauge::Add(double delta) { AtomicAdd(value_, delta); }

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(std::move(upper_bounds)),
      buckets_(std::make_unique<std::atomic<uint64_t>[]>(upper_bounds_.size() + 1)) {
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::Observe(double value) {
  if (std::isnan(value)) return;
  // First bound >= value: bounds are inclusive upper limits.
  size_t index =
      std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin();
  buckets_[index].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, value);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot snapshot;
  snapshot.bucket_counts.reserve(upper_bounds_.size() + 1);
  for (size_t i = 0; i <= upper_bounds_.size(); ++i) {
    snapshot.bucket_counts.push_back(buckets_[i].load(std::memory_order_relaxed));
  }
  snapshot.count = count_.load(std::memory_order_relaxed);
  snapshot.sum = sum_.load(std::memory_order_relaxed);
  return snapshot;
}

std::vector<double> ExponentialBuckets(double start, double factor, int count) {
  std::vector<double> bounds;
  double bound = start;
  for (int i = 0; i < count; ++i, bound *= factor) bounds.push_back(bound);
  return bounds;
}

std::vector<double> LinearBuckets(double start, double width, int count) {
  std::vector<double> bounds;
  for (int i = 0; i < count; ++i) bounds.push_back(start + width * i);
  return bounds;
}

// One metric family: a name, a type, help text, and its series keyed by sorted labels.
struct MetricsRegistry::Family {
  Type type;
  std::string help;
  std::vector<std::string> label_names;  // sorted; the same for every series
  std::vector<double> upper_bounds;      // histograms only
  std::map<MetricLabels, std::unique_ptr<Counter>> counters;
  std::map<MetricLabels, std::unique_ptr<Gauge>> gauges;
  std::map<MetricLabels, std::unique_ptr<Histogram>> histograms;
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry& MetricsRegistry::Default() {
  static MetricsRegistry* registry = new MetricsRegistry();  // never destroyed: no exit-order races
  return *registry;
}

void MetricsRegistry::AddProblem(std::string problem) { problems_.push_back(std::move(problem)); }

void* MetricsRegistry::FindOrCreate(Type type, std::string_view name, std::string_view help,
                                    const std::vector<double>* upper_bounds, MetricLabels labels) {
  std::string where = "metric \"" + std::string(name) + "\"";
  if (!IsValidMetricName(name)) {
    AddProblem(where + ": invalid name (allowed: [a-zA-Z_:][a-zA-Z0-9_:]*)");
    return nullptr;
  }
  std::sort(labels.begin(), labels.end());
  std::vector<std::string> label_names;
  for (const auto& label : labels) {
    if (!IsValidLabelName(label.first)) {
      AddProblem(where + ": invalid label name \"" + label.first + "\"");
      return nullptr;
    }
    if (type == Type::kHistogram && label.first == "le") {
      AddProblem(where + ": label \"le\" is reserved for histogram buckets");
      return nullptr;
    }
    if (!label_names.empty() && label_names.back() == label.first) {
      AddProblem(where + ": label \"" + label.first + "\" given twice");
      return nullptr;
    }
    label_names.push_back(label.first);
  }
  if (upper_bounds != nullptr) {
    for (size_t i = 0; i < upper_bounds->size(); ++i) {
      double b = (*upper_bounds)[i];
      if (!std::isfinite(b) || (i > 0 && b <= (*upper_bounds)[i - 1])) {
        AddProblem(where + ": bucket bounds must be finite and strictly increasing");
        return nullptr;
      }
    }
  }

  auto it = families_.find(name);
  if (it == families_.end()) {
    auto family = std::make_unique<Family>();
    family->type = type;
    family->help = std::string(help);
    family->label_names = label_names;
    if (upper_bounds != nullptr) family->upper_bounds = *upper_bounds;
    it = families_.emplace(std::string(name), std::move(family)).first;
  }
  Family& family = *it->second;
  if (family.type != type) {
    AddProblem(where + ": already registered as a " + TypeName(static_cast<int>(family.type)) +
               ", asked for a " + TypeName(static_cast<int>(type)));
    return nullptr;
  }
  if (family.help != help) {
    AddProblem(where + ": registered again with different help text");
    return nullptr;
  }
  if (family.label_names != label_names) {
    AddProblem(where + ": every series must use the same label names");
    return nullptr;
  }
  switch (type) {
    case Type::kCounter: {
      auto& slot = family.counters[labels];
      if (!slot) slot = std::make_unique<Counter>();
      return slot.get();
    }
    case Type::kGauge: {
      auto& slot = family.gauges[labels];
      if (!slot) slot = std::make_unique<Gauge>();
      return slot.get();
    }
    case Type::kHistogram: {
      if (family.upper_bounds != *upper_bounds) {
        AddProblem(where + ": registered again with different bucket bounds");
        return nullptr;
      }
      auto& slot = family.histograms[labels];
      if (!slot) slot = std::make_unique<Histogram>(family.upper_bounds);
      return slot.get();
    }
  }
  return nullptr;
}

Counter& MetricsRegistry::GetCounter(std::string_view name, std::string_view help,
                                     MetricLabels labels) {
  std::lock_guard<std::mutex> lock(mu_);
  if (void* found = FindOrCreate(Type::kCounter, name, help, nullptr, std::move(labels))) {
    return *static_cast<Counter*>(found);
  }
  detached_counters_.push_back(std::make_unique<Counter>());
  return *detached_counters_.back();
}

Gauge& MetricsRegistry::GetGauge(std::string_view name, std::string_view help,
                                 MetricLabels labels) {
  std::lock_guard<std::mutex> lock(mu_);
  if (void* found = FindOrCreate(Type::kGauge, name, help, nullptr, std::move(labels))) {
    return *static_cast<Gauge*>(found);
  }
  detached_gauges_.push_back(std::make_unique<Gauge>());
  return *detached_gauges_.back();
}

Histogram& MetricsRegistry::GetHistogram(std::string_view name, std::string_view help,
                                         std::vector<double> upper_bounds, MetricLabels labels) {
  std::lock_guard<std::mutex> lock(mu_);
  if (void* found = FindOrCreate(Type::kHistogram, name, help, &upper_bounds, std::move(labels))) {
    return *static_cast<Histogram*>(found);
  }
  detached_histograms_.push_back(std::make_unique<Histogram>(std::vector<double>{}));
  return *detached_histograms_.back();
}

void MetricsRegistry::AddCollectHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(mu_);
  hooks_.push_back(std::move(hook));
}

std::vector<std::string> MetricsRegistry::Problems() const {
  std::lock_guard<std::mutex> lock(mu_);
  return problems_;
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::vector<std::function<void()>> hooks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    hooks = hooks_;
  }
  for (const auto& hook : hooks) hook();

  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& problem : problems_) {
    out += "# newscrawl: ";
    AppendEscaped(out, problem, /*escape_quote=*/false);
    out += '\n';
  }
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + ' ';
    AppendEscaped(out, family->help, /*escape_quote=*/false);
    out += "\n# TYPE " + name + ' ' + TypeName(static_cast<int>(family->type)) + '\n';
    for (const auto& [labels, counter] : family->counters) {
      out += name + LabelText(labels, nullptr) + ' ' + std::to_string(counter->Value()) + '\n';
    }
    for (const auto& [labels, gauge] : family->gauges) {
      out += name + LabelText(labels, nullptr) + ' ' + FormatMetricValue(gauge->Value()) + '\n';
    }
    for (const auto& [labels, histogram] : family->histograms) {
      Histogram::Snapshot snapshot = histogram->Read();
      uint64_t cumulative = 0;
      for (size_t i = 0; i < snapshot.bucket_counts.size(); ++i) {
        cumulative += snapshot.bucket_counts[i];
        double bound = i < family->upper_bounds.size() ? family->upper_bounds[i] : INFINITY;
        std::pair<std::string, std::string> le{"le", FormatMetricValue(bound)};
        out += name + "_bucket" + LabelText(labels, &le) + ' ' + std::to_string(cumulative) + '\n';
      }
      // _count equals the +Inf bucket, as the format requires, even under concurrent updates.
      out +=
          name + "_sum" + LabelText(labels, nullptr) + ' ' + FormatMetricValue(snapshot.sum) + '\n';
      out += name + "_count" + LabelText(labels, nullptr) + ' ' + std::to_string(cumulative) + '\n';
    }
  }
  return out;
}

}  // namespace newscrawl
