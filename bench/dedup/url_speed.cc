// URL resolution + canonicalisation speed on the real links of the eval pages.
//
//   url_speed [EVAL_DIR]   (default: ../shared/eval/scrapinghub beside the repository)
//
// Collects every href="..." of EVAL_DIR/*.html with the page URL from urls.tsv as base, then
// times ResolveUrlString + CanonicalizeUrl per link (CPU time, median of 5 runs).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/url.h"

namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir =
      argc > 1 ? std::filesystem::path(argv[1])
               : std::filesystem::path(NC_SOURCE_DIR) / ".." / "shared" / "eval" / "scrapinghub";
  std::map<std::string, std::string> urls;
  std::ifstream tsv(dir / "urls.tsv");
  for (std::string line; std::getline(tsv, line);) {
    size_t tab = line.find('\t');
    if (tab != std::string::npos) urls[line.substr(0, tab)] = line.substr(tab + 1);
  }
  std::vector<std::pair<std::string, std::string>> links;  // base, href
  for (const auto& [id, base] : urls) {
    std::string html = ReadFile(dir / (id + ".html"));
    for (size_t at = html.find("href=\""); at != std::string::npos;
         at = html.find("href=\"", at + 1)) {
      size_t end = html.find('"', at + 6);
      if (end == std::string::npos) break;
      links.emplace_back(base, html.substr(at + 6, end - at - 6));
    }
  }
  if (links.empty()) {
    std::fprintf(stderr, "url_speed: no links found under %s\n", dir.c_str());
    return 1;
  }
  std::vector<double> runs;
  size_t resolved = 0, canonical = 0;
  for (int run = 0; run < 5; ++run) {
    resolved = canonical = 0;
    std::clock_t start = std::clock();
    for (const auto& [base, href] : links) {
      std::string absolute = newscrawl::ResolveUrlString(base, href);
      if (absolute.empty()) continue;
      ++resolved;
      canonical += newscrawl::CanonicalizeUrl(absolute).ok();
    }
    double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
    runs.push_back(seconds * 1e9 / static_cast<double>(links.size()));
  }
  std::sort(runs.begin(), runs.end());
  // The same links with each page's base parsed once (the ResolveUrlString(const Url&) overload).
  std::vector<double> runs_parsed_base;
  for (int run = 0; run < 5; ++run) {
    std::clock_t start = std::clock();
    std::string last_base;
    newscrawl::Url base_url;
    for (const auto& [base, href] : links) {
      if (base != last_base) {
        base_url = newscrawl::ParseUrl(base).value_or(newscrawl::Url());
        last_base = base;
      }
      std::string absolute = newscrawl::ResolveUrlString(base_url, href);
      if (!absolute.empty()) (void)newscrawl::CanonicalizeUrl(absolute).ok();
    }
    double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
    runs_parsed_base.push_back(seconds * 1e9 / static_cast<double>(links.size()));
  }
  std::sort(runs_parsed_base.begin(), runs_parsed_base.end());
  std::printf(
      "url_speed: %zu links of %zu pages: %zu resolved, %zu canonicalised; "
      "resolve + canonicalise median of 5 runs %.0f ns per link, %.0f ns with the base parsed "
      "once per page (CPU time)\n",
      links.size(), urls.size(), resolved, canonical, runs[2], runs_parsed_base[2]);
  return 0;
}
