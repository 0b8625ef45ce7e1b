#include "tests/pipeline/news_web.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <sstream>

namespace newscrawl::testing {
namespace {

constexpr int kSyndicatedOffset = 100000;

std::string FormatTime(std::time_t t, const char* format) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

// Parses "/prefix/s<site>-<n>.html" -> (site, n); false otherwise.
bool ParseArticlePath(const std::string& path, const std::string& prefix, int* site, int* n) {
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  char tail[8] = {0};
  if (std::sscanf(path.c_str() + prefix.size(), "s%d-%d.%5s", site, n, tail) != 3) return false;
  return std::string(tail) == "html";
}

TestResponse Respond(std::string body, const std::string& type) {
  TestResponse r;
  r.headers = {{"Content-Type", type}};
  r.body = std::move(body);
  return r;
}

TestResponse NotFound() {
  TestResponse r = Respond("not found", "text/plain");
  r.status = 404;
  return r;
}

std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else
      out += c;
  }
  return out;
}

}  // namespace

NewsWeb::NewsWeb(int per_site, int syndicate_every, int server_threads)
    : published_(kSites, 0), syndicate_every_(syndicate_every) {
  // Handle reads server_ (for absolute URLs): until it is set, a stray request (a port another
  // test's client still tries) gets a 503 instead of reaching it.
  server_ = TestServer::Start(
      kSites,
      [](const TestRequest&) {
        return TestResponse{503, {}, "starting"};
      },
      server_threads);
  Publish(per_site);
  server_->SetHandler([this](const TestRequest& request) { return Handle(request); });
}

NewsWeb::~NewsWeb() { server_.reset(); }

const char* NewsWeb::SiteName(int site) {
  static const char* const kNames[] = {"alpha", "beta", "gamma"};
  return kNames[site];
}

void NewsWeb::Publish(int per_site) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string now = FormatTime(std::time(nullptr), "%Y-%m-%dT%H:%M:%SZ");
  for (int site = 0; site < kSites; ++site) {
    for (int i = 0; i < per_site; ++i) {
      NewsStory story;
      story.site = site;
      story.number = published_[site]++;
      const std::string base = server_->BaseUrl(site);
      const std::string path =
          "/news/s" + std::to_string(site) + "-" + std::to_string(story.number) + ".html";
      story.url = base + path;
      story.published_at = now;
      if (site == 0) story.aliases.push_back(base + "/amp" + path);
      if (site == 2) story.aliases.push_back(base + "/print" + path);
      if (site == 0 && syndicate_every_ > 0 && story.number % syndicate_every_ == 0)
        story.syndicated_copy = server_->BaseUrl(2) + "/news/s2-" +
                                std::to_string(kSyndicatedOffset + story.number) + ".html";
      stories_.push_back(std::move(story));
    }
  }
}

std::vector<NewsStory> NewsWeb::Stories() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stories_;
}

void NewsWeb::EditStory(int site, int number) {
  std::lock_guard<std::mutex> lock(mu_);
  edited_.insert({site, number});
}

void NewsWeb::RetitleStory(int site, int number, const std::string& title) {
  std::lock_guard<std::mutex> lock(mu_);
  titles_[{site, number}] = title;
}

std::string NewsWeb::StoryText(int site, int number) const {
  // Distinct pseudo-words per story: no two stories share 5-word shingles by accident.
  static const char* const kSyllables[] = {"ba", "ce", "di", "fo",  "gu", "ha", "ki", "lo",
                                           "mu", "na", "pe", "qui", "ro", "sa", "te", "vu",
                                           "xa", "yo", "zi", "an",  "em", "in", "ot", "ul"};
  std::mt19937 rng(static_cast<uint32_t>(site * 1000003 + number * 7919 + 17));
  std::string text;
  for (int p = 0; p < 6; ++p) {
    if (p) text += '\n';
    for (int w = 0; w < 28; ++w) {
      if (w) text += ' ';
      int syllables = 2 + static_cast<int>(rng() % 3);
      for (int s = 0; s < syllables; ++s) text += kSyllables[rng() % 24];
    }
    text += '.';
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (edited_.count({site, number})) text.replace(text.find(' '), 1, " corrected ");
  return text;
}

std::string NewsWeb::ArticlePage(int site, int number, const std::string& canonical,
                                 bool alias) const {
  std::string title = "Story " + std::to_string(site) + "-" + std::to_string(number);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto retitled = titles_.find({site, number});
    if (retitled != titles_.end()) title = retitled->second;
  }
  std::string html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
                     title + " | " + SiteName(site) + "</title>";
  if (!canonical.empty()) html += "<link rel=\"canonical\" href=\"" + canonical + "\">";
  html += "<meta property=\"og:title\" content=\"" + title +
          "\"><meta property=\"article:published_time\" content=\"2026-01-02T03:04:05+07:00\">"
          "</head><body><nav><a href=\"/\">Home</a> <a href=\"/section/latest\">Latest</a></nav>"
          "<article><h1>" +
          title + "</h1>";
  if (!alias)
    html += "<p class=\"lead\"><strong>The lead of story " + std::to_string(site) + "-" +
            std::to_string(number) +
            " sums up what happened, where, and why it matters to readers today.</strong></p>"
            "<figure><img src=\"/img/" +
            std::to_string(number) + ".jpg\"><figcaption>The scene of story " +
            std::to_string(number) + ", photographed this morning.</figcaption></figure>";
  std::istringstream paragraphs(StoryText(site, number));
  for (std::string line; std::getline(paragraphs, line);) html += "<p>" + line + "</p>";
  if (!alias) html += "<p>Reporting by Mai Lan and Tran Binh.</p>";
  html += "</article><footer>Copyright " + std::string(SiteName(site)) + "</footer></body></html>";
  return html;
}

