// NatsCluster against a real 3-node JetStream cluster (scripts/nats-cluster.sh), one per suite.
// Short leases (2 s, renewed every 0.5 s) keep the failover tests quick; every test uses its own
// stream/bucket prefix so tests do not see each other's state.
#include <gtest/gtest.h>
#include <nats/nats.h>

#include <sys/wait.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "cluster/article_reader.h"
#include "cluster/nats_cluster.h"
#include "common/article_identity.h"
#include "common/fingerprint.h"
#include "pipeline/cluster_host_key.h"
#include "store/near_dup.h"
#include "tests/cluster/nats_test_cluster.h"

namespace newscrawl::cluster {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr int kShards = 16;
constexpr auto kTtl = milliseconds(2000);
constexpr auto kRenew = milliseconds(500);
// The stated failover bound (ttl + renew interval) plus slack for a loaded machine under ASan.
constexpr auto kFailoverLimit = kTtl + kRenew + milliseconds(4000);

// What one instance's UrlSink received.
struct Sink {
  std::mutex mu;
  std::vector<pipeline::FrontierEntry> entries;
  std::set<std::string> replayed;  // URLs delivered as replays (routed before the shard was ours)
  pipeline::ClusterHooks::UrlSink Fn() {
    return [this](const pipeline::FrontierEntry& e, bool replayed) {
      std::lock_guard<std::mutex> lock(mu);
      entries.push_back(e);
      if (replayed) this->replayed.insert(e.url);
      return Status::Ok();
    };
  }
  std::set<std::string> Replayed() {
    std::lock_guard<std::mutex> lock(mu);
    return replayed;
  }
  std::vector<std::string> Urls() {
    std::lock_guard<std::mutex> lock(mu);
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.url);
    return out;
  }
};

struct Instance {
  MetricsRegistry metrics;  // outlives the cluster
  Sink sink;
  std::unique_ptr<NatsCluster> cluster;
};

class NatsClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    nats_ = new testing::NatsTestCluster();
    Status s = nats_->Start();
    if (!s.ok()) start_error_ = new std::string(s.ToString());
  }
  static void TearDownTestSuite() {
    delete nats_;
    nats_ = nullptr;
    delete start_error_;
    start_error_ = nullptr;
    nats_Close();
  }
  void SetUp() override {
    ASSERT_EQ(start_error_, nullptr) << *start_error_;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    prefix_ = std::string(info->name()) + "_";
  }
  void TearDown() override {
    for (auto& i : instances_) i->cluster->Stop();
    instances_.clear();
  }

  NatsClusterOptions Options(const std::string& name) {
    NatsClusterOptions o;
    o.urls = nats_->urls();
    o.instance_name = name;
    o.shards = kShards;
    o.lease_ttl = kTtl;
    o.renew_interval = kRenew;
    o.safety_margin = milliseconds(500);
    o.replicas = 3;
    o.name_prefix = prefix_;
    o.op_timeout = milliseconds(15000);
    // JetStream reserves max_bytes on every node: keep the many per-test streams small.
    o.url_max_bytes = 32 << 20;
    return o;
  }

  Instance& Add(const std::string& name, NatsClusterOptions* custom = nullptr) {
    auto inst = std::make_unique<Instance>();
    NatsClusterOptions o = custom != nullptr ? *custom : Options(name);
    o.metrics = &inst->metrics;
    inst->cluster = std::make_unique<NatsCluster>(o);
    Status s = inst->cluster->Start(inst->sink.Fn());
    EXPECT_TRUE(s.ok()) << s.ToString();
    instances_.push_back(std::move(inst));
    return *instances_.back();
  }

  // Fails (returns false) when two instances own the same shard in one sample.
  bool DisjointOwnership(std::string* why) {
    std::map<int, std::string> owner;
    for (auto& i : instances_) {
      for (int s : i->cluster->OwnedShards()) {
        auto [it, inserted] = owner.emplace(s, i->cluster->options().instance_name);
        if (!inserted) {
          *why = "shard " + std::to_string(s) + " owned by " + it->second + " and " +
                 i->cluster->options().instance_name;
          return false;
        }
      }
    }
    return true;
  }

  size_t TotalOwned() {
    size_t n = 0;
    for (auto& i : instances_) n += i->cluster->OwnedShards().size();
    return n;
  }

  // Waits until every shard is owned and each instance holds its fair share; checks
  // disjointness on every sample meanwhile.
  void WaitBalanced(milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      std::string why;
      ASSERT_TRUE(DisjointOwnership(&why)) << why;
      bool balanced = TotalOwned() == static_cast<size_t>(kShards);
      std::vector<std::string> names;
      for (auto& i : instances_) names.push_back(i->cluster->options().instance_name);
      for (auto& i : instances_)
        balanced = balanced && static_cast<int>(i->cluster->OwnedShards().size()) ==
                                   FairShare(names, i->cluster->options().instance_name, kShards);
      if (balanced) return;
      std::this_thread::sleep_for(milliseconds(20));
    }
    std::string state;
    for (auto& i : instances_)
      state += i->cluster->options().instance_name + ":" +
               std::to_string(i->cluster->OwnedShards().size()) + " ";
    FAIL() << "not balanced within " << limit.count() << " ms: " << state;
  }

  // A host whose shard is `shard`.
  static std::string HostOfShard(int shard, int salt = 0) {
    for (int i = salt * 100000;; ++i) {
      std::string host = "h" + std::to_string(i) + ".example";
      if (ShardOfHost(host, kShards) == shard) return host;
    }
  }

  static Article MakeArticle(const std::string& url, const std::string& text) {
    Article a;
    a.url = url;
    a.site = "example";
    a.title = "t";
    a.text = text;
    FillFingerprints(&a);
    a.id = IdentifyArticleUrls(a).value().id;
    return a;
  }

  static inline testing::NatsTestCluster* nats_ = nullptr;
  static inline std::string* start_error_ = nullptr;
  std::string prefix_;
  std::vector<std::unique_ptr<Instance>> instances_;
};

