// Dedup through Ingest: canonical URLs, versions, exact aliases, near-duplicates, and articles
// that must stay apart.
#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

#include "common/article_identity.h"
#include "common/fingerprint.h"
#include "store/store.h"
#include "tests/store/test_util.h"

namespace newscrawl::store {
namespace {

using testing::MakeArticle;
using testing::MakeParagraph;
using testing::MakeText;
using testing::TempDir;

class DedupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  IngestResult Ingest(const Article& a) {
    auto r = store_->Ingest(a);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : IngestResult{Article{}, EventKind::kNone, {}};
  }
  IngestResult Ingest(const std::string& url, const std::string& text) {
    return Ingest(MakeArticle(url, text));
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(DedupTest, UrlVariantsOfOneArticleFoldIntoIt) {
  const std::string text = MakeText(1);
  IngestResult first = Ingest("https://news.example.com/world/story-1", text);
  EXPECT_EQ(first.event, EventKind::kNew);
  EXPECT_EQ(first.record.canonical_url, "https://news.example.com/world/story-1");
  EXPECT_EQ(first.record.id, ArticleIdFor("https://news.example.com/world/story-1"));
  const char* variants[] = {
      "https://News.Example.COM:443/world/story-1",         // case, default port
      "https://news.example.com/world/./story-1#comments",  // dot segment, fragment
      "https://news.example.com/world/story-1?utm_source=tw&utm_medium=social",  // tracking
      "https://news.example.com/world/x/../story-1?fbclid=abc",                  // dots, fbclid
      "https://news.example.com/%77orld/story-1",  // percent-encoded unreserved character
  };
  for (const char* url : variants) {
    IngestResult r = Ingest(url, text);
    EXPECT_EQ(r.event, EventKind::kNone) << url;
    EXPECT_EQ(r.record.id, first.record.id) << url;
    EXPECT_EQ(r.record.seq, 1u) << url;
  }
  EXPECT_EQ(store_->LastSeq(), 1u);
  // An id-like query parameter names another article.
  IngestResult other = Ingest("https://news.example.com/world/story-1?id=2", MakeText(2));
  EXPECT_EQ(other.event, EventKind::kNew);
  EXPECT_NE(other.record.id, first.record.id);
}

TEST_F(DedupTest, SameSiteRelCanonicalIsTheKeyAndTheFetchedUrlFindsIt) {
  Article a = MakeArticle("https://m.news.example.com/story-9?utm_campaign=x", MakeText(9));
  a.canonical_url = "https://www.news.example.com/story-9";
  IngestResult r = Ingest(a);
  EXPECT_EQ(r.event, EventKind::kNew);
  EXPECT_EQ(r.record.canonical_url, "https://www.news.example.com/story-9");
  EXPECT_EQ(r.record.url, a.url);
  // Fetching the canonical URL itself later is the same article.
  EXPECT_EQ(Ingest("https://www.news.example.com/story-9", MakeText(9)).event, EventKind::kNone);
  auto by_fetched = store_->GetByUrl("https://m.news.example.com/story-9");
  ASSERT_TRUE(by_fetched.ok()) << by_fetched.status().ToString();
  EXPECT_EQ(by_fetched->id, r.record.id);
}

// Issue #12: an AMP (or print) rendering names its canonical page, and lacks some of its text
// (lead, caption, byline): it is an alias of the article, never a version of it.
TEST_F(DedupTest, AmpAndCanonicalRenderingsOfOneStoryAreOneRecord) {
  // Two sites, two stories (with the same text they would be duplicates of each other).
  auto body = [](const std::string& host) { return MakeText(host[0] == 'a' ? 21 : 23); };
  auto canonical_text = [&](const std::string& host) {
    return MakeParagraph(2101, 1) + "\n" + body(host) + "\nPhoto: a caption.";
  };
  auto canonical_page = [&](const std::string& host) {
    Article a = MakeArticle("https://" + host + "/news/story-21.html", canonical_text(host));
    a.title = "Story 21";
    a.published_at = "2026-01-02T03:04:05+07:00";
    return a;
  };
  auto amp_page = [&](const std::string& host) {
    Article a = MakeArticle("https://" + host + "/amp/news/story-21.html", body(host));
    a.title = "Story 21";
    a.published_at = "2026-01-02T03:04:05+07:00";
    a.canonical_url = "https://" + host + "/news/story-21.html";
    return a;
  };
  // Canonical first: the AMP page adds its URL, nothing else.
  IngestResult first = Ingest(canonical_page("a.example.com"));
  EXPECT_EQ(first.event, EventKind::kNew);
  IngestResult amp = Ingest(amp_page("a.example.com"));
  EXPECT_EQ(amp.event, EventKind::kNone);
  EXPECT_EQ(amp.record.version, 1u);
  EXPECT_EQ(amp.record.text, canonical_text("a"));  // the stored record stays the canonical page's
  auto by_amp = store_->GetByUrl("https://a.example.com/amp/news/story-21.html");
  ASSERT_TRUE(by_amp.ok()) << by_amp.status().ToString();
  EXPECT_EQ(by_amp->id, first.record.id);
  EXPECT_EQ(Ingest(amp_page("a.example.com")).event, EventKind::kNone);  // and again: nothing
  // AMP first (its canonical page could not be had then): stored from the alias; the canonical
  // page replaces it once, as a version naming what its text adds; the alias again changes nothing.
  IngestResult from_amp = Ingest(amp_page("b.example.com"));
  EXPECT_EQ(from_amp.event, EventKind::kNew);
  EXPECT_EQ(from_amp.record.canonical_url, "https://b.example.com/news/story-21.html");
  IngestResult upgraded = Ingest(canonical_page("b.example.com"));
  EXPECT_EQ(upgraded.event, EventKind::kVersion);
  EXPECT_EQ(upgraded.record.id, from_amp.record.id);
  EXPECT_EQ(upgraded.record.changed, std::vector<std::string>{"text"});
  EXPECT_EQ(Ingest(amp_page("b.example.com")).event, EventKind::kNone);
  EXPECT_EQ(Ingest(canonical_page("b.example.com")).event, EventKind::kNone);
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->counters.articles, 2u);  // one per site
  EXPECT_EQ(store_->LastSeq(), 3u);
  EXPECT_TRUE(store_->Verify().ok());
}

TEST_F(DedupTest, AVersionNamesWhatChangedAndRenderingNoiseIsNoChange) {
  Article a = MakeArticle("https://news.example.com/politics/vote", MakeText(22));
  a.title = "Parliament votes on the budget";
  a.published_at = "2026-03-01T08:00:00+07:00";
  a.images = {{"https://cdn.example.com/vote.jpg?utm_source=x", "The chamber"}};
  EXPECT_EQ(Ingest(a).event, EventKind::kNew);
  // Whitespace in the title or text, another image URL: rendering, not a change.
  Article noise = a;
  noise.title = "  Parliament votes   on the budget ";
  noise.text = a.text + "\n\n";
  noise.images = {{"https://cdn.example.com/vote.jpg?utm_source=y&w=640", "The chamber"}};
  EXPECT_EQ(Ingest(noise).event, EventKind::kNone);
  Article retitled = a;
  retitled.title = "Parliament passes the budget";
  IngestResult r = Ingest(retitled);
  EXPECT_EQ(r.event, EventKind::kVersion);
  EXPECT_EQ(r.record.changed, std::vector<std::string>{"title"});
  Article edited = retitled;
  edited.text = a.text;
  edited.text.replace(edited.text.find(' '), 1, " not ");  // one sentence edited
  edited.modified_at = "2026-03-01T09:30:00+07:00";
  r = Ingest(edited);
  EXPECT_EQ(r.event, EventKind::kVersion);
  EXPECT_EQ(r.record.changed, (std::vector<std::string>{"text", "modified_at"}));
  EXPECT_EQ(r.record.version, 3u);
  // The feed carries the field as stored.
  auto json = store_->GetRecordJson(r.record.id, 3);
  ASSERT_TRUE(json.ok());
  EXPECT_NE(json->find(R"("changed":["text","modified_at"])"), std::string::npos) << *json;
  auto first = store_->GetRecordJson(r.record.id, 1);
  ASSERT_TRUE(first.ok());
  EXPECT_NE(first->find(R"("changed":[])"), std::string::npos) << *first;
}

TEST_F(DedupTest, RelCanonicalOfAnotherSiteIsIgnored) {
  Article a = MakeArticle("https://blog.example.org/post", MakeText(3));
  a.canonical_url = "https://victim.example.com/their-story";
  IngestResult r = Ingest(a);
  EXPECT_EQ(r.record.canonical_url, "https://blog.example.org/post");
  EXPECT_EQ(store_->GetByUrl("https://victim.example.com/their-story").status().code(),
            StatusCode::kNotFound);
}

TEST_F(DedupTest, IdenticalReingestIsIdempotent) {
  Article a = MakeArticle("https://news.example.com/a", MakeText(4));
  EXPECT_EQ(Ingest(a).event, EventKind::kNew);
  // Whitespace and line breaks do not change the normalised text.
  Article again = a;
  again.text = "  " + a.text + "\n\n";
  for (int i = 0; i < 3; ++i) {
    IngestResult r = Ingest(again);
    EXPECT_EQ(r.event, EventKind::kNone);
    EXPECT_EQ(r.record.version, 1u);
    EXPECT_EQ(r.record.text, a.text);  // the stored record, not the input
  }
  EXPECT_EQ(store_->LastSeq(), 1u);
  EXPECT_TRUE(store_->Verify().ok());
}

TEST_F(DedupTest, ChangedTextIsANewVersionOfTheSameArticle) {
  std::string v1 = MakeText(5);
  std::string v2 = v1 + "\nUpdate: " + MakeParagraph(555, 2);
  IngestResult first = Ingest("https://news.example.com/live", v1);
  IngestResult second = Ingest("https://news.example.com/live", v2);
  EXPECT_EQ(second.event, EventKind::kVersion);
  EXPECT_EQ(second.record.id, first.record.id);
  EXPECT_EQ(second.record.version, 2u);
  EXPECT_EQ(second.record.seq, 2u);
  EXPECT_TRUE(second.record.duplicate_of.empty());
  // What Ingest returns is exactly what is stored (and what the feed carries).
  EXPECT_EQ(store_->GetRecordJson(first.record.id, 2).value_or(""), ArticleToJson(second.record));
  auto latest = store_->GetById(first.record.id);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->text, v2);
  auto old = store_->GetRecordJson(first.record.id, 1);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(ArticleFromJson(*old).value().text, v1);
  // Re-ingesting the older text is a change again (the page went back): version 3.
  EXPECT_EQ(Ingest("https://news.example.com/live", v1).record.version, 3u);
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->counters.articles, 1u);
  EXPECT_EQ(stats->counters.versions, 3u);
}

