// The `newscrawl` command line as a user meets it: an example in every --help, unknown commands
// and charsets named, file errors with their reason, fetch's stdout/stderr split, the progress
// line on a terminal only and never mixed with log lines, stats sizes that match the disk.
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/test_server.h"

namespace newscrawl {
namespace {

namespace fs = std::filesystem;

const std::string kBinary = std::string(NC_BINARY_DIR) + "/cli/newscrawl";
const std::string kPage = std::string(NC_SOURCE_DIR) + "/tests/fixtures/extract/standard.html";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

// Runs `newscrawl ARGS` through the shell with stdout and stderr in separate files, named after
// the test and the process (ctest runs the tests of this binary in parallel processes).
Outcome Newscrawl(const std::string& args) {
  const std::string base = ::testing::TempDir() + "/cli_test_run_" +
                           ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
                           std::to_string(getpid());
  int status =
      std::system((kBinary + " " + args + " >" + base + ".out 2>" + base + ".err").c_str());
  Outcome run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = ReadAll(base + ".out");
  run.err = ReadAll(base + ".err");
  return run;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// What a terminal shows of `output` (a typescript of script(1), without its header and footer):
// per line, what follows the last "\r" with "\033[K" removed.
std::vector<std::string> Visible(const std::string& output) {
  std::vector<std::string> shown;
  for (std::string line : Lines(output)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();  // the terminal's "\r\n"
    if (line.rfind("Script started", 0) == 0 || line.rfind("Script done", 0) == 0) continue;
    size_t cr = line.rfind('\r');
    if (cr != std::string::npos) line = line.substr(cr + 1);
    for (size_t k; (k = line.find("\033[K")) != std::string::npos;) line.erase(k, 3);
    shown.push_back(line);
  }
  return shown;
}

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("cli_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(CliTest, EveryCommandsHelpEndsWithAnExample) {
  Outcome top = Newscrawl("--help");
  ASSERT_EQ(top.exit_code, 0) << top.err;
  EXPECT_NE(top.out.find("Example:\n  newscrawl "), std::string::npos) << top.out;
  // The subcommands are the indented lines after "Subcommands:" (CLI11's layout).
  std::vector<std::string> commands;
  bool in_list = false;
  for (const std::string& line : Lines(top.out)) {
    if (line.rfind("Subcommands:", 0) == 0 || line.rfind("SUBCOMMANDS:", 0) == 0) {
      in_list = true;
    } else if (in_list && line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ') {
      commands.push_back(line.substr(2, line.find(' ', 2) - 2));
    } else if (in_list && !line.empty() && line[0] != ' ') {
      in_list = false;
    }
  }
  ASSERT_GE(commands.size(), 8u) << top.out;
  for (const std::string& command : commands) {
    Outcome help = Newscrawl(command + " --help");
    EXPECT_EQ(help.exit_code, 0) << command;
    const std::string example = "Example:\n  newscrawl " + command;
    const size_t at = help.out.find(example);
    ASSERT_NE(at, std::string::npos) << command << ":\n" << help.out;
    const char next = help.out[at + example.size()];
    EXPECT_TRUE(next == ' ' || next == '\n') << command << ":\n" << help.out;
  }
}

TEST_F(CliTest, UnknownCommandIsNamed) {
  for (const std::string args : {"bogus", "--log-level info bogus", "bogus --help"}) {
    Outcome run = Newscrawl(args);
    EXPECT_EQ(run.exit_code, 2) << args;
    EXPECT_NE(run.err.find("newscrawl: unknown command \"bogus\" (commands: config, "),
              std::string::npos)
        << args << ": " << run.err;
  }
}

TEST_F(CliTest, UnknownCharsetIsRejected) {
  Outcome bad = Newscrawl("extract --charset bogus-cs " + kPage);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown charset \"bogus-cs\""), std::string::npos) << bad.err;
  EXPECT_EQ(bad.out, "");
  Outcome good = Newscrawl("extract --charset Windows-1258 " + kPage);
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_EQ(Lines(good.out).size(), 1u);
}

TEST_F(CliTest, FileErrorsGiveTheirReason) {
  Outcome missing = Newscrawl("config check /nonexistent.yaml");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "/nonexistent.yaml: cannot read config file: No such file or directory\n");
  Outcome directory = Newscrawl("config check /");
  EXPECT_EQ(directory.exit_code, 1);
  EXPECT_EQ(directory.err, "/: cannot read config file: Is a directory\n");
  Outcome page = Newscrawl("extract /nonexistent.html");
  EXPECT_EQ(page.exit_code, 1);
  EXPECT_NE(page.err.find("No such file or directory"), std::string::npos) << page.err;
}