std::string LowerCase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

uint64_t CounterValue(MetricsRegistry& m, const std::string& series) {
  // "name{labels} value" lines of the exposition.
  std::string text = m.RenderPrometheus();
  size_t pos = text.find("\n" + series + " ");
  if (pos == std::string::npos) return 0;
  pos += series.size() + 2;
  return std::stoull(text.substr(pos, text.find('\n', pos) - pos));
}

std::string LongText(int variant) {
  std::string text;
  for (int p = 0; p < 12; ++p) {
    text += "Paragraph " + std::to_string(p) +
            " of the story tells how the city council voted on the new bridge budget after a long "
            "debate about traffic, river transport and the cost of steel this year.\n";
  }
  if (variant == 1) text += "One added closing sentence by the editors of the copy.\n";
  if (variant >= 2) {  // an unrelated story: other words throughout
    text.clear();
    for (int p = 0; p < 12; ++p) {
      text += "Match report " + std::to_string(variant) + "-" + std::to_string(p) +
              ": the home side scored twice in the rain before the break, the visitors' keeper "
              "saved a penalty and the coach praised young players number " +
              std::to_string(variant * 31 + p) + ".\n";
    }
  }
  return text;
}

TEST_F(NatsClusterTest, LeasesSpreadFairlyWithoutTwoOwners) {
  Add("inst-a");
  Add("inst-b");
  Add("inst-c");
  WaitBalanced(milliseconds(15000));
  // Stable: keep sampling for a few renew rounds.
  const auto until = Clock::now() + milliseconds(2000);
  while (Clock::now() < until) {
    std::string why;
    ASSERT_TRUE(DisjointOwnership(&why)) << why;
    ASSERT_EQ(TotalOwned(), static_cast<size_t>(kShards));
    std::this_thread::sleep_for(milliseconds(10));
  }
  for (auto& i : instances_) {
    EXPECT_EQ(i->cluster->LiveInstances().size(), 3u);
    EXPECT_GE(CounterValue(i->metrics, "newscrawl_cluster_shards_owned"), 5u);
  }
  // OwnsHost agrees with the shard map.
  ASSERT_FALSE(instances_[0]->cluster->OwnedShards().empty());
  std::string host = HostOfShard(instances_[0]->cluster->OwnedShards().front());
  EXPECT_TRUE(instances_[0]->cluster->OwnsHost(host));
  EXPECT_FALSE(instances_[1]->cluster->OwnsHost(host));
  EXPECT_FALSE(instances_[2]->cluster->OwnsHost(host));
}

