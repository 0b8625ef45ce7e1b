// Feed parsing (RSS 2.0, RSS 1.0, Atom, JSON Feed), feed dates and feed discovery.
#include "parser/feed.h"

#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "parser/date_parse.h"

namespace newscrawl {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(NC_SOURCE_DIR) + "/tests/fixtures/discovery/" + name,
                   std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  EXPECT_FALSE(out.str().empty()) << "missing fixture " << name;
  return out.str();
}

struct DateCase {
  const char* input;
  const char* expected;  // "" = rejected
};

const DateCase kDateCases[] = {
    // RFC 822 / 1123 (RSS).
    {"Wed, 25 Nov 2026 16:30:00 +0700", "2026-11-25T16:30:00+07:00"},
    {"Wed, 25 Nov 2026 09:15:00 GMT", "2026-11-25T09:15:00+00:00"},
    {"25 Nov 2026 08:00 GMT+7", "2026-11-25T08:00:00+07:00"},
    {"Tue, 24 Nov 2026 23:59:59 EST", "2026-11-24T23:59:59-05:00"},
    {"Tue, 24 Nov 2026 23:59:59 PDT", "2026-11-24T23:59:59-07:00"},
    {"Tue, 24 Nov 2026 23:59:59 UT", "2026-11-24T23:59:59+00:00"},
    {"Tue, 24 Nov 2026 23:59:59 MST", "2026-11-24T23:59:59-07:00"},
    {"24-Nov-2026 23:59 +07", "2026-11-24T23:59:00+07:00"},
    {"Tue, 24 Nov 26 23:59:59 +0000", "2026-11-24T23:59:59+00:00"},
    {"Tue, 4 November 2026 1:02:03 -03:30", "2026-11-04T01:02:03-03:30"},
    {"Sat, 29 Feb 2020 12:00:00 +0100 (CET)", "2020-02-29T12:00:00+01:00"},
    {"25 Nov 2026", "2026-11-25"},
    {"25 Nov 2026 10:00:00", "2026-11-25T10:00:00"},  // no zone: no offset invented
    {"  Wed, 25 Nov 2026 16:30:00 +0700  ", "2026-11-25T16:30:00+07:00"},
    // RFC 3339 / W3C (Atom, JSON Feed, sitemaps).
    {"2026-11-25T16:30:00+07:00", "2026-11-25T16:30:00+07:00"},
    {"2026-11-25T09:30:00.250-05:00", "2026-11-25T09:30:00-05:00"},
    {"2026-11-25T10:00:00Z", "2026-11-25T10:00:00+00:00"},
    {"2026-11-25T10:00Z", "2026-11-25T10:00:00+00:00"},
    {"2026-11-25 10:00:00+0700", "2026-11-25T10:00:00+07:00"},
    {"2026-11-25T10:00:00", "2026-11-25T10:00:00"},
    {"2026-11-25", "2026-11-25"},
    // Rejected.
    {"", ""},
    {"2026", ""},
    {"2026-11", ""},
    {"2026-13-01", ""},
    {"2026-04-31", ""},
    {"2026-11-25T24:00:00Z", ""},
    {"2026-11-25T10:00:00+15:00", ""},
    {"Sun, 29 Feb 2026 12:00:00 GMT", ""},
    {"Wed, 25 Foo 2026 16:30:00 GMT", ""},
    {"Wed, 25 Nov 2026 16:30:00 XYZ", ""},
    {"yesterday", ""},
    {"25/11/2026", ""},
    {"2026-11-25 and more", ""},
    {"Wed, 25 Nov 2026 16:30:00 +0700 extra", ""},
    {"1899-12-31", ""},
};

TEST(FeedDateTest, Table) {
  for (const DateCase& c : kDateCases) {
    EXPECT_EQ(ParseFeedDate(c.input), c.expected) << "input: \"" << c.input << "\"";
  }
}