TestResponse NewsWeb::Handle(const TestRequest& request) {
  const std::string path = request.path();
  const int host = request.host;
  const std::string base = server_->BaseUrl(host);
  std::vector<NewsStory> mine;
  std::vector<NewsStory> syndicated;
  int published = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    published = published_[host];
    for (const auto& s : stories_) {
      if (s.site == host) mine.push_back(s);
      if (!s.syndicated_copy.empty()) syndicated.push_back(s);
    }
  }
  int site = 0, n = 0;
  if (path == "/robots.txt") {
    std::string body = "User-agent: *\nDisallow: /private/\n";
    if (host == 1) body += "Sitemap: " + base + "/sitemap_index.xml\n";
    return Respond(body, "text/plain");
  }
  if (ParseArticlePath(path, "/news/", &site, &n) && site == host) {
    if (host == 2 && n >= kSyndicatedOffset) {
      for (const auto& s : syndicated)
        if (s.number == n - kSyndicatedOffset)
          return Respond(ArticlePage(0, s.number, ""), "text/html; charset=utf-8");
      return NotFound();
    }
    if (n < published)
      return Respond(ArticlePage(host, n, base + path), "text/html; charset=utf-8");
    return NotFound();
  }
  for (const char* alias : {"/amp/news/", "/print/news/"}) {
    if (ParseArticlePath(path, alias, &site, &n) && site == host && n < published) {
      std::string canonical =
          base + "/news/s" + std::to_string(site) + "-" + std::to_string(n) + ".html";
      return Respond(ArticlePage(host, n, canonical, /*alias=*/true), "text/html; charset=utf-8");
    }
  }
  if (ParseArticlePath(path, "/private/", &site, &n) ||
      ParseArticlePath(path, "/video/", &site, &n))
    return Respond(ArticlePage(host, 900000 + n, ""), "text/html; charset=utf-8");

  const std::string etag =
      "\"p" + std::to_string(published) + "-" + std::to_string(syndicated.size()) + "\"";
  auto conditional = [&](TestResponse r) {
    auto it = request.headers.find("if-none-match");
    if (it != request.headers.end() && it->second == etag) {
      TestResponse not_modified;
      not_modified.status = 304;
      not_modified.headers = {{"ETag", etag}};
      return not_modified;
    }
    r.headers.emplace_back("ETag", etag);
    return r;
  };
  auto links = [&](const std::string& prefix, size_t last) {
    std::string html;
    size_t from = mine.size() > last ? mine.size() - last : 0;
    for (size_t i = from; i < mine.size(); ++i) {
      std::string rel =
          "/news/s" + std::to_string(host) + "-" + std::to_string(mine[i].number) + ".html";
      html += "<li><a class=\"story\" href=\"" + prefix + rel + "\">Story</a></li>\n";
    }
    return html;
  };
  const std::time_t now = std::time(nullptr);
  if (host == 0 && path == "/rss.xml") {
    std::string xml =
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>alpha</title><link>" + base +
        "/</link>";
    for (auto it = mine.rbegin(); it != mine.rend(); ++it)
      xml += "<item><title>Story 0-" + std::to_string(it->number) + "</title><link>" +
             Escape(it->url + "?utm_source=rss&utm_medium=feed") + "</link><pubDate>" +
             FormatTime(now, "%a, %d %b %Y %H:%M:%S GMT") + "</pubDate></item>";
    xml += "</channel></rss>";
    return conditional(Respond(xml, "application/rss+xml"));
  }
  if (host == 0 && path == "/section/latest") {
    std::string html =
        "<html><head><title>Latest</title></head><body><ul>\n" + links("", 30) + links("/amp", 30);
    html += "<li><a href=\"/private/s0-" + std::to_string(published) + ".html\">members</a></li>";
    html += "<li><a href=\"/video/s0-" + std::to_string(published) + ".html\">video</a></li>";
    html += "</ul></body></html>";
    return Respond(html, "text/html; charset=utf-8");
  }
  if (host == 1 && path == "/sitemap_index.xml") {
    std::string xml =
        "<?xml version=\"1.0\"?><sitemapindex "
        "xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"
        "<sitemap><loc>" +
        base + "/sitemaps/news.xml.gz</loc></sitemap><sitemap><loc>" + base +
        "/sitemaps/archive.xml</loc></sitemap></sitemapindex>";
    return Respond(xml, "application/xml");
  }
  if (host == 1 && (path == "/sitemaps/news.xml.gz" || path == "/sitemaps/archive.xml")) {
    const bool news = path == "/sitemaps/news.xml.gz";
    std::string xml =
        "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
        "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">";
    for (size_t i = 0; i < mine.size() && (news || i < 20); ++i) {
      xml += "<url><loc>" + mine[i].url + "</loc>";
      if (news)
        xml +=
            "<news:news><news:publication><news:name>beta</news:name><news:language>en</"
            "news:language>"
            "</news:publication><news:publication_date>" +
            mine[i].published_at + "</news:publication_date><news:title>News title 1-" +
            std::to_string(mine[i].number) + "</news:title></news:news>";
      xml += "</url>";
    }
    xml += "</urlset>";
    if (news) return conditional(Respond(Gzip(xml), "application/x-gzip"));
    return Respond(xml, "application/xml");
  }
  if (host == 1 && path == "/") {
    std::string html =
        "<html><head><title>beta</title><link rel=\"alternate\" "
        "type=\"application/feed+json\" href=\"/feed.json\"></head><body><ul>\n" +
        links("", 10) + "</ul></body></html>";
    return Respond(html, "text/html; charset=utf-8");
  }
  if (host == 1 && path == "/feed.json") {
    std::string json =
        "{\"version\":\"https://jsonfeed.org/version/1.1\",\"title\":\"beta\",\"items\":[";
    size_t from = mine.size() > 10 ? mine.size() - 10 : 0;
    for (size_t i = from; i < mine.size(); ++i)
      json += std::string(i > from ? "," : "") + "{\"id\":\"" + mine[i].url + "\",\"url\":\"" +
              mine[i].url + "\"}";
    json += "]}";
    return conditional(Respond(json, "application/feed+json"));
  }
  if (host == 2 && path == "/atom.xml") {
    std::string xml =
        "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>gamma</title>";
    auto entry = [&](const std::string& url) {
      xml += "<entry><title>t</title><link rel=\"alternate\" href=\"" + url + "\"/><id>" + url +
             "</id><updated>" + FormatTime(now, "%Y-%m-%dT%H:%M:%SZ") + "</updated></entry>";
    };
    for (const auto& s : mine)  // odd stories: their print alias (all they have on gamma)
      entry(s.number % 2 == 0 ? s.url : base + "/print" + s.url.substr(base.size()));
    for (const auto& s : syndicated) entry(s.syndicated_copy);
    xml += "</feed>";
    return conditional(Respond(xml, "application/atom+xml"));
  }
  if (host == 2 && path == "/section/world") {
    return Respond("<html><body><ul>\n" + links("/print", 30) + "</ul></body></html>",
                   "text/html; charset=utf-8");
  }
  return NotFound();
}

