// The log format of the binary: journald priority prefixes, one event per line, style detection.
#include "server/log_output.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <memory>
#include <string>

namespace newscrawl::server {
namespace {

// Everything `write` logs through a logger of `style`, read back from a temporary file.
template <typename Write>
std::string Capture(LogStyle style, Write write) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::tmpfile(), &std::fclose);
  auto logger = MakeLogger("test", style, file.get());
  logger->set_level(spdlog::level::trace);
  write(*logger);
  logger->flush();
  std::rewind(file.get());
  std::string text;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) text.append(buffer, n);
  return text;
}

TEST(LogOutputTest, JournalLinesHavePriorityPrefixesNoColourNoTime) {
  std::string text = Capture(LogStyle::kJournal, [](spdlog::logger& log) {
    log.debug("scheduling a.example");
    log.info("started");
    log.warn("example.com: https://example.com/a: http_4xx: HTTP 404");
    log.error("reload rejected:\nx.yaml:3:1: bad\nx.yaml:9:2: worse\n");
    log.critical("store corrupt");
  });
  EXPECT_EQ(text,
            "<7>scheduling a.example\n"
            "<6>started\n"
            "<4>example.com: https://example.com/a: http_4xx: HTTP 404\n"
            "<3>reload rejected:; x.yaml:3:1: bad; x.yaml:9:2: worse\n"
            "<2>store corrupt\n");
}

TEST(LogOutputTest, PlainLinesHaveTimeAndLevelAndNoColour) {
  std::string text = Capture(LogStyle::kPlain, [](spdlog::logger& log) { log.warn("two\nlines"); });
  // 2026-12-07T08:53:18.123+0000 warning two; lines
  ASSERT_GE(text.size(), 29u) << text;
  EXPECT_EQ(text[4], '-');
  EXPECT_EQ(text[10], 'T');
  EXPECT_EQ(text[19], '.');
  EXPECT_EQ(text.substr(text.find(' ')), " warning two; lines\n");
  EXPECT_EQ(text.find('\033'), std::string::npos);
}

TEST(LogOutputTest, TerminalLinesColourTheLevel) {
  std::string text = Capture(LogStyle::kTerminal, [](spdlog::logger& log) { log.error("x"); });
  EXPECT_NE(text.find("\033[31merror\033[0m x\n"), std::string::npos) << text;
}

TEST(LogOutputTest, FormatLogLineTable) {
  struct Case {
    LogStyle style;
    spdlog::level::level_enum level;
    std::string message;
    std::string want;
  };
  const Case cases[] = {
      {LogStyle::kJournal, spdlog::level::warn, "a", "<4>a\n"},
      {LogStyle::kJournal, spdlog::level::trace, "a\r\nb", "<7>a; b\n"},
      {LogStyle::kJournal, spdlog::level::info, "", "<6>\n"},
      {LogStyle::kPlain, spdlog::level::info, "a\n\n", "T info a\n"},
      {LogStyle::kPlain, spdlog::level::err, "a\n\nb", "T error a; ; b\n"},
  };
  for (const Case& c : cases)
    EXPECT_EQ(FormatLogLine(c.style, c.level, "T", c.message), c.want) << c.message;
}

TEST(LogOutputTest, StyleFollowsJournalStreamOnlyWhenItNamesStderr) {
  EXPECT_EQ(LogStyleFor("12:345", 12, 345, false), LogStyle::kJournal);
  EXPECT_EQ(LogStyleFor("12:345", 12, 345, true), LogStyle::kJournal);
  EXPECT_EQ(LogStyleFor("12:345", 12, 346, true), LogStyle::kTerminal);  // redirected by hand
  EXPECT_EQ(LogStyleFor("12:345", 13, 345, false), LogStyle::kPlain);
  EXPECT_EQ(LogStyleFor("garbage", 12, 345, false), LogStyle::kPlain);
  EXPECT_EQ(LogStyleFor("12:345x", 12, 345, false), LogStyle::kPlain);
  EXPECT_EQ(LogStyleFor(nullptr, 12, 345, true), LogStyle::kTerminal);
  EXPECT_EQ(LogStyleFor(nullptr, 12, 345, false), LogStyle::kPlain);
}

}  // namespace
}  // namespace newscrawl::server