TEST_F(DedupTest, SameTextAtAnotherUrlIsAnExactAlias) {
  std::string text = MakeText(6);
  IngestResult original = Ingest("https://news.example.com/story", text);
  // AMP copy: same words, different line breaks.
  std::string amp_text = text;
  for (char& c : amp_text)
    if (c == '\n') c = ' ';
  IngestResult amp = Ingest("https://amp.news-cdn.example.net/story.amp", amp_text);
  EXPECT_EQ(amp.event, EventKind::kDuplicate);
  EXPECT_EQ(amp.record.duplicate_of, original.record.id);
  EXPECT_NE(amp.record.id, original.record.id);
  EXPECT_EQ(amp.record.seq, 2u);
  EXPECT_EQ(store_->GetRecordJson(amp.record.id, 1).value_or(""), ArticleToJson(amp.record));
  auto stored = store_->GetByUrl("https://amp.news-cdn.example.net/story.amp");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->duplicate_of, original.record.id);
  // A third copy points at the original too, not at the alias.
  EXPECT_EQ(Ingest("https://print.example.com/s", text).record.duplicate_of, original.record.id);
  auto stats = store_->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->counters.duplicates, 2u);
}

TEST_F(DedupTest, EditedCopyElsewhereIsANearDuplicate) {
  std::vector<std::string> paragraphs;
  for (int p = 0; p < 8; ++p) paragraphs.push_back(MakeParagraph(7000 + p));
  auto join = [](const std::vector<std::string>& ps) {
    std::string out;
    for (const auto& p : ps) out += (out.empty() ? "" : "\n") + p;
    return out;
  };
  IngestResult original = Ingest("https://news.example.com/original", join(paragraphs));
  // Syndicated copy: a different headline, one sentence edited, the last paragraph cut, and the
  // syndicator's own line at the end.
  std::vector<std::string> copy = paragraphs;
  copy[2] = "Officials later corrected the figure. " + copy[2].substr(copy[2].find(". ") + 2);
  copy.pop_back();
  copy.push_back("This story was first published by News Example and is republished here.");
  Article syndicated = MakeArticle("https://aggregator.example.org/n/123", join(copy));
  syndicated.title = "A different headline";
  IngestResult dup = Ingest(syndicated);
  EXPECT_EQ(dup.event, EventKind::kDuplicate);
  EXPECT_EQ(dup.record.duplicate_of, original.record.id);
  EXPECT_NE(dup.record.content_hash, original.record.content_hash);
}

