// The change feed: ordering, event kinds, resuming after a seq, cursors, waiting, concurrency.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "store/change_feed.h"
#include "store/store.h"
#include "tests/store/test_util.h"

namespace newscrawl::store {
namespace {

using testing::MakeArticle;
using testing::MakeText;
using testing::TempDir;

struct Seen {
  uint64_t seq;
  std::string kind;
  nlohmann::json line;
};

std::vector<Seen> ReadFeed(const Store& store, uint64_t after, size_t limit = 0) {
  std::vector<Seen> out;
  Status s = store.ForEachChange(after, limit, [&](const ChangeEvent& e, std::string_view json) {
    std::string line;
    AppendFeedLine(e, json, &line);
    out.push_back({e.seq, EventKindName(e.kind), nlohmann::json::parse(line)});
    return true;
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

class ChangeFeedTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    store_.reset();
    auto store = Store::Open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  // new a, new b, version of a, duplicate of b, new c.
  void IngestFiveEvents() {
    ASSERT_TRUE(store_->Ingest(MakeArticle("https://n.example/a", MakeText(1))).ok());
    ASSERT_TRUE(store_->Ingest(MakeArticle("https://n.example/b", MakeText(2))).ok());
    ASSERT_TRUE(store_->Ingest(MakeArticle("https://n.example/a", MakeText(3))).ok());
    ASSERT_TRUE(store_->Ingest(MakeArticle("https://m.example/b-copy", MakeText(2))).ok());
    ASSERT_TRUE(store_->Ingest(MakeArticle("https://n.example/b", MakeText(2))).ok());  // none
    ASSERT_TRUE(store_->Ingest(MakeArticle("https://n.example/c", MakeText(4))).ok());
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(ChangeFeedTest, EventsComeInSeqOrderWithKindsAndFullRecords) {
  IngestFiveEvents();
  auto feed = ReadFeed(*store_, 0);
  ASSERT_EQ(feed.size(), 5u);
  const char* kinds[] = {"new", "new", "version", "duplicate", "new"};
  for (size_t i = 0; i < feed.size(); ++i) {
    EXPECT_EQ(feed[i].seq, i + 1);
    EXPECT_EQ(feed[i].kind, kinds[i]);
    EXPECT_EQ(feed[i].line["event"], kinds[i]);
    EXPECT_EQ(feed[i].line["seq"], i + 1);
    EXPECT_EQ(feed[i].line["schema"], 1);
  }
  EXPECT_EQ(feed[2].line["version"], 2);
  EXPECT_EQ(feed[2].line["text"], MakeText(3));
  EXPECT_EQ(feed[3].line["duplicate_of"], feed[1].line["id"]);
  EXPECT_EQ(feed[3].line["url"], "https://m.example/b-copy");
  // The line without "event" is exactly the stored article record.
  nlohmann::json record = feed[0].line;
  record.erase("event");
  auto article = ArticleFromJson(record.dump());
  ASSERT_TRUE(article.ok());
  EXPECT_EQ(article->text, MakeText(1));
}

TEST_F(ChangeFeedTest, ResumingAfterASeqSeesEveryLaterEventOnce) {
  IngestFiveEvents();
  auto tail = ReadFeed(*store_, 3);
  ASSERT_EQ(tail.size(), 2u);
  EXPECT_EQ(tail[0].seq, 4u);
  EXPECT_EQ(tail[1].seq, 5u);
  auto page = ReadFeed(*store_, 1, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].seq, 2u);
  EXPECT_EQ(page[1].seq, 3u);
  EXPECT_TRUE(ReadFeed(*store_, 5).empty());
  // Paging through in steps of 2 yields each event exactly once.
  std::vector<uint64_t> seqs;
  for (uint64_t after = 0;;) {
    auto chunk = ReadFeed(*store_, after, 2);
    if (chunk.empty()) break;
    for (const auto& e : chunk) seqs.push_back(e.seq);
    after = chunk.back().seq;
  }
  EXPECT_EQ(seqs, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
}

TEST_F(ChangeFeedTest, ConsumerCursorsSurviveAReopen) {
  IngestFiveEvents();
  EXPECT_EQ(store_->GetCursor("indexer").value_or(99), 0u);
  ASSERT_TRUE(store_->SetCursor("indexer", 3).ok());
  ASSERT_TRUE(store_->SetCursor("archive", 5).ok());
  Reopen();
  EXPECT_EQ(store_->GetCursor("indexer").value_or(0), 3u);
  EXPECT_EQ(store_->GetCursor("archive").value_or(0), 5u);
  EXPECT_EQ(store_->SetCursor("", 1).code(), StatusCode::kInvalidArgument);
  auto rest = ReadFeed(*store_, store_->GetCursor("indexer").value_or(0));
  ASSERT_EQ(rest.size(), 2u);
  EXPECT_EQ(rest[0].seq, 4u);
}

TEST_F(ChangeFeedTest, WaitForChangesWakesUpOnIngest) {
  EXPECT_EQ(store_->WaitForChanges(0, std::chrono::milliseconds(10)), 0u);
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(store_->Ingest(MakeArticle("https://n.example/late", MakeText(7))).ok());
  });
  EXPECT_EQ(store_->WaitForChanges(0, std::chrono::seconds(10)), 1u);
  writer.join();
}

TEST_F(ChangeFeedTest, ConcurrentIngestsGetGapFreeSequenceNumbers) {
  constexpr int kThreads = 4, kPerThread = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        int n = t * kPerThread + i;
        auto r = store_->Ingest(
            MakeArticle("https://n.example/t/" + std::to_string(n), MakeText(1000 + n, 3)));
        EXPECT_TRUE(r.ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  auto feed = ReadFeed(*store_, 0);
  ASSERT_EQ(feed.size(), static_cast<size_t>(kThreads * kPerThread));
  for (size_t i = 0; i < feed.size(); ++i) EXPECT_EQ(feed[i].seq, i + 1);
  EXPECT_TRUE(store_->Verify().ok()) << store_->Verify().ToString();
}

}  // namespace
}  // namespace newscrawl::store