TEST(FeedTest, Rss2) {
  Result<Feed> feed =
      ParseFeed(ReadFixture("rss2_vnexpress_style.xml"), "https://news.example.vn/rss/a.rss");
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  EXPECT_EQ(feed->format, FeedFormat::kRss2);
  EXPECT_EQ(feed->title, "Tin mới nhất - Ví dụ");
  EXPECT_EQ(feed->site_url, "https://news.example.vn/");
  EXPECT_EQ(feed->warning, "");
  ASSERT_EQ(feed->entries.size(), 3u);  // the link-less and javascript: items are skipped

  const FeedEntry& first = feed->entries[0];
  EXPECT_EQ(first.url, "https://news.example.vn/ha-noi-mua-lon-4500001.html");
  EXPECT_EQ(first.guid, first.url);
  EXPECT_EQ(first.title, "Hà Nội mưa lớn, nhiều tuyến phố ngập");
  EXPECT_EQ(first.published_at, "2026-11-25T16:30:00+07:00");
  EXPECT_EQ(first.summary, "Mưa lớn kéo dài từ chiều qua khiến nhiều tuyến phố ngập sâu.");
  EXPECT_THAT(first.authors, ElementsAre("Minh Anh", "Ngọc Lan"));

  const FeedEntry& second = feed->entries[1];
  EXPECT_EQ(second.url, "https://news.example.vn/kinh-doanh/gia-vang-4500002.html");
  EXPECT_EQ(second.guid, "4500002");
  EXPECT_EQ(second.title, "Giá vàng & USD <tăng> mạnh");
  EXPECT_EQ(second.summary, "Giá vàng trong nước tăng đột biến.");
  EXPECT_EQ(second.published_at, "2026-11-25T09:15:00+00:00");
  EXPECT_THAT(second.authors, ElementsAre("Hoàng Nam"));

  EXPECT_EQ(feed->entries[2].url, "https://news.example.vn/chi-co-guid-4500003.html");
  EXPECT_EQ(feed->entries[2].published_at, "2026-11-25T08:00:00+07:00");
}

TEST(FeedTest, Rss1Rdf) {
  Result<Feed> feed = ParseFeed(ReadFixture("rss1.rdf"), "https://rdf.example.org/index.rdf");
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  EXPECT_EQ(feed->format, FeedFormat::kRss1);
  EXPECT_EQ(feed->title, "RDF example");
  ASSERT_EQ(feed->entries.size(), 2u);
  EXPECT_EQ(feed->entries[0].url, "https://rdf.example.org/a");
  EXPECT_EQ(feed->entries[0].guid, "https://rdf.example.org/a");
  EXPECT_EQ(feed->entries[0].summary, "Short summary.");
  EXPECT_EQ(feed->entries[0].published_at, "2026-11-24T07:05:00+07:00");
  EXPECT_THAT(feed->entries[0].authors, ElementsAre("Jane Roe"));
  EXPECT_EQ(feed->entries[1].url, "https://rdf.example.org/b");
  EXPECT_EQ(feed->entries[1].published_at, "2026-11-24");
}

TEST(FeedTest, AtomWithXmlBase) {
  Result<Feed> feed = ParseFeed(ReadFixture("atom.xml"), "https://atom.example.com/feed.atom");
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  EXPECT_EQ(feed->format, FeedFormat::kAtom);
  EXPECT_EQ(feed->site_url, "https://atom.example.com/");
  ASSERT_EQ(feed->entries.size(), 2u);

  const FeedEntry& first = feed->entries[0];
  EXPECT_EQ(first.url, "https://atom.example.com/blog/posts/1.html");
  EXPECT_EQ(first.title, "Cats & dogs");
  EXPECT_EQ(first.guid, "tag:atom.example.com,2026:1");
  EXPECT_EQ(first.published_at, "2026-11-25T09:30:00-05:00");
  EXPECT_EQ(first.updated_at, "2026-11-25T10:00:00+00:00");
  EXPECT_EQ(first.summary, "First summary");
  EXPECT_THAT(first.authors, ElementsAre("Alice Example", "Bob Example"));

  const FeedEntry& second = feed->entries[1];
  EXPECT_EQ(second.url, "https://atom.example.com/other/2.html");  // entry xml:base applies
  EXPECT_EQ(second.title, "An xhtml title");
  EXPECT_EQ(second.published_at, "");
  EXPECT_EQ(second.updated_at, "2026-11-24T08:00:00+07:00");
  EXPECT_EQ(second.summary, "Body only in content");
  EXPECT_THAT(second.authors, ElementsAre("Feed Author"));  // inherited from the feed
}