TEST_F(DedupTest, DifferentArticlesOfOneSiteStayApart) {
  // Same site, same template: the extracted texts share a trailer line but nothing else.
  const std::string trailer = "Follow News Example on social media for the latest updates.";
  for (int i = 0; i < 40; ++i) {
    std::string text = MakeText(100 + i, 4) + "\n" + trailer;
    IngestResult r = Ingest("https://news.example.com/2024/story-" + std::to_string(i), text);
    EXPECT_EQ(r.event, EventKind::kNew) << i;
    EXPECT_TRUE(r.record.duplicate_of.empty()) << i;
  }
  EXPECT_EQ(store_->LastSeq(), 40u);
}

TEST_F(DedupTest, IndexesFollowTheLatestVersion) {
  std::string t1 = MakeText(8), t2 = MakeText(9);
  IngestResult a1 = Ingest("https://news.example.com/a", t1);
  IngestResult a2 = Ingest("https://news.example.com/a", t2);
  EXPECT_EQ(a2.event, EventKind::kVersion);
  // The replaced text no longer makes a duplicate; the current one does.
  EXPECT_EQ(Ingest("https://other.example.com/x", t1).event, EventKind::kNew);
  IngestResult copy = Ingest("https://other.example.com/y", t2);
  EXPECT_EQ(copy.event, EventKind::kDuplicate);
  EXPECT_EQ(copy.record.duplicate_of, a1.record.id);
  EXPECT_TRUE(store_->Verify().ok()) << store_->Verify().ToString();
}