RefusingPort::RefusingPort() {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::fprintf(stderr, "RefusingPort: cannot bind a loopback port\n");
    std::abort();
  }
  port_ = ntohs(addr.sin_port);
}

RefusingPort::~RefusingPort() { ::close(fd_); }

std::string RefusingPort::Url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string NewsWeb::FreeBind() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
}

std::string NewsWeb::ConfigYaml(const std::string& storage_path, const std::string& min_delay,
                                const std::string& bind) const {
  std::string b0 = Base(0), b1 = Base(1), b2 = Base(2);
  std::string common =
      "    deny: [\"*/video/*\"]\n"
      "    article_pattern: 'regex:/s\\d+-\\d+\\.html$'\n"
      // The config allows no less than 10 s; tests override it (PollFast / run --min-poll).
      "    min_poll_interval: 10s\n"
      "    max_poll_interval: 20s\n"
      "    stale_after: 1h\n";
  return "storage_path: " + storage_path +
         "\n"
         "log_level: warn\n"
         "allow_private_addresses: true\n"
         "http_api:\n  bind: \"" +
         bind +
         "\"\n"
         "identity:\n  user_agent: \"newscrawl-test/0.1 (+http://127.0.0.1/)\"\n"
         "politeness:\n  per_host_connections: 1\n  min_delay: " +
         min_delay +
         "\n  max_retries: 1\n  backoff_base: 50ms\n  backoff_max: 1s\n"
         "limits:\n  connect_timeout: 2s\n  first_byte_timeout: 5s\n  total_timeout: 10s\n"
         "sites:\n"
         "  - name: alpha\n    seeds:\n      - feed: " +
         b0 + "/rss.xml\n      - section: " + b0 + "/section/latest\n" + common +
         "  - name: beta\n    seeds:\n      - home: " + b1 + "/\n" + common +
         "  - name: gamma\n    seeds:\n      - feed: " + b2 + "/atom.xml\n      - section: " + b2 +
         "/section/world\n" + common;
}

}  // namespace newscrawl::testing