TEST_F(NatsClusterTest, FailoverWithinTheBoundAndNeverTwoOwners) {
  Add("inst-a");
  Add("inst-b");
  Add("inst-c");
  WaitBalanced(milliseconds(15000));
  const std::vector<int> a_shards = instances_[0]->cluster->OwnedShards();
  ASSERT_FALSE(a_shards.empty());
  // inst-a hangs: it stops renewing (without releasing anything).
  instances_[0]->cluster->PauseRenewalsForTesting();
  const auto paused_at = Clock::now();
  bool a_gave_up = false;
  while (true) {
    std::string why;
    ASSERT_TRUE(DisjointOwnership(&why)) << why;
    if (instances_[0]->cluster->OwnedShards().empty() && !a_gave_up) a_gave_up = true;
    size_t others =
        instances_[1]->cluster->OwnedShards().size() + instances_[2]->cluster->OwnedShards().size();
    if (others == static_cast<size_t>(kShards)) break;
    ASSERT_LT(Clock::now() - paused_at, kFailoverLimit)
        << "shards of a stalled instance did not move within the bound; others own " << others;
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(a_gave_up);
  const auto moved_ms = std::chrono::duration_cast<milliseconds>(Clock::now() - paused_at).count();
  // Not before the lease could have run out on the server.
  EXPECT_GE(moved_ms, kTtl.count() - 600);
  std::printf("failover: %lld ms (lease %lld ms, renew %lld ms)\n",
              static_cast<long long>(moved_ms), static_cast<long long>(kTtl.count()),
              static_cast<long long>(kRenew.count()));
}

TEST_F(NatsClusterTest, JoiningInstanceGetsItsShareAndStopReleases) {
  Add("inst-a");
  Add("inst-b");
  WaitBalanced(milliseconds(15000));
  Add("inst-c");
  WaitBalanced(milliseconds(15000));
  // A clean stop releases at once: the others take the shards well before the lease ttl.
  instances_[2]->cluster->Stop();
  const auto stopped_at = Clock::now();
  instances_.pop_back();
  WaitBalanced(milliseconds(15000));
  EXPECT_LT(Clock::now() - stopped_at, kTtl + kRenew * 2);
}

TEST_F(NatsClusterTest, RoutingDeliversEachUrlToTheOwnerOnce) {
  Add("inst-a");
  Add("inst-b");
  Add("inst-c");
  WaitBalanced(milliseconds(15000));
  std::map<std::string, int> expected_shard;
  for (int i = 0; i < 120; ++i) {
    pipeline::FrontierEntry e;
    e.url = "https://" + HostOfShard(i % kShards, i / kShards) + "/news/" + std::to_string(i);
    e.site = "example";
    expected_shard[e.url] = ShardOfHost(pipeline::ClusterHostKey(e.url), kShards);
    // Any instance may route; repeats are dropped by the msg id.
    ASSERT_TRUE(instances_[i % 3]->cluster->Route(e).ok());
    ASSERT_TRUE(instances_[(i + 1) % 3]->cluster->Route(e).ok());
  }
  const auto deadline = Clock::now() + milliseconds(20000);
  size_t total = 0;
  while (Clock::now() < deadline) {
    total = 0;
    for (auto& i : instances_) total += i->sink.Urls().size();
    if (total >= expected_shard.size()) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  std::this_thread::sleep_for(milliseconds(300));  // anything extra would show up now
  std::map<std::string, int> seen;
  for (auto& i : instances_) {
    std::vector<int> owned = i->cluster->OwnedShards();
    for (const std::string& url : i->sink.Urls()) {
      seen[url]++;
      EXPECT_TRUE(std::count(owned.begin(), owned.end(), expected_shard[url]) == 1)
          << url << " went to " << i->cluster->options().instance_name;
    }
  }
  EXPECT_EQ(seen.size(), expected_shard.size());
  for (const auto& [url, n] : seen) EXPECT_EQ(n, 1) << url;
  // Routed after their owners took the shards: new to every owner, not replays.
  for (auto& i : instances_) EXPECT_TRUE(i->sink.Replayed().empty());
}

TEST_F(NatsClusterTest, TakeoverReplaysADeadOwnersUrls) {
  Add("inst-a");
  Add("inst-b");
  WaitBalanced(milliseconds(15000));
  ASSERT_FALSE(instances_[0]->cluster->OwnedShards().empty());
  const int shard = instances_[0]->cluster->OwnedShards().front();
  std::set<std::string> urls;
  for (int i = 0; i < 20; ++i) {
    pipeline::FrontierEntry e;
    e.url = "https://" + HostOfShard(shard, i) + "/a/" + std::to_string(i);
    ASSERT_TRUE(instances_[1]->cluster->Route(e).ok());
    urls.insert(e.url);
  }
  // inst-a received them (and would have put them into its frontier), then dies.
  const auto deadline = Clock::now() + milliseconds(10000);
  while (instances_[0]->sink.Urls().size() < urls.size() && Clock::now() < deadline)
    std::this_thread::sleep_for(milliseconds(20));
  ASSERT_EQ(instances_[0]->sink.Urls().size(), urls.size());
  instances_[0]->cluster->PauseRenewalsForTesting();
  const auto until = Clock::now() + kFailoverLimit + milliseconds(3000);
  std::set<std::string> replayed;
  while (Clock::now() < until) {
    replayed.clear();
    for (const std::string& u : instances_[1]->sink.Urls())
      if (urls.count(u)) replayed.insert(u);
    if (replayed.size() == urls.size()) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(replayed, urls);
  EXPECT_TRUE(instances_[1]->cluster->OwnsHost(HostOfShard(shard)));
  // inst-a got them as they were routed; inst-b as replays of what inst-a may have stored.
  EXPECT_TRUE(instances_[0]->sink.Replayed().empty());
  std::set<std::string> replayed_to_b;
  for (const std::string& u : instances_[1]->sink.Replayed())
    if (urls.count(u)) replayed_to_b.insert(u);
  EXPECT_EQ(replayed_to_b, urls);
}

TEST_F(NatsClusterTest, ClaimsAreCreateOnlyAndIdempotent) {
  Instance& a = Add("inst-a");
  Instance& b = Add("inst-b");
  Article x = MakeArticle("https://news.example.com/x", LongText(0));
  auto first = a.cluster->Claim(x);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->verdict, pipeline::ClaimVerdict::kStore);
  // A retry after a crash: still ours.
  auto again = a.cluster->Claim(x);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->verdict, pipeline::ClaimVerdict::kStore);
  // Another instance while inst-a has not stored it yet: come back later.
  auto busy = b.cluster->Claim(x);
  EXPECT_EQ(busy.status().code(), StatusCode::kFailedPrecondition) << busy.status().ToString();
  EXPECT_NE(busy.status().message().find("held by instance inst-a, not yet published"),
            std::string::npos);
  EXPECT_FALSE(b.cluster->IsPublished(x.url));
  // inst-a stores and publishes it: now it is a duplicate for everyone else.
  Article stored = x;
  stored.canonical_url = x.url;
  stored.version = 1;
  stored.seq = 1;
  ASSERT_TRUE(a.cluster->Publish(stored, ArticleToJson(stored), store::EventKind::kNew).ok());
  ASSERT_TRUE(a.cluster->Flush().ok());  // Publish only sends; Flush waits for the broker
  // The mark is confirmed by its stream's leader; another instance's read may reach a replica
  // that has not applied it yet, so it becomes visible within moments, not at once.
  bool published = false;
  for (auto deadline = Clock::now() + milliseconds(5000); !published && Clock::now() < deadline;
       std::this_thread::sleep_for(milliseconds(20)))
    published = b.cluster->IsPublished(x.url);
  EXPECT_TRUE(published);
  auto dup = b.cluster->Claim(x);
  ASSERT_TRUE(dup.ok()) << dup.status().ToString();
  EXPECT_EQ(dup->verdict, pipeline::ClaimVerdict::kDuplicate);
  EXPECT_EQ(dup->reason, "url");
  EXPECT_EQ(dup->duplicate_of, x.id);
  // Same text at another URL (an AMP copy): a content duplicate of x.
  Article amp = MakeArticle("https://amp.example.org/x", LongText(0));
  auto content = b.cluster->Claim(amp);
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  EXPECT_EQ(content->verdict, pipeline::ClaimVerdict::kDuplicate);
  EXPECT_EQ(content->reason, "content");
  EXPECT_EQ(content->duplicate_of, x.id);
  // ... and that verdict is stable on a retry.
  auto content_again = b.cluster->Claim(amp);
  ASSERT_TRUE(content_again.ok());
  EXPECT_EQ(content_again->verdict, pipeline::ClaimVerdict::kDuplicate);
  // A different story is stored.
  Article other = MakeArticle("https://news.example.com/other", LongText(2));
  auto fresh = b.cluster->Claim(other);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(fresh->verdict, pipeline::ClaimVerdict::kStore);
  EXPECT_EQ(CounterValue(b.metrics, "newscrawl_cluster_claims_total{result=\"duplicate_url\"}"),
            1u);
}

TEST_F(NatsClusterTest, ClaimOfADeadInstanceIsTakenOver) {
  Instance& a = Add("inst-a");
  Instance& b = Add("inst-b");
  Article x = MakeArticle("https://news.example.com/orphan", LongText(0) + "orphan");
  auto first = a.cluster->Claim(x);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->verdict, pipeline::ClaimVerdict::kStore);
  // inst-a dies between its claim and its store (a clean Stop removes its heartbeat at once; a
  // crash lets it expire after the lease ttl).
  a.cluster->Stop();
  auto taken = b.cluster->Claim(x);
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(taken->verdict, pipeline::ClaimVerdict::kStore);
  auto again = b.cluster->Claim(x);  // and it is inst-b's now
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->verdict, pipeline::ClaimVerdict::kStore);
}

