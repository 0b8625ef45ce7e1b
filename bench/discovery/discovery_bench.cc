// Throughput of the pure discovery parsers on generated inputs: a 500-entry RSS feed, a
// 50,000-URL Google News sitemap (plain and gzip), and robots.txt parse + 10,000 IsAllowed checks.
// Prints the median of 7 runs of each.
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "parser/feed.h"
#include "parser/robots.h"
#include "parser/sitemap.h"

namespace {

using Clock = std::chrono::steady_clock;
volatile size_t allowed_sink = 0;

double MedianSeconds(const std::function<size_t()>& run, size_t* items) {
  std::vector<double> times;
  for (int i = 0; i < 7; ++i) {
    Clock::time_point start = Clock::now();
    *items = run();
    times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

std::string Gzip(const std::string& data) {
  z_stream s{};
  deflateInit2(&s, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&s, data.size()), '\0');
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  s.avail_in = static_cast<uInt>(data.size());
  s.next_out = reinterpret_cast<Bytef*>(out.data());
  s.avail_out = static_cast<uInt>(out.size());
  deflate(&s, Z_FINISH);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

void Report(const char* name, const std::string& input, size_t items, double seconds) {
  std::printf("%-26s %8.2f ms  %9.1f MB/s  %10.0f items/s  (%zu items, %zu bytes)\n", name,
              seconds * 1e3, input.size() / seconds / 1e6, items / seconds, items, input.size());
}

}  // namespace

int main() {
  using namespace newscrawl;
  std::string rss = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>";
  for (int i = 0; i < 500; ++i) {
    rss += "<item><title>Tiêu đề bài viết số " + std::to_string(i) +
           "</title><link>https://news.example.vn/bai-viet-" + std::to_string(4500000 + i) +
           ".html</link><description><![CDATA[<a href=\"x\"><img src=\"y\"></a></br>Tóm tắt "
           "nội dung bài viết với vài câu.]]></description><pubDate>Wed, 25 Nov 2026 16:30:00 "
           "+0700</pubDate><guid>" +
           std::to_string(i) + "</guid></item>";
  }
  rss += "</channel></rss>";

  std::string sitemap =
      "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
      "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">";
  for (size_t i = 0; i < kSitemapMaxUrls; ++i) {
    sitemap += "<url><loc>https://news.example.vn/bai-" + std::to_string(i) +
               ".html</loc><news:news><news:publication><news:name>Báo</news:name>"
               "<news:language>vi</news:language></news:publication><news:publication_date>"
               "2026-11-25T16:30:00+07:00</news:publication_date><news:title>Tiêu đề " +
               std::to_string(i) + "</news:title></news:news></url>";
  }
  sitemap += "</urlset>";
  std::string sitemap_gz = Gzip(sitemap);

  std::string robots = "User-agent: *\nCrawl-delay: 2\n";
  for (int i = 0; i < 200; ++i) robots += "Disallow: /private-" + std::to_string(i) + "/*.php$\n";
  robots +=
      "User-agent: newscrawl\nAllow: /news/\nDisallow: /*?comment=\nSitemap: https://a/s.xml\n";

  size_t items = 0;
  double s = MedianSeconds(
      [&] { return ParseFeed(rss, "https://news.example.vn/rss")->entries.size(); }, &items);
  Report("rss2 feed (500 items)", rss, items, s);
  s = MedianSeconds(
      [&] { return ParseSitemap(sitemap, "https://news.example.vn/s.xml")->urls.size(); }, &items);
  Report("news sitemap (50k urls)", sitemap, items, s);
  s = MedianSeconds(
      [&] { return ParseSitemap(sitemap_gz, "https://news.example.vn/s.xml.gz")->urls.size(); },
      &items);
  Report("news sitemap gzip", sitemap_gz, items, s);
  s = MedianSeconds(
      [&] {
        RobotsRules rules = ParseRobotsTxt(robots, "newscrawl");
        size_t allowed = 0;
        for (int i = 0; i < 10000; ++i) {
          allowed +=
              rules.IsAllowed("/news/2026/11/25/bai-viet-" + std::to_string(i) + ".html?comment=1");
        }
        allowed_sink = allowed;  // keeps the checks from being optimised away
        return size_t{10000};
      },
      &items);
  Report("robots parse + 10k checks", robots, items, s);
  return 0;
}
