// robots.txt parser: a table of cases, one or more per rule of RFC 9309 (section in each name).
#include "parser/robots.h"

#include <string>

#include <gtest/gtest.h>

namespace newscrawl {
namespace {

struct RobotsCase {
  const char* name;    // what rule the case checks (RFC 9309 section)
  const char* robots;  // the robots.txt body
  const char* path;    // path and query asked about
  bool allowed;        // expected verdict for the product token "newscrawl"
};

const RobotsCase kCases[] = {
    // §2.1 / §2.2.1 group selection.
    {"2.2.1 no robots rules allow all", "", "/anything", true},
    {"2.2.1 star group applies", "User-agent: *\nDisallow: /private\n", "/private/x", false},
    {"2.2.1 star group leaves others", "User-agent: *\nDisallow: /private\n", "/public", true},
    {"2.2.1 our group beats star",
     "User-agent: *\nDisallow: /\n\nUser-agent: newscrawl\nAllow: /\n", "/a", true},
    {"2.2.1 our group only, star ignored",
     "User-agent: newscrawl\nDisallow: /x\n\nUser-agent: *\nDisallow: /y\n", "/y", true},
    {"2.2.1 other crawler's group ignored", "User-agent: otherbot\nDisallow: /\n", "/a", true},
    {"2.2.1 product token case-insensitive", "User-agent: NewsCrawl\nDisallow: /a\n", "/a", false},
    {"2.2.1 product token with version", "User-agent: newscrawl/2.0\nDisallow: /a\n", "/a", false},
    {"2.2.1 token prefix is not a match", "User-agent: newscrawler\nDisallow: /a\n", "/a", true},
    {"2.2.1 several user-agent lines in one group",
     "User-agent: otherbot\nUser-agent: newscrawl\nDisallow: /a\n", "/a", false},
    {"2.2.1 groups with the same agent merged",
     "User-agent: newscrawl\nDisallow: /a\n\nUser-agent: x\nDisallow: /b\n\n"
     "User-agent: newscrawl\nDisallow: /c\n",
     "/c", false},
    {"2.2.1 merged groups keep first rules",
     "User-agent: newscrawl\nDisallow: /a\n\nUser-agent: newscrawl\nDisallow: /c\n", "/a", false},
    {"2.2.1 rule after rules then user-agent starts new group",
     "User-agent: newscrawl\nDisallow: /a\nUser-agent: other\nDisallow: /b\n", "/b", true},
    {"2.2.1 rules before any user-agent ignored", "Disallow: /a\nUser-agent: *\nDisallow: /b\n",
     "/a", true},
    {"2.2.1 blank lines do not end a group", "User-agent: newscrawl\n\nDisallow: /a\n", "/a",
     false},
    {"2.2.1 unknown record does not end agent list",
     "User-agent: other\nHost: example.com\nUser-agent: newscrawl\nDisallow: /a\n", "/a", false},
    // §2.2.2 allow and disallow, longest match.
    {"2.2.2 disallow prefix", "User-agent: *\nDisallow: /news\n", "/newsletter", false},
    {"2.2.2 path is case-sensitive", "User-agent: *\nDisallow: /News\n", "/news", true},
    {"2.2.2 longest match wins (allow)", "User-agent: *\nDisallow: /a\nAllow: /a/b\n", "/a/b/c",
     true},
    {"2.2.2 longest match wins (disallow)", "User-agent: *\nAllow: /a\nDisallow: /a/b\n", "/a/b",
     false},
    {"2.2.2 longest match independent of order", "User-agent: *\nAllow: /a/b\nDisallow: /a\n",
     "/a/b", true},
    {"2.2.2 allow wins ties", "User-agent: *\nDisallow: /page\nAllow: /page\n", "/page", true},
    {"2.2.2 allow wins ties in either order", "User-agent: *\nAllow: /page\nDisallow: /page\n",
     "/page", true},
    {"2.2.2 empty disallow allows", "User-agent: *\nDisallow:\n", "/a", true},
    {"2.2.2 empty allow is no rule", "User-agent: *\nAllow:\nDisallow: /\n", "/a", false},
    {"2.2.2 query is part of the path", "User-agent: *\nDisallow: /search?q=\n", "/search?q=x",
     false},
    {"2.2.2 query rule leaves bare path", "User-agent: *\nDisallow: /search?q=\n", "/search", true},
    {"2.2.2 percent-encoded rule matches decoded path",
     "User-agent: *\nDisallow: /foo/bar/%62%61%7A\n", "/foo/bar/baz", false},
    {"2.2.2 decoded rule matches encoded path", "User-agent: *\nDisallow: /foo/bar/baz\n",
     "/foo/bar/%62%61%7a", false},
    {"2.2.2 UTF-8 rule matches percent-encoded path",
     "User-agent: *\nDisallow: /foo/bar/\xE3\x83\x84\n", "/foo/bar/%E3%83%84", false},
    {"2.2.2 encoded rule matches UTF-8 path", "User-agent: *\nDisallow: /foo/bar/%E3%83%84\n",
     "/foo/bar/\xE3\x83\x84", false},
    {"2.2.2 hex case normalised", "User-agent: *\nDisallow: /a%2fb\n", "/a%2Fb", false},
    {"2.2.2 reserved escape stays distinct", "User-agent: *\nDisallow: /a%2Fb\n", "/a/b", true},
    // §2.2.3 special characters.
    {"2.2.3 star matches any run", "User-agent: *\nDisallow: /*.php\n", "/dir/index.php?x=1",
     false},
    {"2.2.3 star needs the rest to match", "User-agent: *\nDisallow: /*.php\n", "/dir/index.html",
     true},
    {"2.2.3 dollar anchors the end", "User-agent: *\nDisallow: /*.pdf$\n", "/files/a.pdf", false},
    {"2.2.3 dollar rejects longer paths", "User-agent: *\nDisallow: /*.pdf$\n", "/files/a.pdf?x",
     true},
    {"2.2.3 dollar on exact path", "User-agent: *\nDisallow: /$\n", "/", false},
    {"2.2.3 dollar on exact path leaves others", "User-agent: *\nDisallow: /$\n", "/a", true},
    {"2.2.3 star then dollar", "User-agent: *\nDisallow: /a*$\n", "/abc", false},
    {"2.2.3 several stars", "User-agent: *\nDisallow: /*/amp/*\n", "/2024/amp/story", false},
    {"2.2.3 trailing star equals prefix", "User-agent: *\nDisallow: /private*\n", "/private/x",
     false},
    {"2.2.3 longest match counts pattern octets",
     "User-agent: *\nDisallow: /*.html\nAllow: /news/*.html\n", "/news/a.html", true},
    {"2.2.3 dollar in the middle is literal", "User-agent: *\nDisallow: /a$b\n", "/a$b", false},
    // §2.2.4 / §2.3: "/robots.txt" is always allowed.
    {"2.3 robots.txt always allowed", "User-agent: *\nDisallow: /\n", "/robots.txt", true},
    // §2.2: syntax: comments, case, whitespace, invalid lines, line ends, BOM.
    {"2.2 comment after rule", "User-agent: * # all\nDisallow: /a # no a\n", "/a", false},
    {"2.2 comment line ignored", "# Disallow: /a\nUser-agent: *\nDisallow: /b\n", "/a", true},
    {"2.2 keys case-insensitive", "USER-AGENT: *\nDISALLOW: /a\n", "/a", false},
    {"2.2 spaces around colon", "User-agent  :  *\nDisallow  :   /a  \n", "/a", false},
    {"2.2 invalid line ignored", "User-agent: *\nthis is not a rule\nDisallow: /a\n", "/a", false},
    {"2.2 misspelled disallow accepted", "User-agent: *\nDissallow: /a\n", "/a", false},
    {"2.2 CR line ends", "User-agent: *\rDisallow: /a\r", "/a", false},
    {"2.2 CRLF line ends", "User-agent: *\r\nDisallow: /a\r\n", "/a", false},
    {"2.2 no final newline", "User-agent: *\nDisallow: /a", "/a", false},
    {"2.2 UTF-8 BOM skipped", "\xEF\xBB\xBFUser-agent: *\nDisallow: /a\n", "/a", false},
    // Callers' inputs.
    {"empty path is root", "User-agent: *\nDisallow: /$\n", "", false},
    {"fragment ignored", "User-agent: *\nDisallow: /a$\n", "/a#top", false},
};

class RobotsTableTest : public ::testing::TestWithParam<RobotsCase> {};

TEST_P(RobotsTableTest, Verdict) {
  const RobotsCase& c = GetParam();
  RobotsRules rules = ParseRobotsTxt(c.robots, "newscrawl");
  EXPECT_EQ(rules.IsAllowed(c.path), c.allowed) << c.name << "\nrobots.txt:\n"
                                                << c.robots << "\npath: " << c.path;
}

std::string CaseName(const ::testing::TestParamInfo<RobotsCase>& info) {
  std::string name;
  for (const char* p = info.param.name; *p; ++p) {
    name.push_back(std::isalnum(static_cast<unsigned char>(*p)) ? *p : '_');
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Rfc9309, RobotsTableTest, ::testing::ValuesIn(kCases), CaseName);

TEST(RobotsTest, CrawlDelayFromSelectedGroup) {
  RobotsRules rules = ParseRobotsTxt(
      "User-agent: *\nCrawl-delay: 10\n\nUser-agent: newscrawl\nCrawl-delay: 2.5\nDisallow: /x\n",
      "newscrawl");
  ASSERT_TRUE(rules.crawl_delay_seconds.has_value());
  EXPECT_DOUBLE_EQ(*rules.crawl_delay_seconds, 2.5);

  RobotsRules star = ParseRobotsTxt("User-agent: *\nCrawl-delay: 10\n", "newscrawl");
  ASSERT_TRUE(star.crawl_delay_seconds.has_value());
  EXPECT_DOUBLE_EQ(*star.crawl_delay_seconds, 10);
}

TEST(RobotsTest, InvalidCrawlDelayIgnored) {
  for (const char* value : {"", "soon", "-3", "nan", "inf"}) {
    std::string body = std::string("User-agent: *\nCrawl-delay: ") + value + "\n";
    EXPECT_FALSE(ParseRobotsTxt(body, "newscrawl").crawl_delay_seconds.has_value()) << value;
  }
  RobotsRules rules = ParseRobotsTxt("User-agent: *\nCrawl-delay: x\nCrawl-delay: 4\n", "nc");
  EXPECT_EQ(rules.crawl_delay_seconds, 4.0);
}

TEST(RobotsTest, SitemapsFromAnywhereDeduplicated) {
  RobotsRules rules = ParseRobotsTxt(
      "Sitemap: https://example.com/a.xml\n"
      "User-agent: otherbot\nDisallow: /\nSitemap: https://example.com/b.xml # two\n"
      "User-agent: *\nsitemap:https://example.com/a.xml\n",
      "newscrawl");
  EXPECT_EQ(rules.sitemaps,
            (std::vector<std::string>{"https://example.com/a.xml", "https://example.com/b.xml"}));
}

TEST(RobotsTest, SitemapDoesNotEndGroup) {
  RobotsRules rules = ParseRobotsTxt(
      "User-agent: newscrawl\nSitemap: https://e.com/s.xml\nDisallow: /a\n", "newscrawl");
  EXPECT_FALSE(rules.IsAllowed("/a"));
}

TEST(RobotsTest, OnlyFirst500KiBParsed) {
  std::string body = "User-agent: *\nDisallow: /early\n";
  while (body.size() < kRobotsMaxBytes) body += "# filler filler filler filler filler filler\n";
  body += "Disallow: /late\n";
  RobotsRules rules = ParseRobotsTxt(body, "newscrawl");
  EXPECT_FALSE(rules.IsAllowed("/early"));
  EXPECT_TRUE(rules.IsAllowed("/late"));
}

TEST(RobotsTest, LineCutAtLimitDropped) {
  std::string body = "User-agent: *\n";
  body.append(kRobotsMaxBytes - body.size() - 12, '\n');
  body += "Disallow: /private-area\n";  // the limit falls inside this line
  RobotsRules rules = ParseRobotsTxt(body, "newscrawl");
  EXPECT_TRUE(rules.rules.empty());
  EXPECT_TRUE(rules.IsAllowed("/p"));
}

TEST(RobotsTest, AllowAllAndDisallowAll) {
  EXPECT_TRUE(RobotsRules::AllowAll().IsAllowed("/x"));
  RobotsRules none = RobotsRules::DisallowAll();
  EXPECT_FALSE(none.IsAllowed("/"));
  EXPECT_FALSE(none.IsAllowed("/x?y"));
  EXPECT_TRUE(none.IsAllowed("/robots.txt"));
}

TEST(RobotsTest, PathologicalPatternsStayFast) {
  // A naive backtracking matcher takes exponential time here; ours is linear per pattern octet.
  std::string body = "User-agent: *\nDisallow: /" + std::string(200, '*') + "b$\n";
  RobotsRules rules = ParseRobotsTxt(body, "newscrawl");
  EXPECT_TRUE(rules.IsAllowed("/" + std::string(2000, 'a')));
  EXPECT_FALSE(rules.IsAllowed("/" + std::string(2000, 'a') + "b"));
}

TEST(RobotsTest, BinaryGarbageAllowsAll) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage.push_back(static_cast<char>((i * 131) % 256));
  RobotsRules rules = ParseRobotsTxt(garbage, "newscrawl");
  EXPECT_TRUE(rules.IsAllowed("/a"));
}

}  // namespace
}  // namespace newscrawl