TEST_F(NatsClusterTest, NearDuplicateAcrossInstances) {
  Instance& a = Add("inst-a");
  Instance& c = Add("inst-c");
  Article x = MakeArticle("https://news.example.com/story", LongText(0));
  auto first = a.cluster->Claim(x);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->verdict, pipeline::ClaimVerdict::kStore);
  // A syndicated copy with one added sentence, on another site, claimed on another instance.
  Article copy = MakeArticle("https://syndication.example.net/copy", LongText(1));
  ASSERT_NE(copy.content_hash, x.content_hash);
  auto near = c.cluster->Claim(copy);
  ASSERT_TRUE(near.ok()) << near.status().ToString();
  EXPECT_EQ(near->verdict, pipeline::ClaimVerdict::kDuplicate);
  EXPECT_EQ(near->reason, "near_duplicate");
  EXPECT_EQ(near->duplicate_of, x.id);
}

// A story of its own per round `r` (so rounds do not see each other), ~12 paragraphs; with
// `edited`, one sentence added and one paragraph reworded: a near duplicate, not a copy.
std::string RoundStory(int r, bool edited) {
  std::string text;
  for (int p = 0; p < 12; ++p) {
    if (edited && p == 5) {
      text += "In a late change, round " + std::to_string(r) +
              " of the reworded paragraph quotes the mayor on delays and new tolls.\n";
      continue;
    }
    text += "Round " + std::to_string(r) + " paragraph " + std::to_string(p) +
            " reports that the harbour authority " + std::to_string(r * 7 + p) +
            " approved the dredging plan after fishermen, shippers and the port unions argued "
            "for weeks about the channel.\n";
  }
  if (edited) text += "One closing sentence added by the syndication desk.\n";
  return text;
}

