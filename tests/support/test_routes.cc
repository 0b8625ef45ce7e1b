// StandardRoute: the fixtures and fault modes of TestServer by URL path.
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "tests/support/test_server.h"

namespace newscrawl::testing {
namespace {

using Millis = std::chrono::milliseconds;

TestResponse Html(std::string body, std::string content_type = "text/html; charset=utf-8") {
  TestResponse r;
  if (!content_type.empty()) r.headers.emplace_back("Content-Type", content_type);
  r.body = std::move(body);
  return r;
}

TestResponse Redirect(const std::string& location, int status = 302) {
  TestResponse r;
  r.status = status;
  r.headers.emplace_back("Location", location);
  r.body = "moved";
  return r;
}

// "/prefix/<n>" -> n; -1 when the path does not have that form.
long NumberAfter(const std::string& path, const std::string& prefix) {
  if (path.compare(0, prefix.size(), prefix) != 0 || path.size() == prefix.size()) return -1;
  char* end = nullptr;
  long n = std::strtol(path.c_str() + prefix.size(), &end, 10);
  return *end == '\0' ? n : -1;
}

// A windows-1252 page: "Café société, naïve façade" with é etc. as single bytes.
std::string Latin1Page(bool with_meta) {
  std::string text =
      "Caf\xE9 soci\xE9t\xE9: une na\xEFve fa\xE7"
      "ade \xE0 Paris.";
  std::string meta = with_meta ? "<meta charset=\"windows-1252\">" : "";
  std::string paragraphs;
  for (int i = 0; i < 6; ++i)
    paragraphs += "<p>" + text + " Paragraphe " + std::to_string(i) +
                  " de l'article, assez long pour compter.</p>\n";
  return "<!doctype html><html lang=\"fr\"><head>" + meta + "<title>" + text +
         "</title></head><body><article><h1>" + text + "</h1>\n" + paragraphs +
         "</article></body></html>";
}

const std::string& GzipBomb() {
  static std::once_flag once;
  static std::string bomb;
  std::call_once(once, [] { bomb = Gzip(std::string(16 * 1024 * 1024, '\0')); });
  return bomb;
}

}  // namespace

std::string Gzip(const std::string& data) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    std::abort();
  }
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string ArticleHtml(int n) {
  std::string id = std::to_string(n);
  std::string html =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>Article " +
      id +
      " | Test News</title>"
      "<meta property=\"og:title\" content=\"Article " +
      id +
      "\">"
      "<meta property=\"og:site_name\" content=\"Test News\">"
      "<meta name=\"author\" content=\"Jane Reporter\">"
      "<meta property=\"article:published_time\" content=\"2024-03-16T10:30:00+07:00\">"
      "</head><body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav>"
      "<article><h1>Article " +
      id + "</h1>";
  for (int p = 0; p < 5; ++p) {
    html += "<p>Paragraph " + std::to_string(p) + " of story " + id +
            ": the council met on Tuesday to discuss the new bridge, which residents say will "
            "shorten their commute by twenty minutes and bring more visitors to the old town.</p>";
  }
  html += "</article><footer>Copyright Test News</footer></body></html>";
  return html;
}

TestResponse StandardRoute(const TestRequest& request) {
  const std::string path = request.path();
  long n = -1;
  if ((n = NumberAfter(path, "/page/")) >= 0) return Html(ArticleHtml(static_cast<int>(n)));
  if ((n = NumberAfter(path, "/status/")) >= 0) {
    TestResponse r = Html("status " + std::to_string(n), "text/plain");
    r.status = static_cast<int>(n);
    return r;
  }
  if ((n = NumberAfter(path, "/slow-headers/")) >= 0) {
    TestResponse r = Html(ArticleHtml(0));
    r.header_delay = Millis(n);
    return r;
  }
  if ((n = NumberAfter(path, "/slow-body/")) >= 0) {
    TestResponse r = Html(ArticleHtml(0));
    r.chunk_size = r.body.size() / 10 + 1;
    r.chunk_delay = Millis(n);
    return r;
  }
  if (path == "/reset") {
    TestResponse r = Html(ArticleHtml(0));
    r.reset_mid_body = true;
    return r;
  }
  if (path == "/endless") {
    TestResponse r = Html(std::string(16 * 1024, 'x'), "text/plain");
    r.endless = true;
    return r;
  }
  if (path == "/gzip" || path == "/gzip-bomb") {
    TestResponse r = Html(path == "/gzip" ? Gzip(ArticleHtml(0)) : GzipBomb());
    r.headers.emplace_back("Content-Encoding", "gzip");
    return r;
  }
  if ((n = NumberAfter(path, "/redirect/")) >= 0) {
    return Redirect(n == 0 ? "/page/0" : "/redirect/" + std::to_string(n - 1));
  }
  if (path == "/loop/a") return Redirect("/loop/b");
  if (path == "/loop/b") return Redirect("/loop/a");
  if (path == "/to-private") return Redirect("http://10.0.0.1/page/0");
  if ((n = NumberAfter(path, "/retry-after/")) >= 0) {
    TestResponse r = Html("slow down", "text/plain");
    r.status = 429;
    r.headers.emplace_back("Retry-After", std::to_string(n));
    return r;
  }
  if (path == "/not-modified") {
    auto it = request.headers.find("if-none-match");
    if (it != request.headers.end() && it->second == "\"v1\"") {
      TestResponse r;
      r.status = 304;
      r.headers.emplace_back("ETag", "\"v1\"");
      return r;
    }
    TestResponse r = Html(ArticleHtml(1));
    r.headers.emplace_back("ETag", "\"v1\"");
    r.headers.emplace_back("Last-Modified", "Sat, 16 Mar 2024 03:30:00 GMT");
    return r;
  }
  if (path == "/no-content-type") return Html(ArticleHtml(2), "");
  if (path == "/latin1-header") return Html(Latin1Page(false), "text/html; charset=windows-1252");
  if (path == "/latin1-meta") return Html(Latin1Page(true), "text/html");
  if (path == "/latin1-wrong") return Html(Latin1Page(false), "text/html; charset=utf-8");
  TestResponse r = Html("not found", "text/plain");
  r.status = 404;
  return r;
}

}  // namespace newscrawl::testing
