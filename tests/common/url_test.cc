#include "common/url.h"

#include <gtest/gtest.h>

namespace newscrawl {
namespace {

struct Case {
  const char* input;
  const char* expected;
};

// RFC 3986 §5.4.1 (normal) and §5.4.2 (abnormal) examples, base "http://a/b/c/d;p?q".
const Case kRfcResolutionCases[] = {
    {"g:h", "g:h"},
    {"g", "http://a/b/c/g"},
    {"./g", "http://a/b/c/g"},
    {"g/", "http://a/b/c/g/"},
    {"/g", "http://a/g"},
    {"//g", "http://g"},
    {"?y", "http://a/b/c/d;p?y"},
    {"g?y", "http://a/b/c/g?y"},
    {"#s", "http://a/b/c/d;p?q#s"},
    {"g#s", "http://a/b/c/g#s"},
    {"g?y#s", "http://a/b/c/g?y#s"},
    {";x", "http://a/b/c/;x"},
    {"g;x", "http://a/b/c/g;x"},
    {"g;x?y#s", "http://a/b/c/g;x?y#s"},
    {"", "http://a/b/c/d;p?q"},
    {".", "http://a/b/c/"},
    {"./", "http://a/b/c/"},
    {"..", "http://a/b/"},
    {"../", "http://a/b/"},
    {"../g", "http://a/b/g"},
    {"../..", "http://a/"},
    {"../../", "http://a/"},
    {"../../g", "http://a/g"},
    // Abnormal.
    {"../../../g", "http://a/g"},
    {"../../../../g", "http://a/g"},
    {"/./g", "http://a/g"},
    {"/../g", "http://a/g"},
    {"g.", "http://a/b/c/g."},
    {".g", "http://a/b/c/.g"},
    {"g..", "http://a/b/c/g.."},
    {"..g", "http://a/b/c/..g"},
    {"./../g", "http://a/b/g"},
    {"./g/.", "http://a/b/c/g/"},
    {"g/./h", "http://a/b/c/g/h"},
    {"g/../h", "http://a/b/c/h"},
    {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
    {"g;x=1/../y", "http://a/b/c/y"},
    {"g?y/./x", "http://a/b/c/g?y/./x"},
    {"g?y/../x", "http://a/b/c/g?y/../x"},
    {"g#s/./x", "http://a/b/c/g#s/./x"},
    {"g#s/../x", "http://a/b/c/g#s/../x"},
    {"http:g", "http:g"},  // strict parser
};

TEST(ResolveUrlTest, Rfc3986Examples) {
  Result<Url> base = ParseUrl("http://a/b/c/d;p?q");
  ASSERT_TRUE(base.ok()) << base.status().ToString();
  for (const Case& c : kRfcResolutionCases) {
    Result<Url> resolved = ResolveUrl(*base, c.input);
    ASSERT_TRUE(resolved.ok()) << c.input << ": " << resolved.status().ToString();
    EXPECT_EQ(resolved->ToString(), c.expected) << "reference: " << c.input;
  }
}

TEST(ResolveUrlTest, StringConvenience) {
  const Case kCases[] = {
      {"../img/x y.jpg", "https://example.com/img/x%20y.jpg"},
      {"//cdn.example.com/a.png", "https://cdn.example.com/a.png"},
      {"  /a\n/b\t ", "https://example.com/a/b"},
      {"https://OTHER.example/\xC3\xA4", "https://other.example/%C3%A4"},
      {"?page=2", "https://example.com/news/a.html?page=2"},
      {"http://[bad", ""},
      {"http://", ""},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(ResolveUrlString("https://example.com/news/a.html", c.input), c.expected)
        << "reference: " << c.input;
  }
  Result<Url> base = ParseUrl("https://example.com/news/a.html");
  ASSERT_TRUE(base.ok());
  for (const Case& c : kCases) EXPECT_EQ(ResolveUrlString(*base, c.input), c.expected) << c.input;
  EXPECT_EQ(ResolveUrlString("not a url", "x"), "");
  EXPECT_EQ(ResolveUrlString("https://example.com", "a"), "https://example.com/a");
}

TEST(ParseUrlTest, Components) {
  Result<Url> u = ParseUrl(" HTTPS://user:pw@Host.Example:8080/p/a?q=1#f ");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->scheme, "https");
  EXPECT_EQ(u->userinfo, "user:pw");
  EXPECT_EQ(u->host, "host.example");
  EXPECT_EQ(u->port, "8080");
  EXPECT_EQ(u->path, "/p/a");
  EXPECT_EQ(u->query, "q=1");
  EXPECT_EQ(u->fragment, "f");
  EXPECT_TRUE(u->has_query && u->has_fragment);
  EXPECT_EQ(u->EffectivePort(), 8080);
  EXPECT_EQ(u->Origin(), "https://host.example:8080");
  EXPECT_EQ(u->ToString(), "https://user:pw@host.example:8080/p/a?q=1#f");

  Result<Url> plain = ParseUrl("http://example.com");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->path, "");
  EXPECT_FALSE(plain->has_query);
  EXPECT_EQ(plain->EffectivePort(), 80);
  EXPECT_EQ(ParseUrl("https://example.com:443/")->Origin(), "https://example.com");
  EXPECT_EQ(ParseUrl("mailto:a@example.com")->EffectivePort(), 0);
  Url hand_filled;
  hand_filled.scheme = "http";
  hand_filled.host = "example.com";
  hand_filled.port = "8o";
  EXPECT_EQ(hand_filled.EffectivePort(), 0);
  hand_filled.port = "99999999999";
  EXPECT_EQ(hand_filled.EffectivePort(), 0);
  hand_filled.port = "";
  hand_filled.path = "/x";
  EXPECT_EQ(hand_filled.ToString(), "http://example.com/x");
  EXPECT_EQ(ParseUrl("http://example.com/?")->ToString(), "http://example.com/?");
}

TEST(ParseUrlTest, HostsIdnAndIpv6) {
  const Case kCases[] = {
      {"http://m\xC3\xBCnchen.de/", "xn--mnchen-3ya.de"},
      {"http://B\xC3\x9C"
       "CHER.example/",
       "xn--bcher-kva.example"},
      {"http://xn--mnchen-3ya.de/", "xn--mnchen-3ya.de"},
      {"http://[2001:DB8:0:0:0:0:0:1]:8080/x", "[2001:db8::1]"},
      {"http://[::1]/", "[::1]"},
      {"http://127.0.0.1:8080/", "127.0.0.1"},
      {"http://%65xample.com/", "example.com"},
      {"http://fa\xC3\x9F.de/", "xn--fa-hia.de"},  // nontransitional: ß kept
      {"http://example\xE3\x80\x82"
       "com/",
       "example.com"},  // IDEOGRAPHIC FULL STOP
      {"http://%C3%BC"
       "ber.example/",
       "xn--ber-goa.example"},  // escaped UTF-8
  };
  for (const Case& c : kCases) {
    Result<Url> u = ParseUrl(c.input);
    ASSERT_TRUE(u.ok()) << c.input << ": " << u.status().ToString();
    EXPECT_EQ(u->host, c.expected) << c.input;
  }
}

TEST(ParseUrlTest, ErrorsNameTheProblem) {
  const Case kCases[] = {
      {"example.com/a", "no scheme"},
      {"/relative/path", "no scheme"},
      {"", "no scheme"},
      {"http://", "empty host"},
      {"https:///path", "empty host"},
      {"http://example.com:abc/", "bad port"},
      {"http://example.com:70000/", "bad port"},
      {"http://[::1/", "bad IPv6"},
      {"http://[zz::1]/", "bad IPv6"},
      {"http://exa mple.com/", "bad host"},
      {"http://a\xE2\x80\xAE"
       "b.example/",
       "bad host"},  // RIGHT-TO-LEFT OVERRIDE: IDNA error
  };
  for (const Case& c : kCases) {
    Result<Url> u = ParseUrl(c.input);
    ASSERT_FALSE(u.ok()) << c.input;
    EXPECT_EQ(u.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(u.status().message().find(c.expected), std::string::npos)
        << c.input << " -> " << u.status().message();
  }
}

const Case kCanonicalCases[] = {
    {"HTTP://Example.COM:80/a/./b/../c?utm_source=x&id=5#frag", "http://example.com/a/c?id=5"},
    {"https://example.com:443", "https://example.com/"},
    {"https://example.com:0443/", "https://example.com/"},
    {"https://example.com:8443/x", "https://example.com:8443/x"},
    {"http://example.com:443/", "http://example.com:443/"},
    {"http://example.com/%7euser/%2fa%2Fb/%41", "http://example.com/~user/%2Fa%2Fb/A"},
    {"http://example.com/a b/\xC3\xA4", "http://example.com/a%20b/%C3%A4"},
    {"http://example.com/a%zz%4", "http://example.com/a%25zz%254"},
    {"http://example.com/?b=2&a=1&fbclid=xx&gclid=1", "http://example.com/?a=1&b=2"},
    {"http://example.com/?utm_source=a&utm_medium=b&UTM_Campaign=c", "http://example.com/"},
    {"http://example.com/story?id=123&p=2&ref_src=twsrc", "http://example.com/story?id=123&p=2"},
    {"http://example.com/s?msclkid=1&dclid=2&mc_cid=3&mc_eid=4&yclid=5&igshid=6&_ga=7&spm=8&x=9",
     "http://example.com/s?x=9"},
    {"http://example.com/?tag=b&tag=a", "http://example.com/?tag=b&tag=a"},
    {"http://example.com/?pk_id=5&article=7", "http://example.com/?article=7&pk_id=5"},
    {"http://example.com/path?&&a=1&&", "http://example.com/path?a=1"},
    {"http://example.com/?", "http://example.com/"},
    {"http://example.com/?q=a+b%2bc", "http://example.com/?q=a+b%2Bc"},
    {"http://m\xC3\xBCnchen.de", "http://xn--mnchen-3ya.de/"},
    {"http://[2001:DB8:0:0:0:0:0:1]:80/x", "http://[2001:db8::1]/x"},
    {"http://us%65r:p%61ss@example.com/", "http://user:pass@example.com/"},
    {"http://example.com./a", "http://example.com/a"},
    {"  http://example.com/a\n/b  ", "http://example.com/a/b"},
    {"http://example.com/a/%2E%2E/b", "http://example.com/b"},
    {"mailto:Someone@Example.com", "mailto:Someone@Example.com"},
};

TEST(CanonicalizeUrlTest, Table) {
  for (const Case& c : kCanonicalCases) {
    Result<std::string> canonical = CanonicalizeUrl(c.input);
    ASSERT_TRUE(canonical.ok()) << c.input << ": " << canonical.status().ToString();
    EXPECT_EQ(*canonical, c.expected) << "input: " << c.input;
    // Canonicalisation is idempotent.
    EXPECT_EQ(CanonicalizeUrl(*canonical).value_or("?"), *canonical) << c.input;
  }
}

TEST(CanonicalizeUrlTest, Options) {
  CanonicalizeOptions keep;
  keep.drop_fragment = false;
  keep.drop_tracking_params = false;
  keep.sort_query = false;
  EXPECT_EQ(CanonicalizeUrl("http://example.com/a?z=1&utm_source=x#Sec%7e", keep).value_or(""),
            "http://example.com/a?z=1&utm_source=x#Sec~");
  EXPECT_FALSE(CanonicalizeUrl("no scheme here").ok());
  EXPECT_EQ(CanonicalizeUrl("http://").status().code(), StatusCode::kInvalidArgument);
}

TEST(HostOfTest, LowerCaseHostOrEmpty) {
  EXPECT_EQ(HostOf("https://WWW.Example.com:8080/x"), "www.example.com");
  EXPECT_EQ(HostOf("https://[::1]:8080/"), "[::1]");
  EXPECT_EQ(HostOf("not a url"), "");
  EXPECT_EQ(HostOf(""), "");
}

TEST(SameSiteTest, IgnoresWwwMobileAmpPrefixes) {
  EXPECT_TRUE(SameSite("https://www.example.com/a", "http://m.example.com/b"));
  EXPECT_TRUE(SameSite("https://amp.example.com/a", "https://example.com/a"));
  EXPECT_TRUE(SameSite("https://mobile.example.com/", "https://EXAMPLE.com/"));
  EXPECT_FALSE(SameSite("https://example.com/", "https://example.org/"));
  EXPECT_FALSE(SameSite("https://news.example.com/", "https://example.com/"));
  EXPECT_FALSE(SameSite("https://evil-example.com/", "https://example.com/"));
  EXPECT_FALSE(SameSite("garbage", "garbage"));
}

}  // namespace
}  // namespace newscrawl

