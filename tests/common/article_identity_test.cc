// ArticleIdentity: the one rule for the URL an article is stored under, its id and fingerprints
// (the store, the daemon's cluster claims and the cluster all call IdentifyArticle).
#include "common/article_identity.h"

#include <gtest/gtest.h>

#include "common/fingerprint.h"
#include "common/url.h"

namespace newscrawl {
namespace {

TEST(IdentifyArticle, IndexUrlIsTheSameSiteCanonicalElseTheFetchedUrl) {
  struct Case {
    const char* url;
    const char* canonical_url;
    const char* index_url;
  };
  const Case cases[] = {
      // Tracking parameters dropped, no canonical: the fetched URL.
      {"https://news.example.com/a?utm_source=x", "", "https://news.example.com/a"},
      // Same site: rel=canonical / og:url honoured (an AMP page names its article).
      {"https://news.example.com/a.amp", "https://news.example.com/canonical",
       "https://news.example.com/canonical"},
      // Another site: a page may not claim it; the fetched URL.
      {"https://news.example.com/a", "https://other.org/copy", "https://news.example.com/a"},
      // A canonical URL that does not parse is ignored.
      {"https://news.example.com/a", "::nonsense", "https://news.example.com/a"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.url) + " canonical " + c.canonical_url);
    Article a;
    a.url = c.url;
    a.canonical_url = c.canonical_url;
    auto identity = IdentifyArticleUrls(a);
    ASSERT_TRUE(identity.ok()) << identity.status().ToString();
    EXPECT_EQ(identity->index_url, c.index_url);
    EXPECT_EQ(identity->id, ArticleIdFor(c.index_url));
    EXPECT_EQ(identity->fetched_url, CanonicalizeUrl(c.url).value());
  }
}

TEST(IdentifyArticle, AnUnusableUrlIsAnErrorNamingIt) {
  Article a;
  a.url = "not a url";
  auto identity = IdentifyArticle(a);
  ASSERT_FALSE(identity.ok());
  EXPECT_NE(identity.status().message().find("not a url"), std::string::npos)
      << identity.status().ToString();
}

TEST(IdentifyArticle, FingerprintsTheTextOnceAndStampsTheRecord) {
  Article a;
  a.url = "https://news.example.com/a";
  a.canonical_url = "https://news.example.com/story";
  a.text = "One sentence of the story.\nAnd a second one, with more words in it.";
  auto identity = IdentifyArticle(a);
  ASSERT_TRUE(identity.ok());
  const TextFingerprints expected = FingerprintText(a.text);
  EXPECT_EQ(identity->text.content_hash, expected.content_hash);
  EXPECT_EQ(identity->text.simhash, expected.simhash);
  EXPECT_EQ(identity->text.shingles, expected.shingles);
  // The URL-only identity leaves the text alone.
  EXPECT_TRUE(IdentifyArticleUrls(a)->text.content_hash.empty());

  StampIdentity(*identity, &a);
  EXPECT_EQ(a.id, ArticleIdFor("https://news.example.com/story"));
  EXPECT_EQ(a.canonical_url, "https://news.example.com/story");
  EXPECT_EQ(a.content_hash, ContentHash(a.text));
  EXPECT_EQ(a.simhash, SimHash64(a.text));
  EXPECT_EQ(a.url, "https://news.example.com/a");  // the fetched URL stays
}

}  // namespace
}  // namespace newscrawl