TEST_F(NatsClusterTest, SimultaneousSimilarClaimsNeverBothStore) {
  // Issue #14: two instances claim two similar articles (or the same text at two URLs) at the
  // same moment, many times: one is stored, the other is a duplicate, every time.
  Instance& a = Add("inst-a");
  Instance& b = Add("inst-b");
  constexpr int kRounds = 100;
  std::vector<Result<pipeline::ClaimDecision>> got_a(kRounds, Status::Internal("unset"));
  std::vector<Result<pipeline::ClaimDecision>> got_b(kRounds, Status::Internal("unset"));
  std::vector<Article> xs, ys;
  for (int r = 0; r < kRounds; ++r) {
    const bool same_text = r % 4 == 3;
    xs.push_back(MakeArticle("https://a.example.com/r" + std::to_string(r), RoundStory(r, false)));
    ys.push_back(
        MakeArticle("https://b.example.org/r" + std::to_string(r), RoundStory(r, !same_text)));
    const auto px = store::MakeNearDupProbe(xs.back()), py = store::MakeNearDupProbe(ys.back());
    ASSERT_TRUE(store::SignaturesMatch(px.signature, py.signature)) << "round " << r;
    ASSERT_EQ(same_text, xs.back().content_hash == ys.back().content_hash) << "round " << r;
  }
  // Both threads meet before every round, then claim at once.
  std::vector<std::atomic<int>> arrived(kRounds);
  auto run = [&](Instance& inst, std::vector<Article>& articles,
                 std::vector<Result<pipeline::ClaimDecision>>& out) {
    for (int r = 0; r < kRounds; ++r) {
      arrived[r].fetch_add(1);
      while (arrived[r].load() < 2) std::this_thread::yield();
      out[r] = inst.cluster->Claim(articles[r]);
    }
  };
  std::thread ta(run, std::ref(a), std::ref(xs), std::ref(got_a));
  std::thread tb(run, std::ref(b), std::ref(ys), std::ref(got_b));
  ta.join();
  tb.join();
  int stored_x = 0;
  for (int r = 0; r < kRounds; ++r) {
    ASSERT_TRUE(got_a[r].ok()) << r << ": " << got_a[r].status().ToString();
    ASSERT_TRUE(got_b[r].ok()) << r << ": " << got_b[r].status().ToString();
    const bool a_stores = got_a[r]->verdict == pipeline::ClaimVerdict::kStore;
    const bool b_stores = got_b[r]->verdict == pipeline::ClaimVerdict::kStore;
    EXPECT_NE(a_stores, b_stores) << "round " << r << ": "
                                  << (a_stores ? "both stored" : "neither");
    const auto& dup = a_stores ? *got_b[r] : *got_a[r];
    EXPECT_EQ(dup.duplicate_of, a_stores ? xs[r].id : ys[r].id) << "round " << r;
    EXPECT_EQ(dup.reason, r % 4 == 3 ? "content" : "near_duplicate") << "round " << r;
    stored_x += a_stores;
  }
  // A third instance, later, agrees with whichever won.
  Instance& c = Add("inst-c");
  for (int r = 0; r < kRounds; r += 5) {
    Article late = MakeArticle("https://c.example.net/r" + std::to_string(r), RoundStory(r, true));
    auto verdict = c.cluster->Claim(late);
    ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
    EXPECT_EQ(verdict->verdict, pipeline::ClaimVerdict::kDuplicate) << "round " << r;
  }
  RecordProperty("rounds_won_by_inst_a", stored_x);
}

TEST_F(NatsClusterTest, ALateInstanceRebuildsTheNearDuplicateIndexFromTheClaimLog) {
  Instance& a = Add("inst-a");
  constexpr int kStories = 6;
  std::vector<std::string> ids;
  for (int r = 0; r < kStories; ++r) {
    Article x = MakeArticle("https://a.example.com/s" + std::to_string(r), RoundStory(r, false));
    auto verdict = a.cluster->Claim(x);
    ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
    ASSERT_EQ(verdict->verdict, pipeline::ClaimVerdict::kStore);
    ids.push_back(x.id);
  }
  // Started after every claim: it knows them only by replaying the log.
  Instance& late = Add("inst-late");
  for (int r = 0; r < kStories; ++r) {
    Article copy =
        MakeArticle("https://late.example.org/s" + std::to_string(r), RoundStory(r, true));
    auto verdict = late.cluster->Claim(copy);
    ASSERT_TRUE(verdict.ok()) << verdict.status().ToString();
    EXPECT_EQ(verdict->verdict, pipeline::ClaimVerdict::kDuplicate) << r;
    EXPECT_EQ(verdict->reason, "near_duplicate") << r;
    EXPECT_EQ(verdict->duplicate_of, ids[r]) << r;
  }
  EXPECT_EQ(CounterValue(late.metrics, "newscrawl_cluster_claim_index_entries"),
            static_cast<uint64_t>(2 * kStories));
}

