// Pure helpers: address classification, Retry-After, Content-Type charset, URL targets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include <vector>

#include "crawler/address_policy.h"
#include "crawler/curl_util.h"
#include "crawler/fetch_target.h"

namespace newscrawl::crawler {
namespace {

AddressClass Classify(const std::string& ip) {
  sockaddr_storage storage{};
  if (ip.find(':') != std::string::npos) {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    EXPECT_EQ(inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr), 1) << ip;
  } else {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    EXPECT_EQ(inet_pton(AF_INET, ip.c_str(), &v4->sin_addr), 1) << ip;
  }
  return ClassifyAddress(reinterpret_cast<sockaddr*>(&storage));
}

TEST(AddressPolicyTest, ClassifiesAddresses) {
  struct Case {
    const char* ip;
    AddressClass expected;
  } cases[] = {
      {"127.0.0.1", AddressClass::kLoopback},
      {"127.255.0.9", AddressClass::kLoopback},
      {"::1", AddressClass::kLoopback},
      {"::ffff:127.0.0.1", AddressClass::kLoopback},
      {"10.1.2.3", AddressClass::kPrivate},
      {"172.16.0.1", AddressClass::kPrivate},
      {"172.31.255.255", AddressClass::kPrivate},
      {"192.168.1.1", AddressClass::kPrivate},
      {"169.254.169.254", AddressClass::kPrivate},
      {"100.64.0.1", AddressClass::kPrivate},
      {"0.0.0.0", AddressClass::kPrivate},
      {"224.0.0.1", AddressClass::kPrivate},
      {"fc00::1", AddressClass::kPrivate},
      {"fd12:3456::1", AddressClass::kPrivate},
      {"fe80::1", AddressClass::kPrivate},
      {"::", AddressClass::kPrivate},
      {"::ffff:10.0.0.1", AddressClass::kPrivate},
      {"8.8.8.8", AddressClass::kPublic},
      {"172.32.0.1", AddressClass::kPublic},
      {"93.184.216.34", AddressClass::kPublic},
      {"2606:4700::1111", AddressClass::kPublic},
  };
  for (const auto& c : cases) EXPECT_EQ(Classify(c.ip), c.expected) << c.ip;
}

TEST(RetryAfterTest, SecondsAndHttpDates) {
  const long long now = 1700000000;  // Tue, 14 Nov 2023 22:13:20 GMT
  EXPECT_EQ(ParseRetryAfter("120", now), std::chrono::seconds(120));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), std::chrono::seconds(0));
  EXPECT_EQ(ParseRetryAfter("Tue, 14 Nov 2023 22:14:20 GMT", now), std::chrono::seconds(60));
  EXPECT_EQ(ParseRetryAfter("Mon, 13 Nov 2023 00:00:00 GMT", now), std::chrono::seconds(0));
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
}

TEST(CharsetOfTest, ReadsTheParameter) {
  EXPECT_EQ(CharsetOf("text/html; charset=UTF-8"), "utf-8");
  EXPECT_EQ(CharsetOf("text/html;charset=\"windows-1258\""), "windows-1258");
  EXPECT_EQ(CharsetOf("text/html; charset=iso-8859-1; foo=bar"), "iso-8859-1");
  EXPECT_EQ(CharsetOf("text/html"), "");
  EXPECT_EQ(CharsetOf(""), "");
}

TEST(FetchTargetTest, SplitsHostKeyAndPath) {
  struct Case {
    const char* url;
    const char* want_url;  // "" = rejected
    const char* want_host_key;
    const char* want_path_and_query;
  };
  const std::vector<Case> cases = {
      {"HTTP://News.Example.COM/a/b?x=1#frag", "http://news.example.com/a/b?x=1#frag",
       "http://news.example.com", "/a/b?x=1"},
      {"https://example.com", "https://example.com/", "https://example.com", "/"},
      {"https://example.com:443/a", "https://example.com:443/a", "https://example.com", "/a"},
      {"http://example.com:80/a", "http://example.com:80/a", "http://example.com", "/a"},
      {"http://127.0.0.1:8081/x?", "http://127.0.0.1:8081/x?", "http://127.0.0.1:8081", "/x?"},
      {"https://example.com:80/", "https://example.com:80/", "https://example.com:80", "/"},
      {"http://[::1]:8080/p", "http://[::1]:8080/p", "http://[::1]:8080", "/p"},
      {"http://example.com/a/../b/./c?q", "http://example.com/b/c?q", "http://example.com",
       "/b/c?q"},
      {"ftp://example.com/", "", "", ""},
      {"/relative", "", "", ""},
      {"http://", "", "", ""},
      {"not a url", "", "", ""},
  };
  for (const Case& c : cases) {
    auto t = ParseFetchTarget(c.url);
    if (std::string(c.want_url).empty()) {
      EXPECT_FALSE(t) << c.url;
      continue;
    }
    ASSERT_TRUE(t) << c.url;
    EXPECT_EQ(t->url, c.want_url);
    EXPECT_EQ(t->host_key, c.want_host_key) << c.url;
    EXPECT_EQ(t->path_and_query, c.want_path_and_query) << c.url;
  }
}

