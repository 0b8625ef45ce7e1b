#include "common/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace newscrawl {
namespace {

// A strict reader of the text exposition format 0.0.4, enough to parse our output back:
// "# HELP name text", "# TYPE name type", other "#" comments, and `name{l="v",...} value` samples.
struct Exposition {
  std::map<std::string, std::string> help;
  std::map<std::string, std::string> type;
  std::map<std::string, double> samples;  // key: series as written (name plus label text)
  std::vector<std::string> comments;
  std::string error;  // first format violation, empty when the text is well-formed
};

Exposition ParseExposition(const std::string& text) {
  Exposition e;
  if (!text.empty() && text.back() != '\n') e.error = "text does not end in a newline";
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      std::string rest = line.substr(7);
      size_t space = rest.find(' ');
      if (space == std::string::npos) {
        e.error = "malformed: " + line;
        continue;
      }
      std::string name = rest.substr(0, space);
      auto& target = line[2] == 'H' ? e.help : e.type;
      if (target.count(name)) e.error = "repeated: " + line;
      target[name] = rest.substr(space + 1);
      continue;
    }
    if (line.rfind("#", 0) == 0) {
      e.comments.push_back(line);
      continue;
    }
    // The series ends at the last space outside quotes; label values may contain spaces.
    bool in_quotes = false;
    size_t split = std::string::npos;
    for (size_t i = 0; i < line.size(); ++i) {
      if (line[i] == '\\' && in_quotes) {
        ++i;
      } else if (line[i] == '"') {
        in_quotes = !in_quotes;
      } else if (line[i] == ' ' && !in_quotes) {
        split = i;
      }
    }
    if (split == std::string::npos || in_quotes) {
      e.error = "malformed sample: " + line;
      continue;
    }
    std::string value = line.substr(split + 1);
    double v = value == "+Inf" ? INFINITY : value == "-Inf" ? -INFINITY : std::stod(value);
    e.samples[line.substr(0, split)] = v;
  }
  return e;
}

TEST(MetricsTest, CounterWithLabelsRendersHelpTypeAndSortedSeries) {
  MetricsRegistry registry;
  registry.GetCounter("nc_fetches_total", "Fetches by outcome.", {{"outcome", "ok"}}).Increment(3);
  registry.GetCounter("nc_fetches_total", "Fetches by outcome.", {{"outcome", "error"}})
      .Increment();
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP nc_fetches_total Fetches by outcome.\n"
            "# TYPE nc_fetches_total counter\n"
            "nc_fetches_total{outcome=\"error\"} 1\n"
            "nc_fetches_total{outcome=\"ok\"} 3\n");
}

TEST(MetricsTest, SameNameAndLabelsReturnTheSameHandleWhateverTheLabelOrder) {
  MetricsRegistry registry;
  Counter& a = registry.GetCounter("c_total", "h", {{"x", "1"}, {"y", "2"}});
  Counter& b = registry.GetCounter("c_total", "h", {{"y", "2"}, {"x", "1"}});
  EXPECT_EQ(&a, &b);
  a.Increment();
  b.Increment();
  EXPECT_EQ(a.Value(), 2u);
  EXPECT_NE(registry.RenderPrometheus().find("c_total{x=\"1\",y=\"2\"} 2\n"), std::string::npos);
}