TEST_F(CliTest, FetchPrintsArticlesOnStdoutAndFailuresOnStderr) {
  auto server = testing::TestServer::Start(1, testing::StandardRoute);
  const std::string ok = server->BaseUrl(0) + "/page/1";
  const std::string gone = server->BaseUrl(0) + "/status/404";
  const std::string flags = "fetch --allow-private --delay 0 --retries 0 --timeout 5 ";

  Outcome run = Newscrawl(flags + ok + " " + gone);
  EXPECT_EQ(run.exit_code, 1);
  std::vector<std::string> out = Lines(run.out);
  ASSERT_EQ(out.size(), 1u) << run.out;
  nlohmann::json article = nlohmann::json::parse(out[0]);
  EXPECT_EQ(article.at("schema"), 1);
  EXPECT_EQ(article.at("url"), ok);
  EXPECT_EQ(run.err, gone + ": http_4xx: HTTP 404\n");

  Outcome json = Newscrawl(flags + "--errors-json " + ok + " " + gone);
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_EQ(json.err, gone + ": http_4xx: HTTP 404\n");
  out = Lines(json.out);
  ASSERT_EQ(out.size(), 2u) << json.out;
  int failures = 0;
  for (const std::string& line : out) {
    nlohmann::json j = nlohmann::json::parse(line);
    EXPECT_EQ(j.at("schema"), 1) << line;
    if (!j.contains("outcome")) continue;
    ++failures;
    EXPECT_EQ(j.at("url"), gone);
    EXPECT_EQ(j.at("outcome"), "http_4xx");
    EXPECT_EQ(j.at("error"), "HTTP 404");
    EXPECT_EQ(j.at("status"), 404);
    EXPECT_EQ(j.at("attempts"), 1);
  }
  EXPECT_EQ(failures, 1);

  Outcome all_ok = Newscrawl(flags + ok);
  EXPECT_EQ(all_ok.exit_code, 0);
  EXPECT_EQ(all_ok.err, "");
}

// Batch extraction into --out-dir (with --db, which logs a line per stored page at info).
std::string BatchArgs(const std::string& pages, const std::string& out, const std::string& db) {
  return "--log-level info extract --url https://example.com/a.html --db " + db + " --out-dir " +
         out + " " + pages;
}

TEST_F(CliTest, ProgressOnlyOnATerminalAndBelowTheLogLines) {
  fs::create_directories(Path("pages"));
  for (int i = 0; i < 3; ++i) fs::copy_file(kPage, Path("pages/" + std::to_string(i) + ".html"));

  // stderr is a file: log lines, the summary, no progress line.
  Outcome plain = Newscrawl(BatchArgs(Path("pages"), Path("out1"), Path("db1")));
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.err.find('\r'), std::string::npos) << plain.err;
  EXPECT_EQ(plain.err.find("extracted "), std::string::npos) << plain.err;

  // stderr is a terminal (script(1) gives the command a pseudo-terminal).
  const std::string typescript = Path("tty.txt");
  const std::string command = "script -qec '" + kBinary + " " +
                              BatchArgs(Path("pages"), Path("out2"), Path("db2")) +
                              " >/dev/null' " + typescript + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << ReadAll(typescript);
  std::vector<std::string> shown = Visible(ReadAll(typescript));
  int log_lines = 0;
  bool final_progress = false;
  for (const std::string& line : shown) {
    const bool is_log = line.find("info") != std::string::npos;
    const bool is_progress = line.find("extracted ") != std::string::npos;
    EXPECT_FALSE(is_log && is_progress) << "mixed: " << line;
    log_lines += is_log;
    final_progress = final_progress || line == "extracted 3/3 (0 failed)";
  }
  EXPECT_EQ(log_lines, 3) << ReadAll(typescript);
  EXPECT_TRUE(final_progress) << ReadAll(typescript);
}

