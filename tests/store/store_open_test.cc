// Opening stores: creation, reopening, format versions, foreign directories, locks, followers,
// the reserved key-value spaces.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <fstream>
#include <memory>

#include "store/keys.h"
#include "store/store.h"
#include "tests/store/test_util.h"

namespace newscrawl::store {
namespace {

using testing::MakeArticle;
using testing::MakeText;
using testing::TempDir;

std::unique_ptr<Store> OpenOrDie(const std::string& path, StoreOptions options = {}) {
  auto store = Store::Open(path, options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(store).value() : nullptr;
}

// Rewrites the format version of a closed store with plain RocksDB.
void SetFormatVersion(const std::string& path, const std::string& version) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), path, descriptors, &handles, &db).ok());
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), kMetaFormatVersion, version).ok());
  for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  delete db;  // RocksDB's C++ API hands out a raw pointer
}

TEST(StoreOpenTest, CreatesThenReopensWithEverythingKept) {
  TempDir dir;
  std::string path = dir.Sub("db/nested");
  {
    auto store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->LastSeq(), 0u);
    ASSERT_TRUE(store->Ingest(MakeArticle("https://news.example/a", MakeText(1))).ok());
    ASSERT_TRUE(store->Ingest(MakeArticle("https://news.example/b", MakeText(2))).ok());
  }
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->LastSeq(), 2u);
  auto a = store->GetByUrl("https://news.example/a");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->text, MakeText(1));
  EXPECT_EQ(a->seq, 1u);
  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->counters.articles, 2u);
  EXPECT_EQ(stats->counters.versions, 2u);
  EXPECT_EQ(stats->last_seq, 2u);
  EXPECT_GT(stats->total_bytes, 0u);
  EXPECT_TRUE(store->Verify().ok()) << store->Verify().ToString();
  // The next event continues the sequence.
  auto c = store->Ingest(MakeArticle("https://news.example/c", MakeText(3)));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->record.seq, 3u);
}

TEST(StoreOpenTest, UnknownFormatVersionIsAClearError) {
  TempDir dir;
  { ASSERT_NE(OpenOrDie(dir.path()), nullptr); }
  SetFormatVersion(dir.path(), "99");
  auto store = Store::Open(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(store.status().message(),
            dir.path() +
                " has store format version 99; this build reads version 1 only (use a matching "
                "newscrawl build, or export and re-ingest)");
}

TEST(StoreOpenTest, RocksDbThatIsNotAStoreIsRefused) {
  TempDir dir;
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir.path(), &db).ok());
  delete db;
  auto store = Store::Open(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_NE(store.status().message().find("not a newscrawl store"), std::string::npos);
}

TEST(StoreOpenTest, NonEmptyForeignDirectoryIsRefusedAndLeftAlone) {
  TempDir dir;
  std::ofstream(dir.Sub("notes.txt")) << "my files";
  auto store = Store::Open(dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("is not a newscrawl store"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("CURRENT")));
}

TEST(StoreOpenTest, PathThatIsAFileIsRefused) {
  TempDir dir;
  std::ofstream(dir.Sub("file")) << "x";
  auto store = Store::Open(dir.Sub("file"));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
}

TEST(StoreOpenTest, MissingStoreWithoutCreateIsNotFound) {
  TempDir dir;
  StoreOptions options;
  options.create_if_missing = false;
  auto store = Store::Open(dir.Sub("absent"), options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kNotFound);
}

TEST(StoreOpenTest, SecondWriterIsToldTheStoreIsInUse) {
  TempDir dir;
  auto first = OpenOrDie(dir.path());
  ASSERT_NE(first, nullptr);
  auto second = Store::Open(dir.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(second.status().message().find("in use by another process"), std::string::npos);
}

TEST(StoreOpenTest, ReadOnlyFollowerSeesTheWritersProgress) {
  TempDir dir;
  auto writer = OpenOrDie(dir.path());
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Ingest(MakeArticle("https://news.example/a", MakeText(1))).ok());
  StoreOptions ro;
  ro.read_only = true;
  auto follower = OpenOrDie(dir.path(), ro);
  ASSERT_NE(follower, nullptr);
  EXPECT_EQ(follower->LastSeq(), 1u);
  ASSERT_TRUE(writer->Ingest(MakeArticle("https://news.example/b", MakeText(2))).ok());
  EXPECT_EQ(follower->WaitForChanges(1, std::chrono::seconds(5)), 2u);
  auto b = follower->GetByUrl("https://news.example/b");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->seq, 2u);
  auto write = follower->Ingest(MakeArticle("https://news.example/c", MakeText(3)));
  EXPECT_EQ(write.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(follower->SetCursor("x", 1).code(), StatusCode::kFailedPrecondition);
}

TEST(StoreOpenTest, ReadOnlyStoreReadsFlushedRecordsAndVerifies) {
  TempDir dir;
  {
    ASSERT_TRUE(
        OpenOrDie(dir.path())->Ingest(MakeArticle("https://n.example/a", MakeText(1))).ok());
  }
  { ASSERT_NE(OpenOrDie(dir.path()), nullptr); }  // recovery flushes the WAL into table files
  StoreOptions ro;
  ro.read_only = true;
  auto store = OpenOrDie(dir.path(), ro);
  ASSERT_NE(store, nullptr);
  int events = 0;
  ASSERT_TRUE(store
                  ->ForEachChange(0, 0,
                                  [&](const ChangeEvent&, std::string_view json) {
                                    ++events;
                                    return ArticleFromJson(json).ok();
                                  })
                  .ok());
  EXPECT_EQ(events, 1);
  EXPECT_TRUE(store->Verify().ok()) << store->Verify().ToString();
}

TEST(StoreOpenTest, ReservedSpacesAreSeparateDurableKeyValueStores) {
  TempDir dir;
  {
    auto store = OpenOrDie(dir.path());
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Put(ReservedSpace::kFrontier, "host1/a", "1").ok());
    ASSERT_TRUE(store->Put(ReservedSpace::kFrontier, "host1/b", "2").ok());
    ASSERT_TRUE(store->Put(ReservedSpace::kFrontier, "host2/a", "3").ok());
    ASSERT_TRUE(store->Put(ReservedSpace::kRobots, "host1/a", "robots").ok());
    ASSERT_TRUE(store->Delete(ReservedSpace::kFrontier, "host1/b").ok());
  }
  auto store = OpenOrDie(dir.path());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Get(ReservedSpace::kFrontier, "host1/a").value_or(""), "1");
  EXPECT_EQ(store->Get(ReservedSpace::kRobots, "host1/a").value_or(""), "robots");
  EXPECT_EQ(store->Get(ReservedSpace::kFrontier, "host1/b").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->Get(ReservedSpace::kHostState, "host1/a").status().code(),
            StatusCode::kNotFound);
  std::vector<std::string> seen;
  ASSERT_TRUE(store
                  ->Scan(ReservedSpace::kFrontier, "host1/",
                         [&](std::string_view k, std::string_view v) {
                           seen.push_back(std::string(k) + "=" + std::string(v));
                           return true;
                         })
                  .ok());
  EXPECT_EQ(seen, std::vector<std::string>{"host1/a=1"});
}

}  // namespace
}  // namespace newscrawl::store