TEST_F(DedupTest, NonArticlesAndBadUrlsAreRefused) {
  Article listing = MakeArticle("https://news.example.com/", MakeText(10));
  listing.is_article = false;
  listing.not_article_reason = "listing_page";
  EXPECT_EQ(store_->Ingest(listing).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Ingest(MakeArticle("not a url", MakeText(11))).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->LastSeq(), 0u);
}

// Ingests racing each other decide as if one after the other: each decision sees every earlier
// one, also while its batch waits to be written in a commit group.
TEST_F(DedupTest, ConcurrentIngestsDecideAsIfSerial) {
  constexpr int kThreads = 4, kStories = 30;
  std::vector<std::vector<IngestResult>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kStories; ++i) {
        // Every thread stores story i under its own URL (one original, three duplicates
        // between them) and a version at the shared URL of story i % 5.
        results[t].push_back(
            Ingest("https://t" + std::to_string(t) + ".example/s/" + std::to_string(i),
                   MakeText(500 + i, 3)));
        Ingest("https://shared.example/s/" + std::to_string(i % 5), MakeText(900 + t * 100 + i, 3));
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kStories; ++i) {
    int originals = 0, duplicates = 0;
    std::string original_id;
    for (int t = 0; t < kThreads; ++t) {
      const IngestResult& r = results[t][i];
      if (r.event == EventKind::kNew) ++originals, original_id = r.record.id;
      if (r.event == EventKind::kDuplicate) ++duplicates;
    }
    EXPECT_EQ(originals, 1) << "story " << i;
    EXPECT_EQ(duplicates, kThreads - 1) << "story " << i;
    for (int t = 0; t < kThreads; ++t)
      if (results[t][i].event == EventKind::kDuplicate)
        EXPECT_EQ(results[t][i].record.duplicate_of, original_id) << "story " << i;
  }
  // Every shared URL got one version per ingest (all texts differ).
  for (int s = 0; s < 5; ++s) {
    auto a = store_->GetByUrl("https://shared.example/s/" + std::to_string(s));
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(a->version, static_cast<uint32_t>(kThreads * kStories / 5)) << s;
  }
  EXPECT_EQ(store_->LastSeq(), static_cast<uint64_t>(2 * kThreads * kStories));
  EXPECT_TRUE(store_->Verify().ok()) << store_->Verify().ToString();
}

