// NewsWeb: a loopback "news web" for the daemon's end-to-end tests and benchmark, served through
// the test server (tests/support/test_server.h), one port per site:
//
//   site 0 "alpha": RSS 2.0 feed /rss.xml (links carry utm_* tracking parameters, ETag + 304),
//                   section page /section/latest (articles, their AMP aliases /amp/..., a
//                   robots-disallowed /private/... link and a config-denied /video/... link);
//   site 1 "beta":  robots.txt "Sitemap: /sitemap_index.xml" -> a gzipped Google News sitemap
//                   /sitemaps/news.xml.gz (news:title, news:publication_date) and an archive
//                   urlset; a home page with <link rel=alternate> to a JSON Feed and article links;
//   site 2 "gamma": Atom feed /atom.xml (odd-numbered stories as their print alias, so they are
//                   reached only through it), section page /section/world linking print aliases;
//                   it also syndicates copies of alpha stories under its own URLs.
// Every robots.txt disallows /private/. Articles are /news/s<site>-<n>.html with distinct
// generated text (no two stories are near-duplicates); AMP and print aliases name the original
// with rel=canonical and render less of it (no lead, photo caption or byline line, as real AMP
// pages), so their text differs; syndicated copies do not name it (they are content duplicates).
// EditStory / RetitleStory change a published story the way a newsroom corrects one.
//
// Thread safety: all methods are thread-safe (the server calls Handle() on its threads).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/test_server.h"

namespace newscrawl::testing {

struct NewsStory {
  int site = 0;
  int number = 0;
  std::string url;  // canonical URL of the original
  // Other URLs serving the same text: AMP/print aliases (canonical -> url) and, for syndicated
  // stories, the copy on gamma (no canonical: a content duplicate).
  std::vector<std::string> aliases;
  std::string syndicated_copy;  // "" when not syndicated
  std::string published_at;     // ISO 8601 UTC
};

// A loopback port that refuses connections for as long as this object lives: bound but never
// listening, so no other socket (a test server of a test running beside this one) can take it,
// as it could a port that FreeBind() found free and released.
class RefusingPort {
 public:
  RefusingPort();
  ~RefusingPort();
  RefusingPort(const RefusingPort&) = delete;
  RefusingPort& operator=(const RefusingPort&) = delete;
  std::string Url() const;  // "http://127.0.0.1:<port>"

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

class NewsWeb {
 public:
  static constexpr int kSites = 3;
  // Publishes `per_site` stories on each site; every `syndicate_every`-th alpha story is copied
  // to gamma (0 = none).
  NewsWeb(int per_site, int syndicate_every = 10, int server_threads = 2);
  ~NewsWeb();

  TestServer& server() { return *server_; }
  std::string Base(int site) const { return server_->BaseUrl(site); }
  static const char* SiteName(int site);

  // Publishes `per_site` more stories on every site (feeds, sitemaps and sections list them).
  void Publish(int per_site);
  std::vector<NewsStory> Stories() const;
  // Edits one sentence of the story's text / gives it a new headline, from now on (on its
  // canonical page and its aliases).
  void EditStory(int site, int number);
  void RetitleStory(int site, int number, const std::string& title);
  // The daemon config (YAML) for this web: loopback allowed, robots respected, `min_delay`
  // politeness ("10ms"), the API on `bind`. Poll intervals are the config's minimum (10 s): tests
  // shorten them after loading (kFastPoll) or with `newscrawl run --min-poll/--max-poll`.
  std::string ConfigYaml(const std::string& storage_path, const std::string& min_delay,
                         const std::string& bind) const;
  // "127.0.0.1:<a free port>".
  static std::string FreeBind();

  TestResponse Handle(const TestRequest& request);

 private:
  // `alias`: the AMP/print rendering (less than the canonical page prints).
  std::string ArticlePage(int site, int number, const std::string& canonical,
                          bool alias = false) const;
  std::string StoryText(int site, int number) const;

  mutable std::mutex mu_;
  std::vector<NewsStory> stories_;                     // guarded by mu_
  std::vector<int> published_;                         // per site; guarded by mu_
  std::map<std::pair<int, int>, std::string> titles_;  // (site, number) -> headline; mu_
  std::set<std::pair<int, int>> edited_;               // guarded by mu_
  const int syndicate_every_;
  std::unique_ptr<TestServer> server_;
};

}  // namespace newscrawl::testing