TEST_F(NatsClusterTest, ALaggingIndexMakesAClaimRetryNeverGuess) {
  NatsClusterOptions o = Options("inst-a");
  o.claim_index_wait = milliseconds(300);
  Instance& a = Add("inst-a", &o);
  Instance& b = Add("inst-b");
  // inst-a's index stops applying the log and cannot read it either; inst-b claims a story.
  a.cluster->PauseClaimIndexForTesting(/*reader=*/true, /*catch_up=*/true);
  Article x = MakeArticle("https://b.example.org/lag", RoundStory(7, false));
  auto first = b.cluster->Claim(x);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_EQ(first->verdict, pipeline::ClaimVerdict::kStore);
  // A near copy on inst-a cannot see x's message: it is not stored on a guess, it is retried.
  Article copy = MakeArticle("https://a.example.com/lag", RoundStory(7, true));
  auto behind = a.cluster->Claim(copy);
  EXPECT_EQ(behind.status().code(), StatusCode::kUnavailable) << behind.status().ToString();
  EXPECT_NE(behind.status().message().find("near-duplicate index has applied the claim log"),
            std::string::npos)
      << behind.status().ToString();
  EXPECT_EQ(CounterValue(a.metrics, "newscrawl_cluster_claims_total{result=\"retry\"}"), 1u);
  EXPECT_GE(CounterValue(a.metrics, "newscrawl_cluster_broker_errors_total{op=\"claim_index\"}"),
            1u);
  // With the consumer still gone (its node died) but the stream readable, the retry reads the
  // messages before its own from the stream: the verdict of the log, x came first.
  a.cluster->PauseClaimIndexForTesting(/*reader=*/true, /*catch_up=*/false);
  auto retried = a.cluster->Claim(copy);
  ASSERT_TRUE(retried.ok()) << retried.status().ToString();
  EXPECT_EQ(retried->verdict, pipeline::ClaimVerdict::kDuplicate);
  EXPECT_EQ(retried->reason, "near_duplicate");
  EXPECT_EQ(retried->duplicate_of, x.id);
  // The consumer back: what the claim read is not applied twice, and the next claims go on.
  a.cluster->PauseClaimIndexForTesting(false, false);
  Article other = MakeArticle("https://a.example.com/other", RoundStory(8, false));
  auto fresh = a.cluster->Claim(other);
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ(fresh->verdict, pipeline::ClaimVerdict::kStore);
}

// Reads every message of `stream` (an ephemeral pull consumer) and returns their msg ids.
std::vector<std::string> StreamMsgIds(const std::vector<std::string>& urls,
                                      const std::string& stream, const std::string& subject) {
  std::vector<std::string> ids;
  natsConnection* nc = nullptr;
  if (natsConnection_ConnectTo(&nc, urls[0].c_str()) != NATS_OK) return ids;
  jsCtx* js = nullptr;
  natsConnection_JetStream(&js, nc, nullptr);
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = stream.c_str();
  natsSubscription* sub = nullptr;
  if (js_PullSubscribe(&sub, js, subject.c_str(), "test-reader", nullptr, &so, nullptr) ==
      NATS_OK) {
    while (true) {
      natsMsgList list;
      if (natsSubscription_Fetch(&list, sub, 100, 1000, nullptr) != NATS_OK) break;
      for (int i = 0; i < list.Count; ++i) {
        const char* id = nullptr;
        natsMsgHeader_Get(list.Msgs[i], "Nats-Msg-Id", &id);
        ids.push_back(id != nullptr ? id : "");
        natsMsg_AckSync(list.Msgs[i], nullptr, nullptr);
      }
      natsMsgList_Destroy(&list);
    }
    natsSubscription_Destroy(sub);
  }
  jsCtx_Destroy(js);
  natsConnection_Destroy(nc);
  return ids;
}

TEST_F(NatsClusterTest, PublishIsDeduplicatedByIdAndVersion) {
  Instance& a = Add("inst-a");
  Instance& b = Add("inst-b");
  Article r = MakeArticle("https://news.example.com/p", LongText(0));
  r.canonical_url = r.url;
  r.version = 1;
  r.seq = 7;
  ASSERT_TRUE(a.cluster->Publish(r, ArticleToJson(r), store::EventKind::kNew).ok());
  ASSERT_TRUE(a.cluster->Publish(r, ArticleToJson(r), store::EventKind::kNew).ok());  // a retry
  // Confirmed before another instance publishes it again (two connections' publishes in flight
  // at once reach the server in either order).
  ASSERT_TRUE(a.cluster->Flush().ok());
  ASSERT_TRUE(
      b.cluster->Publish(r, ArticleToJson(r), store::EventKind::kNew).ok());  // another instance
  r.version = 2;
  ASSERT_TRUE(a.cluster->Publish(r, ArticleToJson(r), store::EventKind::kVersion).ok());
  ASSERT_TRUE(a.cluster->Flush().ok());
  ASSERT_TRUE(b.cluster->Flush().ok());
  EXPECT_EQ(CounterValue(a.metrics, "newscrawl_cluster_published_total{result=\"new\"}"), 2u);
  EXPECT_EQ(CounterValue(a.metrics, "newscrawl_cluster_published_total{result=\"duplicate\"}"), 1u);
  std::vector<std::string> ids =
      StreamMsgIds(nats_->urls(), prefix_ + "ARTICLES", LowerCase(prefix_) + "articles.>");
  EXPECT_EQ(ids, (std::vector<std::string>{r.id + ".1", r.id + ".2"}));
}