namespace newscrawl {
namespace {

// Random URL-ish strings (deterministic): nothing crashes (the suite runs under ASan/UBSan),
// and whatever canonicalises is a fixed point of canonicalisation.
TEST(UrlRobustnessTest, RandomInputsParseOrFailCleanlyAndCanonicalFormIsStable) {
  const std::string alphabet = "abcXYZ019:/?#[]@!$&'()*+,;=%-._~ \t\xC3\xA4\xE2\x80\x8B\xFF";
  const char* const prefixes[] = {"http://", "https://", "", "//", "HTTP://[", "http://a:"};
  uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>(state >> 33);
  };
  int parsed = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string input = prefixes[next() % 6];
    size_t length = next() % 40;
    for (size_t j = 0; j < length; ++j) input.push_back(alphabet[next() % alphabet.size()]);
    Result<std::string> canonical = CanonicalizeUrl(input);
    if (canonical.ok()) {
      ++parsed;
      Result<std::string> again = CanonicalizeUrl(*canonical);
      ASSERT_TRUE(again.ok()) << input << " -> " << *canonical;
      EXPECT_EQ(*again, *canonical) << input;
    }
    ResolveUrlString("https://example.com/a/b?c", input);  // must not crash
  }
  EXPECT_GT(parsed, 500);  // the generator does reach the parser's success paths
}

}  // namespace
}  // namespace newscrawl