// Issue #12: `extract --db DIR INPUT_DIR` stores each page under its own canonical URL, or the
// one --urls gives it; with a page that has neither it stores nothing and says both fixes.
TEST_F(CliTest, BatchDbTakesEachPagesOwnUrlOrTheUrlsFile) {
  const std::string page = ReadAll(kPage);  // names its canonical URL
  std::string anonymous = page;
  const size_t link = anonymous.find("<link rel=\"canonical\"");
  ASSERT_NE(link, std::string::npos);
  anonymous.erase(link, anonymous.find('>', link) + 1 - link);
  anonymous.replace(anonymous.find("<p>"), 3, "<p>Other words first. ");  // another article
  fs::create_directories(Path("pages"));
  std::ofstream(Path("pages/own.html")) << page;
  std::ofstream(Path("pages/anonymous.html")) << anonymous;

  Outcome refused = Newscrawl("extract --db " + Path("db") + " " + Path("pages"));
  EXPECT_EQ(refused.exit_code, 2) << refused.err;
  EXPECT_NE(refused.err.find("1 of 2 pages have no URL"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("anonymous.html"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--urls FILE"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("rel=canonical"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(Path("db"))) << "nothing is stored before every page has a URL";

  std::ofstream(Path("bad.tsv")) << "# file\tURL\nanonymous.html no-tab-here\n";
  Outcome bad =
      Newscrawl("extract --db " + Path("db") + " --urls " + Path("bad.tsv") + " " + Path("pages"));
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("bad.tsv:2:"), std::string::npos) << bad.err;

  std::ofstream(Path("urls.tsv")) << "anonymous.html\thttps://news.example.com/b.html\n";
  Outcome stored =
      Newscrawl("extract --db " + Path("db") + " --urls " + Path("urls.tsv") + " " + Path("pages"));
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  std::set<std::string> urls;
  for (const std::string& line : Lines(stored.out)) {
    auto record = nlohmann::json::parse(line);
    EXPECT_EQ(record["version"], 1) << line;
    urls.insert(record["canonical_url"].get<std::string>());
  }
  EXPECT_EQ(urls,
            (std::set<std::string>{"https://cand.example.vn/thoi-su/hoi-nghi-quan-triet-i683000/",
                                   "https://news.example.com/b.html"}));
  // Importing the same pages again stores nothing new.
  Outcome again =
      Newscrawl("extract --db " + Path("db") + " --urls " + Path("urls.tsv") + " " + Path("pages"));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  Outcome stats = Newscrawl("stats --db " + Path("db"));
  EXPECT_NE(stats.out.find("last_seq: 2"), std::string::npos) << stats.out;
}

// An AMP rendering listed before its canonical page is held back until the canonical page is
// stored: one article, no version (docs/change-feed.md, "Aliases").
TEST_F(CliTest, BatchDbStoresTheCanonicalPageBeforeItsAlias) {
  const std::string page = ReadAll(kPage);
  std::string amp = page;
  const size_t p = amp.find("<p>");
  ASSERT_NE(p, std::string::npos);
  amp.erase(p, amp.find("</p>", p) + 4 - p);  // the AMP page lacks the first paragraph
  fs::create_directories(Path("pages"));
  std::ofstream(Path("pages/1-amp.html")) << amp;
  std::ofstream(Path("pages/2-page.html")) << page;
  std::ofstream(Path("urls.tsv"))
      << "1-amp.html\thttps://cand.example.vn/amp/thoi-su/hoi-nghi-quan-triet-i683000/\n";
  Outcome run = Newscrawl("extract --jobs 1 --db " + Path("db") + " --urls " + Path("urls.tsv") +
                          " " + Path("pages"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::set<std::string> ids;
  for (const std::string& line : Lines(run.out)) {
    auto record = nlohmann::json::parse(line);
    EXPECT_EQ(record["version"], 1) << line;
    EXPECT_EQ(record["url"], "https://cand.example.vn/thoi-su/hoi-nghi-quan-triet-i683000/");
    ids.insert(record["id"].get<std::string>());
  }
  EXPECT_EQ(ids.size(), 1u) << run.out;
  Outcome stats = Newscrawl("stats --db " + Path("db"));
  EXPECT_NE(stats.out.find("last_seq: 1"), std::string::npos) << stats.out;
}

TEST_F(CliTest, StatsSizesMatchTheFilesOnDisk) {
  Outcome extracted =
      Newscrawl("extract --url https://example.com/a.html --db " + Path("db") + " " + kPage);
  ASSERT_EQ(extracted.exit_code, 0) << extracted.err;
  Outcome stats = Newscrawl("stats --db " + Path("db"));
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  uint64_t on_disk = 0;
  for (const auto& entry : fs::recursive_directory_iterator(Path("db")))
    if (entry.is_regular_file()) on_disk += entry.file_size();
  uint64_t total = 0, families = 0;
  for (const std::string& line : Lines(stats.out)) {
    if (line.rfind("total_bytes: ", 0) == 0) total = std::stoull(line.substr(13));
    size_t bytes = line.find(" bytes: ");
    if (line.rfind("cf ", 0) == 0 && bytes != std::string::npos)
      families += std::stoull(line.substr(bytes + 8));
  }
  // A read-only open may append to RocksDB's LOG after the count: within 1%.
  EXPECT_LE(total, on_disk) << stats.out;
  EXPECT_GE(total * 100, on_disk * 99) << stats.out;
  EXPECT_LE(families, total) << stats.out;
}

}  // namespace
}  // namespace newscrawl
