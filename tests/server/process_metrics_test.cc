// Process metrics and build info on /metrics.
#include "server/process_metrics.h"

#include <gtest/gtest.h>

#include <ctime>
#include <string>

namespace newscrawl::server {
namespace {

TEST(ProcessMetricsTest, SampleIsPlausible) {
  ProcessSample s = ReadProcessSample();
  EXPECT_GT(s.resident_memory_bytes, 1 << 20);  // a gtest binary with ASan holds more than 1 MiB
  EXPECT_GE(s.virtual_memory_bytes, s.resident_memory_bytes);
  EXPECT_GE(s.open_fds, 3);  // stdin, stdout, stderr
  const double now = static_cast<double>(std::time(nullptr));
  EXPECT_LE(s.start_time_seconds, now + 1);
  EXPECT_GT(s.start_time_seconds, now - 3600);  // this test process started within the hour
}

TEST(ProcessMetricsTest, RegisteredAndRendered) {
  MetricsRegistry registry;
  RegisterProcessMetrics(&registry, "1.2.3");
  std::string text = registry.RenderPrometheus();
  EXPECT_NE(text.find("newscrawl_build_info{schema=\"1\",version=\"1.2.3\"} 1\n"),
            std::string::npos)
      << text;
  for (const char* name : {"process_start_time_seconds", "process_resident_memory_bytes",
                           "process_virtual_memory_bytes", "process_open_fds"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " gauge\n"), std::string::npos) << name;
    EXPECT_EQ(text.find(std::string(name) + " 0\n"), std::string::npos) << name << " is 0";
  }
  EXPECT_TRUE(registry.Problems().empty());
}

}  // namespace
}  // namespace newscrawl::server