TEST(MetricsTest, GaugeSetAddAndFormatting) {
  MetricsRegistry registry;
  Gauge& depth = registry.GetGauge("nc_queue_depth", "Queued URLs.", {{"host", "a.example"}});
  depth.Set(10);
  depth.Add(2.5);
  depth.Decrement();
  EXPECT_DOUBLE_EQ(depth.Value(), 11.5);
  Gauge& seq = registry.GetGauge("nc_last_seq", "Last sequence number.");
  seq.Set(123456789012.0);
  std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("nc_queue_depth{host=\"a.example\"} 11.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("nc_last_seq 123456789012\n"), std::string::npos) << text;
  EXPECT_NE(text.find("# TYPE nc_last_seq gauge\n"), std::string::npos);
}

TEST(MetricsTest, FormatMetricValueSpecialValues) {
  EXPECT_EQ(FormatMetricValue(INFINITY), "+Inf");
  EXPECT_EQ(FormatMetricValue(-INFINITY), "-Inf");
  EXPECT_EQ(FormatMetricValue(NAN), "NaN");
  EXPECT_EQ(FormatMetricValue(0.1), "0.1");
  EXPECT_EQ(FormatMetricValue(-3), "-3");
}

TEST(MetricsTest, HistogramBucketsAreCumulativeInclusiveWithInfSumAndCount) {
  MetricsRegistry registry;
  Histogram& h = registry.GetHistogram("nc_latency_seconds", "Latency.", {0.1, 1, 10});
  for (double v : {0.05, 0.1, 0.5, 1.0, 5.0, 50.0}) h.Observe(v);
  h.Observe(NAN);  // ignored
  EXPECT_EQ(registry.RenderPrometheus(),
            "# HELP nc_latency_seconds Latency.\n"
            "# TYPE nc_latency_seconds histogram\n"
            "nc_latency_seconds_bucket{le=\"0.1\"} 2\n"
            "nc_latency_seconds_bucket{le=\"1\"} 4\n"
            "nc_latency_seconds_bucket{le=\"10\"} 5\n"
            "nc_latency_seconds_bucket{le=\"+Inf\"} 6\n"
            "nc_latency_seconds_sum 56.65\n"
            "nc_latency_seconds_count 6\n");
}

TEST(MetricsTest, HistogramLabelsComeBeforeLe) {
  MetricsRegistry registry;
  registry.GetHistogram("h", "x", {1}, {{"site", "s"}}).Observe(2);
  std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("h_bucket{site=\"s\",le=\"1\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_bucket{site=\"s\",le=\"+Inf\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_count{site=\"s\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsTest, BucketHelpers) {
  EXPECT_EQ(ExponentialBuckets(0.01, 10, 4), (std::vector<double>{0.01, 0.1, 1, 10}));
  EXPECT_EQ(LinearBuckets(1, 2, 3), (std::vector<double>{1, 3, 5}));
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  registry.GetCounter("e_total", "line one\nback\\slash", {{"v", "a\"b\\c\nd"}}).Increment();
  std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("# HELP e_total line one\\nback\\\\slash\n"), std::string::npos) << text;
  EXPECT_NE(text.find("e_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
  Exposition parsed = ParseExposition(text);
  EXPECT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.samples.size(), 1u);
}

TEST(MetricsTest, MisuseReturnsDetachedMetricAndIsReported) {
  MetricsRegistry registry;
  registry.GetCounter("m_total", "help").Increment();
  struct Case {
    std::function<void()> misuse;
    std::string problem;
  };
  std::vector<Case> cases = {
      {[&] { registry.GetGauge("m_total", "help").Set(5); },
       "metric \"m_total\": already registered as a counter, asked for a gauge"},
      {[&] { registry.GetCounter("m_total", "other help").Increment(); },
       "metric \"m_total\": registered again with different help text"},
      {[&] {
         registry.GetCounter("m_total", "help", {{"a", "1"}}).Increment();
       },
       "metric \"m_total\": every series must use the same label names"},
      {[&] { registry.GetCounter("bad-name", "help").Increment(); },
       "metric \"bad-name\": invalid name (allowed: [a-zA-Z_:][a-zA-Z0-9_:]*)"},
      {[&] {
         registry.GetCounter("x_total", "help", {{"__reserved", "1"}}).Increment();
       },
       "metric \"x_total\": invalid label name \"__reserved\""},
      {[&] {
         registry.GetCounter("x_total", "help", {{"a", "1"}, {"a", "2"}}).Increment();
       },
       "metric \"x_total\": label \"a\" given twice"},
      {[&] {
         registry.GetHistogram("h", "help", {1}, {{"le", "1"}}).Observe(1);
       },
       "metric \"h\": label \"le\" is reserved for histogram buckets"},
      {[&] {
         registry.GetHistogram("h", "help", {2, 1}).Observe(1);
       },
       "metric \"h\": bucket bounds must be finite and strictly increasing"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    cases[i].misuse();
    std::vector<std::string> problems = registry.Problems();
    ASSERT_EQ(problems.size(), i + 1);
    EXPECT_EQ(problems.back(), cases[i].problem);
  }
  registry.GetHistogram("h2", "help", {1, 2}).Observe(1);
  registry.GetHistogram("h2", "help", {1, 3}).Observe(1);
  EXPECT_EQ(registry.Problems().back(),
            "metric \"h2\": registered again with different bucket bounds");

  Exposition parsed = ParseExposition(registry.RenderPrometheus());
  EXPECT_EQ(parsed.error, "");
  // Only the valid series are exported; the detached ones are not.
  EXPECT_EQ(parsed.samples.at("m_total"), 1);
  EXPECT_EQ(parsed.samples.count("bad-name"), 0u);
  EXPECT_EQ(parsed.samples.at("h2_count"), 1);
  EXPECT_EQ(parsed.comments.size(), cases.size() + 1);
  EXPECT_EQ(parsed.comments[0], "# newscrawl: " + cases[0].problem);
}

TEST(MetricsTest, CollectHookRunsBeforeEachRender) {
  MetricsRegistry registry;
  int calls = 0;
  registry.AddCollectHook([&] {
    ++calls;
    registry.GetGauge("hook_gauge", "Set at scrape time.").Set(calls * 10);
  });
  EXPECT_NE(registry.RenderPrometheus().find("hook_gauge 10\n"), std::string::npos);
  EXPECT_NE(registry.RenderPrometheus().find("hook_gauge 20\n"), std::string::npos);
}

TEST(MetricsTest, ConcurrentUpdatesAndRendersLoseNothing) {
  MetricsRegistry registry;
  constexpr int kThreads = 4;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&registry, t] {
      Counter& c = registry.GetCounter("cc_total", "h", {{"t", std::to_string(t % 2)}});
      Gauge& g = registry.GetGauge("gg", "h");
      Histogram& h = registry.GetHistogram("hh", "h", {0.5});
      for (int i = 0; i < kPerThread; ++i) {
        c.Increment();
        g.Add(1);
        h.Observe(i % 2);  // half in the 0.5 bucket, half above
      }
    });
  }
  threads.emplace_back([&registry] {
    for (int i = 0; i < 50; ++i) {
      Exposition e = ParseExposition(registry.RenderPrometheus());
      EXPECT_EQ(e.error, "");
    }
  });
  for (auto& thread : threads) thread.join();
  Exposition e = ParseExposition(registry.RenderPrometheus());
  ASSERT_EQ(e.error, "");
  EXPECT_EQ(e.type.at("cc_total"), "counter");
  EXPECT_EQ(e.type.at("hh"), "histogram");
  EXPECT_EQ(e.samples.at("cc_total{t=\"0\"}") + e.samples.at("cc_total{t=\"1\"}"),
            kThreads * kPerThread);
  EXPECT_EQ(e.samples.at("gg"), kThreads * kPerThread);
  EXPECT_EQ(e.samples.at("hh_count"), kThreads * kPerThread);
  EXPECT_EQ(e.samples.at("hh_bucket{le=\"0.5\"}"), kThreads * kPerThread / 2);
  EXPECT_EQ(e.samples.at("hh_sum"), kThreads * kPerThread / 2);
}

TEST(MetricsTest, DefaultRegistryIsSharedProcessWide) {
  MetricsRegistry::Default().GetCounter("metrics_test_default_total", "Test.").Increment(2);
  MetricsRegistry& again = MetricsRegistry::Default();
  EXPECT_EQ(again.GetCounter("metrics_test_default_total", "Test.").Value(), 2u);
  EXPECT_NE(again.RenderPrometheus().find("metrics_test_default_total 2\n"), std::string::npos);
}

}  // namespace
}  // namespace newscrawl