TEST(FeedTest, JsonFeed) {
  Result<Feed> feed = ParseFeed(ReadFixture("feed.json"), "https://json.example.net/feed.json");
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  EXPECT_EQ(feed->format, FeedFormat::kJsonFeed);
  EXPECT_EQ(feed->title, "JSON example");
  EXPECT_EQ(feed->site_url, "https://json.example.net/");
  ASSERT_EQ(feed->entries.size(), 2u);
  EXPECT_EQ(feed->entries[0].url, "https://json.example.net/2026/11/25/one");
  EXPECT_EQ(feed->entries[0].title, "One & only");
  EXPECT_EQ(feed->entries[0].summary, "Hello world");
  EXPECT_EQ(feed->entries[0].published_at, "2026-11-25T08:00:00+07:00");
  EXPECT_EQ(feed->entries[0].updated_at, "2026-11-25T09:00:00+07:00");
  EXPECT_THAT(feed->entries[0].authors, ElementsAre("Trần Văn A"));
  EXPECT_EQ(feed->entries[1].url, "https://json.example.net/two");
  EXPECT_EQ(feed->entries[1].guid, "2");
  EXPECT_EQ(feed->entries[1].summary, "Second");
  EXPECT_EQ(feed->entries[1].published_at, "");
  EXPECT_THAT(feed->entries[1].authors, ElementsAre("Desk"));
}

TEST(FeedTest, PrefixesAndCaseDoNotMatter) {
  const char* body =
      "<x:rss xmlns:x='urn:x'><x:channel><x:item><x:LINK>https://a.example/1</x:LINK>"
      "<DC:Creator xmlns:DC='urn:dc'>A</DC:Creator><x:pubdate>25 Nov 2026 10:00 +0000</x:pubdate>"
      "</x:item></x:channel></x:rss>";
  Result<Feed> feed = ParseFeed(body, "");
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  ASSERT_EQ(feed->entries.size(), 1u);
  EXPECT_EQ(feed->entries[0].url, "https://a.example/1");
  EXPECT_THAT(feed->entries[0].authors, ElementsAre("A"));
  EXPECT_EQ(feed->entries[0].published_at, "2026-11-25T10:00:00+00:00");
}

TEST(FeedTest, RelativeLinksDroppedWithoutFeedUrl) {
  Result<Feed> feed = ParseFeed("<rss><channel><item><link>/a</link></item></channel></rss>", "");
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();  // a feed, with no usable entry
  EXPECT_THAT(feed->entries, IsEmpty());
}

TEST(FeedTest, TruncatedFeedKeepsEntriesBeforeTheError) {
  std::string body = ReadFixture("rss2_vnexpress_style.xml");
  body.resize(body.find("Tin chỉ có guid"));  // cut inside the third item
  Result<Feed> feed = ParseFeed(body, "https://news.example.vn/rss/a.rss");
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  ASSERT_EQ(feed->entries.size(), 2u);
  EXPECT_THAT(feed->warning, HasSubstr("XML error at byte"));
  EXPECT_THAT(feed->warning, HasSubstr("2 entries read before it"));
}