TEST_F(NatsClusterTest, ArticleReaderResumesADurableConsumer) {
  Instance& a = Add("inst-a");
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    Article r = MakeArticle("https://news.example.com/r" + std::to_string(i), LongText(10 + i));
    r.canonical_url = r.url;
    r.version = 1;
    ASSERT_TRUE(a.cluster
                    ->Publish(r, ArticleToJson(r),
                              i == 2 ? store::EventKind::kDuplicate : store::EventKind::kNew)
                    .ok());
    ids.push_back(r.id);
  }
  ASSERT_TRUE(a.cluster->Flush().ok());
  ArticleReaderOptions ro;
  ro.urls = nats_->urls();
  ro.consumer = "indexer";
  ro.name_prefix = prefix_;
  {
    auto reader = ArticleReader::Open(ro);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto lines = (*reader)->Next(2, milliseconds(3000));
    ASSERT_TRUE(lines.ok()) << lines.status().ToString();
    ASSERT_EQ(lines->size(), 2u);
    EXPECT_NE((*lines)[0].json.find("\"id\":\"" + ids[0] + "\""), std::string::npos);
    EXPECT_NE((*lines)[0].json.find(",\"event\":\"new\"}"), std::string::npos);
    ASSERT_TRUE((*reader)->Ack().ok());
  }
  {
    // A new process resumes after what was acknowledged.
    auto reader = ArticleReader::Open(ro);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto lines = (*reader)->Next(10, milliseconds(3000));
    ASSERT_TRUE(lines.ok());
    ASSERT_EQ(lines->size(), 1u);
    EXPECT_NE((*lines)[0].json.find("\"id\":\"" + ids[2] + "\""), std::string::npos);
    EXPECT_NE((*lines)[0].json.find(",\"event\":\"duplicate\"}"), std::string::npos);
    auto none = (*reader)->Next(10, milliseconds(500));
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());  // unacknowledged ones are not handed out twice to one reader
  }
  {
    // A temporary consumer reads everything from the start.
    ArticleReaderOptions temp = ro;
    temp.consumer.clear();
    auto reader = ArticleReader::Open(temp);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    auto lines = (*reader)->Next(10, milliseconds(3000));
    ASSERT_TRUE(lines.ok());
    EXPECT_EQ(lines->size(), 3u);
  }
  ro.name_prefix = "NoSuchPrefix_";
  EXPECT_EQ(ArticleReader::Open(ro).status().code(), StatusCode::kNotFound);
}

