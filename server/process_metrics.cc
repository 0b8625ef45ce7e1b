#include "server/process_metrics.h"

#include <dirent.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <sstream>

#include "common/article.h"

namespace newscrawl::server {
namespace {

std::string ReadSmallFile(const char* path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Seconds since the epoch at which the system booted ("btime" in /proc/stat), 0 when unknown.
double BootTimeSeconds() {
  std::istringstream stat(ReadSmallFile("/proc/stat"));
  for (std::string line; std::getline(stat, line);)
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  return 0;
}

}  // namespace

ProcessSample ReadProcessSample() {
  ProcessSample sample;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  // /proc/self/stat: "pid (comm) state ..." where comm may hold spaces and parentheses: the
  // fields are counted from the last ')'. starttime is field 22 (clock ticks after boot), vsize
  // 23, rss 24 (pages).
  std::string stat = ReadSmallFile("/proc/self/stat");
  size_t paren = stat.rfind(')');
  if (paren != std::string::npos && ticks > 0) {
    std::istringstream fields(stat.substr(paren + 2));
    std::string field;
    double start = 0, vsize = 0, rss = 0;
    for (int i = 3; fields >> field && i <= 24; ++i) {
      if (i == 22) start = std::stod(field);
      if (i == 23) vsize = std::stod(field);
      if (i == 24) rss = std::stod(field);
    }
    sample.virtual_memory_bytes = vsize;
    sample.resident_memory_bytes = rss * page;
    static const double boot = BootTimeSeconds();
    if (boot > 0) sample.start_time_seconds = boot + start / ticks;
  }
  if (DIR* dir = opendir("/proc/self/fd")) {
    int n = 0;
    while (dirent* entry = readdir(dir))
      if (entry->d_name[0] != '.') ++n;
    closedir(dir);
    sample.open_fds = n - 1;  // not the descriptor opendir itself holds
  }
  return sample;
}

void RegisterProcessMetrics(MetricsRegistry* registry, const std::string& version) {
  registry
      ->GetGauge("newscrawl_build_info",
                 "The newscrawl version and the article schema it writes; always 1.",
                 {{"version", version}, {"schema", std::to_string(kArticleSchemaVersion)}})
      .Set(1);
  Gauge& start = registry->GetGauge("process_start_time_seconds",
                                    "Start time of the process since unix epoch in seconds.");
  Gauge& resident =
      registry->GetGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
  Gauge& virtual_memory =
      registry->GetGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.");
  Gauge& fds = registry->GetGauge("process_open_fds", "Number of open file descriptors.");
  auto collect = [&start, &resident, &virtual_memory, &fds] {
    ProcessSample s = ReadProcessSample();
    start.Set(s.start_time_seconds);
    resident.Set(s.resident_memory_bytes);
    virtual_memory.Set(s.virtual_memory_bytes);
    fds.Set(s.open_fds);
  };
  collect();
  registry->AddCollectHook(collect);
}

}  // namespace newscrawl::server
