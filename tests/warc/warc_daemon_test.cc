// The daemon's WARC archive end to end: the real `newscrawl run` with a `warc:` section crawls the
// loopback news web (tests/pipeline/news_web.h), is stopped with SIGTERM, and leaves only closed
// files under generated names; warcio.js reads them and checks their digests; `newscrawl extract
// --warc --db` over them stores the same articles the daemon stored. A file a killed daemon left
// open is cut back to its last whole record and closed when the daemon starts again.
#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "common/article.h"
#include "store/store.h"
#include "tests/pipeline/crawl_checks.h"
#include "tests/pipeline/news_web.h"
#include "tests/support/child_process.h"
#include "tests/warc/warc_test_util.h"

namespace newscrawl::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kBinary = std::string(NC_BINARY_DIR) + "/cli/newscrawl";
const std::string kWarcio = std::string(NC_SOURCE_DIR) + "/.cache/node/node_modules/warcio";

struct Stored {
  std::string title;
  std::string text;
};

// The articles of the kNew events, by content hash (which of two syndicated copies came first
// may differ between two crawls; the content does not).
std::map<std::string, Stored> NewArticles(const std::string& db) {
  store::StoreOptions options;
  options.read_only = true;
  auto store = store::Store::Open(db, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  std::map<std::string, Stored> articles;
  if (!store.ok()) return articles;
  (void)(*store)->ForEachChange(0, 0, [&](const store::ChangeEvent& e, std::string_view json) {
    if (e.kind != store::EventKind::kNew) return true;
    auto article = ArticleFromJson(json);
    EXPECT_TRUE(article.ok()) << json;
    if (article.ok()) articles[article->content_hash] = {article->title, article->text};
    return true;
  });
  return articles;
}

// kNew events in the store at `db` so far (0 while the daemon has not created it yet).
uint64_t StoredNow(const std::string& db) {
  store::StoreOptions options;
  options.read_only = true;
  auto store = store::Store::Open(db, options);
  return store.ok() ? CountNewEvents(**store) : 0;
}

// Runs `command` through the shell with stdout and stderr in `log`; its exit status.
int RunLogged(const std::string& command, const std::string& log) {
  const int status = std::system((command + " >" + log + " 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(WarcDaemonTest, ClosedFilesOfACrawlRebuildTheDaemonsArticles) {
  NewsWeb web(/*per_site=*/15, /*syndicate_every=*/5);
  warc::TempDir dir;
  const std::string db = dir.path() + "/db", warc_dir = dir.path() + "/warc";
  const std::string config_path = dir.path() + "/newscrawl.yaml";
  std::ofstream(config_path) << web.ConfigYaml(db, "10ms", NewsWeb::FreeBind())
                             << "warc:\n  dir: " << warc_dir
                             << "\n  kinds: [articles, feeds, robots]\n";
  const std::string log = dir.path() + "/daemon.log";
  pid_t pid =
      SpawnLogged({kBinary, "run", "--config", config_path, "--lease", "1s", "--drain-timeout",
                   "3s", "--workers", "2", "--min-poll", "300ms", "--max-poll", "1s"},
                  log);
  ASSERT_GT(pid, 0);
  const size_t stories = web.Stories().size();
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (StoredNow(db) < stories && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(200ms);
  ASSERT_EQ(NewArticles(db).size(), stories) << ReadFile(log);
  std::this_thread::sleep_for(1500ms);  // every feed polled again: unchanged, a 304
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  int status = WaitExit(pid, 20s);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << "\n" << ReadFile(log);

  // Closed and renamed on SIGTERM: "newscrawl-<UTC yyyymmddhhmmssmmm>-<seq>-local.warc.gz".
  std::vector<std::string> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(warc_dir)) {
    const std::string name = entry.path().filename().string();
    EXPECT_TRUE(std::regex_match(name, std::regex(R"(newscrawl-\d{17}-\d{5}-local\.warc\.gz)")))
        << name;
    files.push_back(entry.path().string());
  }
  ASSERT_FALSE(files.empty());

  std::map<std::string, int> types;
  int robots = 0, feeds = 0;
  for (const std::string& file : files) {
    auto reader = warc::WarcReader::Open(file);
    ASSERT_TRUE(reader.ok());
    warc::ReadAll all = warc::Drain(reader->get());
    EXPECT_TRUE(all.damages.empty()) << file << ": " << all.damages.front().reason;
    for (const warc::WarcRecord& r : all.records) {
      ++types[std::string(r.type())];
      const std::string uri(r.fields.Get("WARC-Target-URI"));
      if (r.type() == "response" && uri.size() > 11 && uri.substr(uri.size() - 11) == "/robots.txt")
        ++robots;
      if (r.type() == "response" &&
          (uri.find("/rss.xml") != std::string::npos || uri.find("/atom.xml") != std::string::npos))
        ++feeds;
      if (r.type() != "warcinfo") EXPECT_EQ(r.fields.Get("WARC-IP-Address"), "127.0.0.1") << uri;
    }
    if (fs::exists(kWarcio)) {
      const std::string check_log = dir.path() + "/warcio.log";
      EXPECT_EQ(RunLogged("node " + std::string(NC_SOURCE_DIR) + "/tests/warc/warcio_check.cjs " +
                              kWarcio + " " + file,
                          check_log),
                0)
          << ReadFile(check_log);
    } else if (std::getenv("CI") != nullptr) {
      ADD_FAILURE() << "warcio.js missing under .cache/node";
    }
  }
  EXPECT_EQ(types["warcinfo"], static_cast<int>(files.size()));
  // Each host's robots.txt once, as the fetcher fetched it (the daemon's own polls of it are
  // answered from the fetcher's cache: no second exchange, no second record).
  EXPECT_EQ(robots, NewsWeb::kSites);
  EXPECT_GE(feeds, 2);
  EXPECT_GE(types["revisit"], 1) << "no feed poll answered 304";
  EXPECT_EQ(types["request"], types["response"] + types["revisit"]);

  std::string list;
  for (const std::string& file : files) list += " " + file;
  const std::string rebuilt = dir.path() + "/rebuilt", extract_log = dir.path() + "/extract.log";
  EXPECT_EQ(RunLogged(kBinary + " extract --warc" + list + " --db " + rebuilt, extract_log), 0)
      << ReadFile(extract_log);
  std::map<std::string, Stored> daemon_articles = NewArticles(db);
  std::map<std::string, Stored> warc_articles = NewArticles(rebuilt);
  ASSERT_EQ(warc_articles.size(), daemon_articles.size()) << ReadFile(extract_log);
  // The same texts (titles may differ: the daemon prefers a news sitemap's news:title, which a
  // WARC of the pages alone does not hold).
  for (const auto& [hash, article] : daemon_articles) {
    SCOPED_TRACE(article.title);
    ASSERT_TRUE(warc_articles.count(hash));
    EXPECT_EQ(warc_articles[hash].text, article.text);
  }
  store::StoreOptions options;
  options.read_only = true;
  auto store = store::Store::Open(rebuilt, options);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(CrawlComplete(**store, web));
}

TEST(WarcDaemonTest, AFileLeftOpenByAKilledDaemonIsCutBackAndClosedAtTheNextStart) {
  NewsWeb web(/*per_site=*/15, /*syndicate_every=*/5);
  warc::TempDir dir;
  const std::string db = dir.path() + "/db", warc_dir = dir.path() + "/warc";
  const std::string config_path = dir.path() + "/newscrawl.yaml";
  std::ofstream(config_path) << web.ConfigYaml(db, "10ms", NewsWeb::FreeBind())
                             << "warc:\n  dir: " << warc_dir << "\n";
  const std::string log = dir.path() + "/daemon.log";
  const std::vector<std::string> args = {kBinary,      "run",   "--config",   config_path,
                                         "--workers",  "2",     "--lease",    "1s",
                                         "--min-poll", "300ms", "--max-poll", "1s"};
  pid_t pid = SpawnLogged(args, log);
  ASSERT_GT(pid, 0);
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (StoredNow(db) < 5 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(100ms);
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  WaitExit(pid, 10s);
  std::vector<std::string> left;
  for (const fs::directory_entry& entry : fs::directory_iterator(warc_dir))
    left.push_back(entry.path().filename().string());
  ASSERT_EQ(left.size(), 1u);
  ASSERT_EQ(left[0].substr(left[0].size() - 5), ".open");
  // A record torn in the middle, as a kill during write() leaves it.
  std::ofstream(warc_dir + "/" + left[0], std::ios::app | std::ios::binary)
      << std::string("\x1f\x8b\x08\x00", 4) << "torn";

  pid = SpawnLogged(args, log);
  ASSERT_GT(pid, 0);
  std::this_thread::sleep_for(1500ms);
  ASSERT_EQ(::kill(pid, SIGTERM), 0);
  const int status = WaitExit(pid, 20s);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status << "\n" << ReadFile(log);
  const std::string closed = left[0].substr(0, left[0].size() - 5);
  EXPECT_NE(ReadFile(log).find("closed " + warc_dir + "/" + closed + " left unfinished"),
            std::string::npos)
      << ReadFile(log);
  size_t files = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(warc_dir)) {
    ++files;
    EXPECT_EQ(entry.path().extension(), ".gz") << entry.path();
    auto reader = warc::WarcReader::Open(entry.path().string());
    ASSERT_TRUE(reader.ok());
    warc::ReadAll all = warc::Drain(reader->get());
    EXPECT_TRUE(all.damages.empty()) << entry.path() << ": " << all.damages.front().reason;
    ASSERT_FALSE(all.records.empty());
    EXPECT_EQ(all.records[0].type(), "warcinfo");
  }
  EXPECT_EQ(files, 2u);  // the killed run's, closed, and the second run's
}

}  // namespace
}  // namespace newscrawl::testing