TEST(FeedTest, Errors) {
  struct ErrorCase {
    const char* body;
    const char* message;
  };
  const ErrorCase kErrors[] = {
      {"", "empty feed document"},
      {"  \n ", "empty feed document"},
      {"<html><body>hi</body></html>", "root element is <html>"},
      {"<rss><channel><item><title>x", "malformed feed: XML error at byte"},
      {"not xml at all", "not a feed"},
      {"{\"items\": [", "malformed JSON feed: JSON error at byte"},
      {"{\"version\": \"x\"}", "without an \"items\" array"},
  };
  for (const ErrorCase& c : kErrors) {
    Result<Feed> feed = ParseFeed(c.body, "https://e.example/feed");
    ASSERT_FALSE(feed.ok()) << c.body;
    EXPECT_EQ(feed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(feed.status().message(), HasSubstr(c.message)) << c.body;
  }
}

TEST(FeedTest, EmptyChannelIsAFeedWithoutEntries) {
  Result<Feed> feed = ParseFeed("<rss><channel><title>t</title></channel></rss>", "");
  ASSERT_TRUE(feed.ok());
  EXPECT_THAT(feed->entries, IsEmpty());
}

TEST(FeedTest, EntryCap) {
  std::string body = "<rss><channel>";
  for (size_t i = 0; i < kMaxFeedEntries + 5; ++i) {
    body += "<item><link>https://a.example/" + std::to_string(i) + "</link></item>";
  }
  body += "</channel></rss>";
  Result<Feed> feed = ParseFeed(body, "");
  ASSERT_TRUE(feed.ok());
  EXPECT_EQ(feed->entries.size(), kMaxFeedEntries);
  EXPECT_THAT(feed->warning, HasSubstr("feed cut at"));
}

TEST(FeedTest, DeepNestingDoesNotCrash) {
  std::string body = "<rss><channel><item><link>https://a.example/x</link><description>";
  for (int i = 0; i < 100000; ++i) body += "<d>";
  body += "deep";
  for (int i = 0; i < 100000; ++i) body += "</d>";
  body += "</description></item></channel></rss>";
  Result<Feed> feed = ParseFeed(body, "");
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  ASSERT_EQ(feed->entries.size(), 1u);
  EXPECT_EQ(feed->entries[0].summary, "deep");
}

TEST(FeedTest, DeeplyNestedJsonDoesNotCrash) {
  std::string body = "{\"items\": " + std::string(20000, '[') + std::string(20000, ']') + "}";
  Result<Feed> feed = ParseFeed(body, "https://a.example/feed.json");
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  EXPECT_TRUE(feed->entries.empty());
}

TEST(FeedTest, DiscoverFeedLinks) {
  std::vector<std::string> links =
      DiscoverFeedLinks(ReadFixture("home_with_feeds.html"), "https://www.news.example.vn/");
  EXPECT_THAT(links, ElementsAre("https://www.news.example.vn/rss/tin-moi-nhat.rss",
                                 "https://www.news.example.vn/sub/atom.xml?a=1&b=2",
                                 "https://json.example.vn/feed.json"));
}

TEST(FeedTest, DiscoverFeedLinksOnGarbage) {
  EXPECT_THAT(DiscoverFeedLinks("", "https://a.example/"), IsEmpty());
  EXPECT_THAT(DiscoverFeedLinks("<link", "https://a.example/"), IsEmpty());
  EXPECT_THAT(DiscoverFeedLinks("<link rel='alternate' type='application/rss+xml' href='",
                                "https://a.example/"),
              IsEmpty());
  EXPECT_THAT(DiscoverFeedLinks("<!-- unterminated <link rel=alternate type=application/rss+xml "
                                "href=/x>",
                                "https://a.example/"),
              IsEmpty());
}

// Deterministic mutations of every fixture (byte flips, cuts, inserted markup): the parsers must
// neither crash nor leak (ASan/LSan), and whatever they return keeps its invariants.
TEST(FeedTest, MutatedFixturesKeepInvariants) {
  std::mt19937 rng(20261125);
  const char* kInserts[] = {"<", "&", "]]>", "<item>", "</channel>", "&#xD800;", "\xC3", "\0"};
  for (const char* name : {"rss2_vnexpress_style.xml", "rss1.rdf", "atom.xml", "feed.json"}) {
    const std::string original = ReadFixture(name);
    for (int i = 0; i < 300; ++i) {
      std::string body = original;
      switch (rng() % 3) {
        case 0:
          for (int k = 0; k < 4; ++k) body[rng() % body.size()] = static_cast<char>(rng());
          break;
        case 1:
          body.resize(rng() % body.size());
          break;
        default:
          body.insert(rng() % body.size(), kInserts[rng() % 8]);
      }
      Result<Feed> feed = ParseFeed(body, "https://news.example.vn/rss/a.rss");
      if (!feed.ok()) {
        EXPECT_FALSE(feed.status().message().empty());
        continue;
      }
      for (const FeedEntry& entry : feed->entries) {
        EXPECT_TRUE(entry.url.rfind("http://", 0) == 0 || entry.url.rfind("https://", 0) == 0)
            << entry.url;
      }
    }
  }
}

}  // namespace
}  // namespace newscrawl
