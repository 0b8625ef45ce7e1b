// The daemon in-process on a loopback news web of 3 sites: everything stored once, the change feed
// complete and in order, robots.txt and deny rules obeyed, per-host delays honoured, articles
// published during the run picked up, a drain + restart losing nothing.
#include "pipeline/daemon.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "common/url.h"
#include "tests/pipeline/crawl_checks.h"
#include "tests/pipeline/news_web.h"

namespace newscrawl::pipeline {
namespace {

using namespace std::chrono_literals;
using testing::NewsWeb;

constexpr auto kMinDelay = 20ms;

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::path(::testing::TempDir()) /
        ("daemon_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  DaemonOptions Options(const NewsWeb& web) {
    auto config = LoadConfigString(
        web.ConfigYaml((dir_ / "db").string(), "20ms", NewsWeb::FreeBind()), "test.yaml");
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    DaemonOptions options;
    options.config = *config;
    for (auto& site : options.config.sites) {
      site.min_poll_interval = 300ms;
      site.max_poll_interval = 2s;
    }
    options.workers = 2;
    options.tick = 10ms;
    options.lease = 5s;
    options.metrics = &metrics_;
    options.on_changes = [this] { ++change_notifications_; };
    return options;
  }

  // Waits until the daemon stored `want` new articles; false on timeout.
  // "article/done: 15, feed/pending: 2, ..." for failure messages.
  static std::string FrontierSummary(Daemon& daemon) {
    std::map<std::string, int> counts;
    int64_t now = SystemClock().UnixNowMs();
    (void)daemon.frontier()->ForEach([&](const FrontierEntry& e) {
      ++counts[std::string(UrlKindName(e.kind)) + "/" + std::to_string(static_cast<int>(e.state)) +
               (e.due_ms <= now ? "/due" : "/later")];
      return true;
    });
    std::string out;
    for (const auto& [k, n] : counts) out += k + ": " + std::to_string(n) + ", ";
    return out;
  }
  static bool WaitForArticles(const Daemon& daemon, uint64_t want, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (testing::CountNewEvents(*daemon.store()) >= want) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::filesystem::path dir_;
  MetricsRegistry metrics_;
  std::atomic<int> change_notifications_{0};
};

TEST_F(DaemonTest, CrawlsTheNewsWebOnceInOrderAndPolitely) {
  NewsWeb web(/*per_site=*/105, /*syndicate_every=*/10);
  auto daemon = Daemon::Start(Options(web));
  ASSERT_TRUE(daemon.ok()) << daemon.status().ToString();
  ASSERT_TRUE(WaitForArticles(**daemon, 200, 60s)) << (*daemon)->StatusLine() << "\n"
                                                   << FrontierSummary(**daemon);
  // Articles published while the daemon runs are found by the next polls.
  web.Publish(8);
  const uint64_t stories = web.Stories().size();
  ASSERT_GE(stories, 330u);
  ASSERT_TRUE(WaitForArticles(**daemon, stories, 60s)) << (*daemon)->StatusLine();
  // Let duplicates and aliases finish, then stop with a drain.
  std::this_thread::sleep_for(1500ms);
  (*daemon)->Stop(5s);

  EXPECT_TRUE(testing::CrawlComplete(*(*daemon)->store(), web));
  EXPECT_TRUE(testing::NothingForbiddenRequested(web));
  // The tolerance absorbs scheduling jitter of the test server's threads on a loaded machine.
  EXPECT_TRUE(testing::HostDelaysHonoured(web, kMinDelay, 8ms));
  EXPECT_GT(change_notifications_.load(), 0);

  // News-sitemap metadata (beta) beats what the page says (s1-30 is listed only there).
  auto beta = (*daemon)->store()->GetByUrl(web.Base(1) + "/news/s1-30.html");
  ASSERT_TRUE(beta.ok()) << beta.status().ToString();
  EXPECT_EQ(beta->title, "News title 1-30");
  // Articles were never fetched twice: each /news/ path appears once in the request log.
  std::map<std::pair<int, std::string>, int> fetched;
  for (const auto& r : web.server().Requests())
    if (r.path().rfind("/news/", 0) == 0) ++fetched[{r.host, r.path()}];
  for (const auto& [key, n] : fetched) EXPECT_EQ(n, 1) << key.second << " on host " << key.first;
  // robots.txt was fetched once per host: the daemon's polls of it for Sitemap: lines were
  // answered from the fetcher's robots cache.
  for (int host = 0; host < NewsWeb::kSites; ++host) {
    int robots = 0;
    for (const auto& r : web.server().RequestsFor(host)) robots += r.path() == "/robots.txt";
    EXPECT_EQ(robots, 1) << "host " << host;
  }
  // Feeds were polled with conditional GET and answered 304 at least once.
  bool conditional = false;
  for (const auto& r : web.server().Requests())
    if (r.path() == "/rss.xml" && r.headers.count("if-none-match")) conditional = true;
  EXPECT_TRUE(conditional);

  const std::string text = metrics_.RenderPrometheus();
  EXPECT_NE(text.find("newscrawl_fetches_total{outcome=\"ok\"}"), std::string::npos);
  EXPECT_NE(text.find("newscrawl_fetches_total{outcome=\"not_modified\"}"), std::string::npos);
  EXPECT_NE(text.find("newscrawl_robots_decisions_total{decision=\"disallowed\"}"),
            std::string::npos);
  EXPECT_NE(text.find("newscrawl_dedup_hits_total{kind=\"duplicate\"}"), std::string::npos);
  EXPECT_NE(text.find("newscrawl_publish_to_ingest_seconds_count{site=\"beta\"}"),
            std::string::npos);
  EXPECT_NE(text.find("newscrawl_articles_stored_total{event=\"new\",site=\"alpha\"}"),
            std::string::npos);
  EXPECT_NE(text.find("newscrawl_last_seq " + std::to_string((*daemon)->store()->LastSeq())),
            std::string::npos);
}

// Issue #12: AMP (alpha) and print (gamma) aliases are linked from section pages and met before
// and after their canonical pages; every story is stored once, from its canonical page, with no
// version. Then one sentence of one story is edited and another story gets a new headline: the
// re-checks find exactly two versions, each naming what changed.
TEST_F(DaemonTest, AliasesNeverMakeVersionsAndRealChangesDo) {
  NewsWeb web(/*per_site=*/20, /*syndicate_every=*/0);
  DaemonOptions options = Options(web);
  for (auto& site : options.config.sites) site.recheck_window = 12s;  // re-checked every 3 s
  auto daemon = Daemon::Start(options);
  ASSERT_TRUE(daemon.ok()) << daemon.status().ToString();
  const uint64_t stories = web.Stories().size();
  ASSERT_TRUE(WaitForArticles(**daemon, stories, 60s)) << (*daemon)->StatusLine() << "\n"
                                                       << FrontierSummary(**daemon);
  std::this_thread::sleep_for(1500ms);  // the aliases met after their canonical pages
  ASSERT_TRUE(testing::CrawlComplete(*(*daemon)->store(), web));  // once each, no version

  // Both orders happened: some aliases were fetched before their canonical page, some after.
  std::map<std::string, int> first_fetch;  // path -> index of its first request
  const auto requests = web.server().Requests();
  for (size_t i = 0; i < requests.size(); ++i)
    first_fetch.emplace(std::to_string(requests[i].host) + requests[i].path(), static_cast<int>(i));
  int alias_first = 0, canonical_first = 0;
  for (const auto& story : web.Stories()) {
    const std::string path = story.url.substr(web.Base(story.site).size());
    for (const auto& alias : story.aliases) {
      const std::string alias_key =
          std::to_string(story.site) + alias.substr(web.Base(story.site).size());
      auto a = first_fetch.find(alias_key);
      auto c = first_fetch.find(std::to_string(story.site) + path);
      ASSERT_NE(c, first_fetch.end()) << story.url << " never fetched";
      if (a == first_fetch.end()) continue;
      (a->second < c->second ? alias_first : canonical_first)++;
      // The alias leads to the story's record, stored from the canonical page (it has the lead).
      auto by_alias = (*daemon)->store()->GetByUrl(alias);
      ASSERT_TRUE(by_alias.ok()) << alias << ": " << by_alias.status().ToString();
      EXPECT_EQ(by_alias->canonical_url, CanonicalizeUrl(story.url).value());
      EXPECT_NE(by_alias->text.find("The lead of story"), std::string::npos) << alias;
    }
  }
  EXPECT_GT(alias_first, 0);
  EXPECT_GT(canonical_first, 0);

  web.EditStory(0, 3);
  web.RetitleStory(2, 5, "Story 2-5, updated");
  auto versions = [&] {
    std::vector<Article> out;
    (void)(*daemon)->store()->ForEachChange(
        0, 0, [&](const store::ChangeEvent& e, std::string_view json) {
          if (e.kind == store::EventKind::kVersion) out.push_back(ArticleFromJson(json).value());
          return true;
        });
    return out;
  };
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (versions().size() < 2 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  std::this_thread::sleep_for(3500ms);  // another round of re-checks: nothing more
  (*daemon)->Stop(5s);
  const auto found = versions();
  std::string listed;
  for (const auto& v : found) {
    listed += v.url + " v" + std::to_string(v.version) + ":";
    for (const auto& c : v.changed) listed += " " + c;
    listed += "\n";
  }
  ASSERT_EQ(found.size(), 2u) << listed;
  std::map<std::string, std::vector<std::string>> changed;
  for (const auto& v : found) changed[v.canonical_url] = v.changed;
  EXPECT_EQ(changed[CanonicalizeUrl(web.Base(0) + "/news/s0-3.html").value()],
            std::vector<std::string>{"text"});
  EXPECT_EQ(changed[CanonicalizeUrl(web.Base(2) + "/news/s2-5.html").value()],
            std::vector<std::string>{"title"});
}

TEST_F(DaemonTest, DrainAndRestartContinueWhereTheyLeft) {
  NewsWeb web(/*per_site=*/40, /*syndicate_every=*/10);
  uint64_t first_run = 0;
  std::set<std::string> stored_first;
  {
    auto daemon = Daemon::Start(Options(web));
    ASSERT_TRUE(daemon.ok()) << daemon.status().ToString();
    ASSERT_TRUE(WaitForArticles(**daemon, 30, 60s)) << (*daemon)->StatusLine();
    (*daemon)->Stop(2s);
    first_run = testing::CountNewEvents(*(*daemon)->store());
    ASSERT_TRUE((*daemon)
                    ->store()
                    ->ForEachChange(0, 0,
                                    [&](const store::ChangeEvent&, std::string_view json) {
                                      stored_first.insert(ArticleFromJson(json)->url);
                                      return true;
                                    })
                    .ok());
  }
  ASSERT_LT(first_run, web.Stories().size()) << "stopped too late to test a restart";
  web.server().ClearRequests();
  auto daemon = Daemon::Start(Options(web));
  ASSERT_TRUE(daemon.ok()) << daemon.status().ToString();
  ASSERT_TRUE(WaitForArticles(**daemon, web.Stories().size(), 60s)) << (*daemon)->StatusLine();
  std::this_thread::sleep_for(1500ms);
  (*daemon)->Stop(5s);
  EXPECT_TRUE(testing::CrawlComplete(*(*daemon)->store(), web));
  // The drain finished what was in flight: the second run fetched nothing the first had stored.
  for (const auto& r : web.server().Requests())
    EXPECT_EQ(stored_first.count(web.server().BaseUrl(r.host) + r.path()), 0u) << r.target;
  // The robots.txt cache came back from the store: no host's robots.txt was fetched again.
  for (const auto& r : web.server().Requests()) EXPECT_NE(r.path(), "/robots.txt") << r.host;
}

TEST_F(DaemonTest, SiteMinDelayAppliesToItsHosts) {
  NewsWeb web(/*per_site=*/12, /*syndicate_every=*/0);
  DaemonOptions options = Options(web);
  options.config.sites[1].min_delay = 150ms;  // beta, on host 1
  auto daemon = Daemon::Start(std::move(options));
  ASSERT_TRUE(daemon.ok()) << daemon.status().ToString();
  ASSERT_TRUE(WaitForArticles(**daemon, 36, 60s)) << (*daemon)->StatusLine();
  (*daemon)->Stop(2s);
  auto gaps = [&](int host) {
    auto requests = web.server().RequestsFor(host);
    std::vector<long long> out;
    for (size_t i = 1; i < requests.size(); ++i)
      if (requests[i - 1].path() != "/robots.txt")
        out.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(
                          requests[i].received_at - requests[i - 1].received_at)
                          .count());
    return out;
  };
  auto beta = gaps(1);
  ASSERT_GE(beta.size(), 12u);
  for (long long gap : beta) EXPECT_GE(gap, 150 - 8);
  auto alpha = gaps(0);  // politeness.min_delay (20 ms) only
  ASSERT_GE(alpha.size(), 12u);
  EXPECT_LT(*std::min_element(alpha.begin(), alpha.end()), 150);
}

TEST_F(DaemonTest, ReloadAddsSitesAndRejectsNothingValid) {
  NewsWeb web(/*per_site=*/5, /*syndicate_every=*/0);
  DaemonOptions options = Options(web);
  // Start with alpha only.
  Config alpha_only = options.config;
  alpha_only.sites.resize(1);
  Config full = options.config;
  options.config = alpha_only;
  auto daemon = Daemon::Start(std::move(options));
  ASSERT_TRUE(daemon.ok()) << daemon.status().ToString();
  ASSERT_TRUE(WaitForArticles(**daemon, 5, 30s));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(testing::CountNewEvents(*(*daemon)->store()), 5u);
  Config changed = full;
  changed.politeness.min_delay = 1s;
  changed.warc.dir = (dir_ / "warc").string();  // the archive is opened at start only
  auto notes = (*daemon)->Reload(changed);
  ASSERT_TRUE(notes.ok()) << notes.status().ToString();
  ASSERT_EQ(notes->size(), 2u);
  EXPECT_NE((*notes)[0].find("politeness"), std::string::npos);
  EXPECT_EQ((*notes)[1], "warc changes only at restart");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "warc"));
  ASSERT_TRUE(WaitForArticles(**daemon, 15, 30s)) << (*daemon)->StatusLine();
  (*daemon)->Stop(2s);
}

// ParseIsoTimeMs: tests/pipeline/crawl_policy_test.cc.

}  // namespace
}  // namespace newscrawl::pipeline
