// Pure helpers: address classification, Retry-After, Content-Type charset, URL targets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>

#include "crawler/address_policy.h"
#include "crawler/curl_util.h"

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

TEST(ParseTargetTest, SplitsHostKeyAndPath) {
  auto t = ParseTarget("HTTP://News.Example.COM/a/b?x=1#frag");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->host_key, "http://news.example.com:80");
  EXPECT_EQ(t->path_and_query, "/a/b?x=1");
  auto s = ParseTarget("https://example.com");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->host_key, "https://example.com:443");
  EXPECT_EQ(s->path_and_query, "/");
  EXPECT_FALSE(ParseTarget("ftp://example.com/"));
  EXPECT_FALSE(ParseTarget("/relative"));
  EXPECT_FALSE(ParseTarget("http://"));
}

}  // namespace
}  // namespace newscrawl::crawler