// The identity computed once (IdentifyArticle, as the daemon does to claim an article first)
// files the article exactly where Ingest(article) alone would.
TEST_F(DedupTest, IngestWithAComputedIdentityStoresTheSameRecord) {
  Article a = MakeArticle("https://news.example.com/story.amp?utm_source=x", MakeText(7));
  a.canonical_url = "https://news.example.com/story";
  auto identity = IdentifyArticle(a);
  ASSERT_TRUE(identity.ok());
  auto with_identity = store_->Ingest(a, *identity);
  ASSERT_TRUE(with_identity.ok()) << with_identity.status().ToString();
  EXPECT_EQ(with_identity->event, EventKind::kNew);
  EXPECT_EQ(with_identity->record.id, ArticleIdFor("https://news.example.com/story"));
  EXPECT_EQ(with_identity->record.canonical_url, "https://news.example.com/story");
  EXPECT_EQ(with_identity->record.content_hash, ContentHash(a.text));
  EXPECT_EQ(with_identity->record.simhash, SimHash64(a.text));
  IngestResult again = Ingest(a);  // the same article without a precomputed identity
  EXPECT_EQ(again.event, EventKind::kNone);
  EXPECT_EQ(again.record, with_identity->record);
}

// Records are served and published as stored: the ingest's JSON, the change feed's and the
// lookups' are the same bytes, and parse to the record Ingest returned.
TEST_F(DedupTest, StoredJsonIsServedAsStored) {
  IngestResult first = Ingest("https://news.example.com/a", MakeText(8));
  ASSERT_EQ(first.event, EventKind::kNew);
  EXPECT_EQ(first.record_json, ArticleToJson(first.record));
  auto by_id = store_->GetJsonById(first.record.id);
  ASSERT_TRUE(by_id.ok()) << by_id.status().ToString();
  EXPECT_EQ(*by_id, first.record_json);
  auto by_url = store_->GetJsonByUrl("https://news.example.com/a?utm_source=x");
  ASSERT_TRUE(by_url.ok()) << by_url.status().ToString();
  EXPECT_EQ(*by_url, first.record_json);
  std::string feed_json;
  ASSERT_TRUE(store_
                  ->ForEachChange(0, 0,
                                  [&](const ChangeEvent&, std::string_view json) {
                                    feed_json = std::string(json);
                                    return true;
                                  })
                  .ok());
  EXPECT_EQ(feed_json, first.record_json);
  // An identical re-ingest writes nothing and returns the stored record and JSON.
  IngestResult same = Ingest("https://news.example.com/a", MakeText(8));
  EXPECT_EQ(same.event, EventKind::kNone);
  EXPECT_EQ(same.record_json, first.record_json);
  EXPECT_EQ(same.record, first.record);
  EXPECT_EQ(store_->GetJsonById("0123456789abcdef").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->GetJsonByUrl("https://news.example.com/none").status().code(),
            StatusCode::kNotFound);
}

}  // namespace
}  // namespace newscrawl::store