TEST(FetchTargetTest, HostKeyIsTheOriginTheDaemonAndTheClusterUse) {
  for (const char* url :
       {"https://Example.COM/a?b", "http://example.com:8080/", "https://x.y:443/"}) {
    auto parsed = ParseUrl(url);
    ASSERT_TRUE(parsed.ok());
    auto t = ParseFetchTarget(url);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->host_key, parsed->Origin()) << url;
  }
}

TEST(FetchOutcomeTest, OneClassificationOfTransientFailures) {
  struct Case {
    FetchOutcome outcome;
    int status;
    bool want_transient;
  };
  const std::vector<Case> cases = {
      {FetchOutcome::kOk, 200, false},
      {FetchOutcome::kNotModified, 304, false},
      {FetchOutcome::kHttp3xx, 302, false},
      {FetchOutcome::kHttp4xx, 404, false},
      {FetchOutcome::kHttp4xx, 429, true},  // too many requests: later
      {FetchOutcome::kHttp4xx, 0, false},
      {FetchOutcome::kHttp5xx, 503, true},
      {FetchOutcome::kTimeout, 0, true},
      {FetchOutcome::kConnect, 0, true},
      {FetchOutcome::kNetwork, 0, true},
      {FetchOutcome::kDns, 0, true},
      {FetchOutcome::kRobotsUnavailable, 0, true},
      {FetchOutcome::kHostUnavailable, 0, true},
      {FetchOutcome::kRobotsDisallowed, 0, false},
      {FetchOutcome::kTooLarge, 200, false},
      {FetchOutcome::kTls, 0, false},
      {FetchOutcome::kRefusedPrivate, 0, false},
      {FetchOutcome::kRedirectLoop, 301, false},
      {FetchOutcome::kTooManyRedirects, 301, false},
      {FetchOutcome::kInvalidUrl, 0, false},
      {FetchOutcome::kCancelled, 0, false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsTransientOutcome(c.outcome, c.status), c.want_transient)
        << FetchOutcomeName(c.outcome) << " " << c.status;
  }
  EXPECT_FALSE(IsTransientOutcome(FetchOutcome::kHttp4xx));  // without the status: not 429
}

TEST(FetchOutcomeTest, OutcomeOfAResponse) {
  struct Case {
    FetchOutcome transport;
    int status;
    FetchOutcome want;
  };
  const std::vector<Case> cases = {
      {FetchOutcome::kOk, 200, FetchOutcome::kOk},
      {FetchOutcome::kOk, 204, FetchOutcome::kOk},
      {FetchOutcome::kOk, 304, FetchOutcome::kNotModified},
      {FetchOutcome::kOk, 301, FetchOutcome::kHttp3xx},
      {FetchOutcome::kOk, 404, FetchOutcome::kHttp4xx},
      {FetchOutcome::kOk, 429, FetchOutcome::kHttp4xx},
      {FetchOutcome::kOk, 503, FetchOutcome::kHttp5xx},
      {FetchOutcome::kOk, 101, FetchOutcome::kHttp5xx},  // not a final answer
      {FetchOutcome::kTimeout, 200, FetchOutcome::kTimeout},
      {FetchOutcome::kTooLarge, 200, FetchOutcome::kTooLarge},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(OutcomeOfResponse(c.transport, c.status), c.want)
        << FetchOutcomeName(c.transport) << " " << c.status;
  }
}

TEST(Iso8601Test, FormatsUnixMilliseconds) {
  EXPECT_EQ(Iso8601FromUnixMs(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(Iso8601FromUnixMs(1'767'225'600'123), "2026-01-01T00:00:00.123Z");
  EXPECT_EQ(Iso8601FromUnixMs(-1), "1969-12-31T23:59:59.999Z");
}

}  // namespace
}  // namespace newscrawl::crawler