// Runs `newscrawl export ARGS` and returns its stdout lines (exit code in *rc).
std::vector<std::string> RunExport(const std::string& args, int* rc) {
  std::string command =
      std::string(NC_BINARY_DIR) + "/cli/newscrawl export " + args + " 2>/dev/null";
  std::vector<std::string> lines;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return lines;
  char buf[1 << 16];
  std::string out;
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) out.append(buf, n);
  *rc = WEXITSTATUS(pclose(pipe));
  size_t start = 0;
  while (start < out.size()) {
    size_t nl = out.find('\n', start);
    if (nl == std::string::npos) nl = out.size();
    lines.push_back(out.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

TEST_F(NatsClusterTest, ExportFromNatsResumesWithADurableConsumer) {
  // `newscrawl export --from-nats` reads the production names (no prefix).
  NatsClusterOptions o = Options("inst-a");
  o.name_prefix = "";
  Instance& a = Add("inst-a", &o);
  std::string urls = nats_->urls()[0] + "," + nats_->urls()[1] + "," + nats_->urls()[2];
  auto publish = [&](int i) {
    Article r = MakeArticle("https://news.example.com/e" + std::to_string(i), LongText(20 + i));
    r.canonical_url = r.url;
    r.version = 1;
    EXPECT_TRUE(a.cluster->Publish(r, ArticleToJson(r), store::EventKind::kNew).ok());
    EXPECT_TRUE(a.cluster->Flush().ok());
    return r.id;
  };
  std::string id0 = publish(0), id1 = publish(1);
  int rc = -1;
  std::vector<std::string> lines = RunExport("--from-nats " + urls + " --consumer idx", &rc);
  EXPECT_EQ(rc, 0);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(lines[0].find("\"id\":\"" + id0 + "\""), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("\"event\":\"new\"}"), std::string::npos) << lines[1];
  std::string id2 = publish(2);
  lines = RunExport("--from-nats " + urls + " --consumer idx", &rc);
  EXPECT_EQ(rc, 0);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"id\":\"" + id2 + "\""), std::string::npos) << lines[0];
  // Without a consumer: everything, from the start; --limit stops early.
  lines = RunExport("--from-nats " + urls + " --limit 2", &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(lines.size(), 2u);
  RunExport("--from-nats http://x:1", &rc);
  EXPECT_EQ(rc, 2);
  RunExport("--from-nats " + urls + " --after 3", &rc);
  EXPECT_EQ(rc, 2);
  (void)id1;
}

TEST_F(NatsClusterTest, SurvivesANodeKilledAndRestarted) {
  // Connected to node 1 only at first (it learns the others from the server), so killing node 1
  // forces a reconnect.
  NatsClusterOptions o = Options("inst-a");
  o.urls = {nats_->urls()[0]};
  Instance& a = Add("inst-a", &o);
  Instance& b = Add("inst-b");
  WaitBalanced(milliseconds(15000));
  ASSERT_TRUE(nats_->KillNode(1).ok());
  // Work goes on through the election and the reconnect: every call succeeds (after retries).
  std::vector<Article> published;
  for (int i = 0; i < 20; ++i) {
    Article art = MakeArticle("https://news.example.com/k" + std::to_string(i), LongText(3 + i));
    auto claim = a.cluster->Claim(art);
    ASSERT_TRUE(claim.ok()) << i << ": " << claim.status().ToString();
    art.canonical_url = art.url;
    art.version = 1;
    ASSERT_TRUE(a.cluster->Publish(art, ArticleToJson(art), store::EventKind::kNew).ok()) << i;
    published.push_back(art);
    pipeline::FrontierEntry e;
    e.url = "https://" + HostOfShard(i % kShards) + "/k/" + std::to_string(i);
    ASSERT_TRUE(a.cluster->Route(e).ok()) << i;
  }
  // Every publish sent through the trouble is confirmed (resent where its reply was lost). A
  // Flush that gives up drops the unconfirmed ones, and the caller publishes them again from its
  // last confirmed point, as the daemon's outbox does: at most two such rounds here.
  Status flushed = a.cluster->Flush();
  for (int round = 0; round < 2 && !flushed.ok(); ++round) {
    for (const Article& art : published)
      ASSERT_TRUE(a.cluster->Publish(art, ArticleToJson(art), store::EventKind::kNew).ok());
    flushed = a.cluster->Flush();
  }
  EXPECT_TRUE(flushed.ok()) << flushed.ToString();
  ASSERT_TRUE(nats_->StartNode(1).ok());
  // Leases survived (renewed through the trouble), and the trouble is counted.
  WaitBalanced(milliseconds(15000));
  // Each article is on the stream once.
  EXPECT_EQ(
      StreamMsgIds(nats_->urls(), prefix_ + "ARTICLES", LowerCase(prefix_) + "articles.>").size(),
      published.size());
  // The URLs routed during the trouble reached the owners of their shards (the ordered
  // consumers were recreated where their node died).
  std::set<std::string> routed;
  for (int i = 0; i < 20; ++i)
    routed.insert("https://" + HostOfShard(i % kShards) + "/k/" + std::to_string(i));
  const auto deadline = Clock::now() + milliseconds(20000);
  std::set<std::string> received;
  while (Clock::now() < deadline) {
    received.clear();
    for (auto& i : instances_)
      for (const std::string& u : i->sink.Urls())
        if (routed.count(u)) received.insert(u);
    if (received == routed) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(received, routed);
  // The trouble is counted: the reconnect always (an operation failing meanwhile depends on
  // timing: with publishes resent and claims retried, a fast reconnect can hide it).
  EXPECT_GE(CounterValue(a.metrics, "newscrawl_cluster_reconnects_total"), 1u);
  EXPECT_TRUE(a.cluster->Connected());
  (void)b;
}

TEST_F(NatsClusterTest, AFlushDuringAnOutageEndsSoonAfterIt) {
  // Connected to node 3 only, which stays up: the publishes below are sent, but ARTICLES has no
  // quorum while nodes 1 and 2 are down, so none is confirmed and every reply is lost.
  NatsClusterOptions o = Options("inst-a");
  o.urls = {nats_->urls()[2]};
  o.op_timeout = milliseconds(25000);
  Instance& a = Add("inst-a", &o);
  ASSERT_TRUE(nats_->KillNode(1).ok());
  ASSERT_TRUE(nats_->KillNode(2).ok());
  constexpr int kArticles = 60;
  for (int i = 0; i < kArticles; ++i) {
    Article art = MakeArticle("https://news.example.com/o" + std::to_string(i), LongText(3 + i));
    art.version = 1;
    ASSERT_TRUE(a.cluster->Publish(art, ArticleToJson(art), store::EventKind::kNew).ok()) << i;
  }
  // The daemon flushes every second, so a Flush is waiting when the broker comes back. It must
  // confirm everything once the stream has a leader again: the lost publishes are sent again
  // together each round, not one per backoff step with the lock held (60 of those, a second
  // each, outlasted op_timeout, and the confirm thread waited behind them).
  std::thread flush([&] {
    const Status flushed = a.cluster->Flush();
    EXPECT_TRUE(flushed.ok()) << flushed.ToString();
  });
  std::this_thread::sleep_for(o.request_timeout + milliseconds(500));
  ASSERT_TRUE(nats_->StartNode(1).ok());
  ASSERT_TRUE(nats_->StartNode(2).ok());
  flush.join();
  EXPECT_EQ(
      StreamMsgIds(nats_->urls(), prefix_ + "ARTICLES", LowerCase(prefix_) + "articles.>").size(),
      static_cast<size_t>(kArticles));
  EXPECT_EQ(CounterValue(a.metrics, "newscrawl_cluster_published_total{result=\"new\"}") +
                CounterValue(a.metrics, "newscrawl_cluster_published_total{result=\"duplicate\"}"),
            static_cast<uint64_t>(kArticles));
}

}  // namespace
}  // namespace newscrawl::cluster
