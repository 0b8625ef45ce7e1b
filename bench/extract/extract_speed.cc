// extract_speed DIR [RUNS]: ExtractArticle over every DIR/*.html in ONE thread, pages in memory
// (no file I/O timed). Prints pages/s by wall clock and by this thread's CPU time (the CPU
// figure stays meaningful on a shared, loaded machine), median of RUNS (default 3) runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bench/extract/bench_time.h"
#include "parser/extract.h"

namespace {

using newscrawl::bench::Median;
using newscrawl::bench::ThreadCpuSeconds;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: extract_speed DIR [RUNS]\n");
    return 2;
  }
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 3;
  std::vector<std::string> pages;
  size_t bytes = 0;
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    if (entry.path().extension() != ".html") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    pages.push_back(buffer.str());
    bytes += pages.back().size();
  }
  if (pages.empty()) {
    std::fprintf(stderr, "extract_speed: no .html files in %s\n", argv[1]);
    return 1;
  }
  std::vector<double> wall_rates, cpu_rates;
  size_t text_bytes = 0;
  for (int r = 0; r < runs; ++r) {
    auto wall0 = std::chrono::steady_clock::now();
    double cpu0 = ThreadCpuSeconds();
    text_bytes = 0;
    for (const std::string& page : pages) {
      newscrawl::Result<newscrawl::Article> article =
          newscrawl::ExtractArticle(page, newscrawl::ExtractOptions());
      if (article.ok()) text_bytes += article->text.size();
    }
    double cpu = ThreadCpuSeconds() - cpu0;
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
    wall_rates.push_back(pages.size() / wall);
    cpu_rates.push_back(pages.size() / cpu);
  }
  std::printf(
      "extract_speed: %zu pages (%.1f MB), one thread, median of %d: %.0f pages/s wall, "
      "%.0f pages/s CPU (%.1f MB/s CPU); %zu bytes of text\n",
      pages.size(), bytes / 1e6, runs, Median(wall_rates), Median(cpu_rates),
      Median(cpu_rates) * bytes / pages.size() / 1e6, text_bytes);
  return 0;
}
