// Pure parts of cluster/: shard mapping, fair shares, claim values, routed messages, options.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "cluster/claims.h"
#include "cluster/js_requests.h"
#include "cluster/nats_cluster.h"
#include "cluster/shard_leases.h"
#include "common/fingerprint.h"
#include "config/config.h"

namespace newscrawl::cluster {
namespace {

TEST(ShardOfHost, StableAndInRange) {
  // Stable across versions: these values are what every instance of a cluster must compute.
  EXPECT_EQ(ShardOfHost("vnexpress.net", 64), ShardOfHost("vnexpress.net", 64));
  EXPECT_EQ(ShardOfHost("anything", 1), 0);
  std::map<int, int> counts;
  for (int i = 0; i < 6400; ++i) {
    int s = ShardOfHost("host" + std::to_string(i) + ".example", 64);
    ASSERT_GE(s, 0);
    ASSERT_LT(s, 64);
    counts[s]++;
  }
  EXPECT_EQ(counts.size(), 64u);
  for (const auto& [shard, n] : counts) {
    EXPECT_GT(n, 50) << "shard " << shard;  // 100 expected per shard
    EXPECT_LT(n, 160) << "shard " << shard;
  }
}

TEST(FairShare, SumsToShardsAndDiffersByAtMostOne) {
  for (int n = 1; n <= 7; ++n) {
    std::vector<std::string> live;
    for (int i = 0; i < n; ++i) live.push_back("inst-" + std::to_string(n - i));  // unsorted
    int sum = 0;
    std::set<int> shares;
    for (const std::string& name : live) {
      int share = FairShare(live, name, 64);
      sum += share;
      shares.insert(share);
    }
    EXPECT_EQ(sum, 64) << n << " instances";
    EXPECT_LE(*shares.rbegin() - *shares.begin(), 1);
  }
  EXPECT_EQ(FairShare({"a", "b"}, "c", 64), 0);
  EXPECT_EQ(FairShare({"a", "b", "c"}, "a", 16), 6);
  EXPECT_EQ(FairShare({"a", "b", "c"}, "b", 16), 5);
  EXPECT_EQ(FairShare({"c", "a", "a", "b"}, "c", 16), 5);  // duplicates ignored
}

TEST(UrlHash, HexOf128Bits) {
  std::string h = UrlHash("https://example.com/a");
  EXPECT_EQ(h.size(), 32u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(h, UrlHash("https://example.com/b"));
}

// The article id a claim names: tests/common/article_identity_test.cc (IdentifyArticle).

TEST(UrlClaim, FormatAndParse) {
  UrlClaim c{"0123456789abcdef", "inst-1", false};
  EXPECT_EQ(FormatUrlClaim(c), "0123456789abcdef inst-1 c");
  UrlClaim back = ParseUrlClaim("0123456789abcdef inst-1 p");
  EXPECT_EQ(back.id, "0123456789abcdef");
  EXPECT_EQ(back.instance, "inst-1");
  EXPECT_TRUE(back.published);
  EXPECT_FALSE(ParseUrlClaim(FormatUrlClaim(c)).published);
  EXPECT_EQ(ParseUrlClaim("abc").id, "abc");
}

TEST(RoutedEntry, RoundTrip) {
  pipeline::FrontierEntry e;
  e.url = "https://example.com/news/1";
  e.kind = pipeline::UrlKind::kArticle;
  e.site = "example";
  e.title = "Tiêu đề";
  e.published_at = "2026-11-25T10:00:00+07:00";
  e.metadata_from_news_sitemap = true;
  e.discovered_ms = 123;
  auto back = DecodeRoutedEntry(EncodeRoutedEntry(e));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->url, e.url);
  EXPECT_EQ(back->site, "example");
  EXPECT_EQ(back->title, e.title);
  EXPECT_EQ(back->published_at, e.published_at);
  EXPECT_TRUE(back->metadata_from_news_sitemap);
  EXPECT_EQ(back->discovered_ms, 123);
  EXPECT_EQ(DecodeRoutedEntry("no newline").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeRoutedEntry("\n{}").status().code(), StatusCode::kCorruption);
}

TEST(Options, Validation) {
  NatsClusterOptions o;
  o.urls = {"nats://127.0.0.1:4222"};
  o.instance_name = "inst-1";
  EXPECT_TRUE(ValidateOptions(o).ok());
  NatsClusterOptions bad = o;
  bad.urls.clear();
  EXPECT_EQ(ValidateOptions(bad).message(), "cluster: nats_urls is empty");
  bad = o;
  bad.instance_name = "a.b";
  EXPECT_EQ(ValidateOptions(bad).code(), StatusCode::kInvalidArgument);
  bad = o;
  bad.shards = 0;
  EXPECT_EQ(ValidateOptions(bad).code(), StatusCode::kInvalidArgument);
  bad = o;
  bad.renew_interval = std::chrono::seconds(9);  // ttl 10 s - margin 1 s
  EXPECT_EQ(ValidateOptions(bad).code(), StatusCode::kInvalidArgument);
  bad = o;
  bad.replicas = 0;
  EXPECT_EQ(ValidateOptions(bad).code(), StatusCode::kInvalidArgument);
}

TEST(Options, FromConfig) {
  ClusterConfig c;
  c.enabled = true;
  c.nats_urls = {"nats://a:4222", "nats://b:4222"};
  c.instance_name = "node-2";
  c.shards = 32;
  c.lease_ttl = std::chrono::seconds(6);
  c.replicas = 1;
  NatsClusterOptions o = OptionsFromConfig(c);
  EXPECT_EQ(o.urls, c.nats_urls);
  EXPECT_EQ(o.instance_name, "node-2");
  EXPECT_EQ(o.shards, 32);
  EXPECT_EQ(o.lease_ttl, std::chrono::seconds(6));
  EXPECT_EQ(o.replicas, 1);
  auto made = MakeNatsCluster(c);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  c.enabled = false;
  EXPECT_EQ(MakeNatsCluster(c).status().code(), StatusCode::kInvalidArgument);
}

TEST(NatsCluster, StartFailsWhenNoServerAnswers) {
  NatsClusterOptions o;
  o.urls = {"nats://127.0.0.1:1"};  // nothing listens on port 1
  o.instance_name = "lonely";
  o.op_timeout = std::chrono::milliseconds(300);
  MetricsRegistry metrics;
  o.metrics = &metrics;
  NatsCluster cluster(o);
  Status s = cluster.Start([](const pipeline::FrontierEntry&, bool) { return Status::Ok(); });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("cannot reach any NATS server of nats://127.0.0.1:1"),
            std::string::npos)
      << s.message();
  EXPECT_FALSE(cluster.OwnsHost("example.com"));
  cluster.Stop();  // idempotent, no crash after a failed Start
}

// The decision between two matching articles claimed at the same moment (issue #14): for every
// way their shared band keys can be held (by either of them or by a third article) and every
// order they were written in, the two sides never both think they are the original, and exactly
// one is when either holds a shared key.
TEST(OtherIsOriginal, BothSidesAgreeOnEveryHolding) {
  const std::vector<std::string> shared = {"b.10", "b.20", "b.30"};
  const char* kHolders[] = {"A", "B", "C"};
  const std::vector<std::vector<uint64_t>> kOrders = {{1, 2, 3}, {3, 2, 1}, {2, 3, 1}};
  for (const auto& order : kOrders) {
    for (int assignment = 0; assignment < 27; ++assignment) {
      std::vector<HeldKey> a_view = {{"b.05", "A", 4}}, b_view = {{"b.99", "B", 5}};
      std::set<std::string> a_keys = {"b.05"}, b_keys = {"b.99"};
      bool any = false;
      for (int i = 0, code = assignment; i < 3; ++i, code /= 3) {
        a_view.push_back({shared[i], kHolders[code % 3], order[i]});
        b_view.push_back({shared[i], kHolders[code % 3], order[i]});
        a_keys.insert(shared[i]);
        b_keys.insert(shared[i]);
        any = any || code % 3 != 2;
      }
      const bool b_first = OtherIsOriginal(a_view, b_keys, "A", "B");
      const bool a_first = OtherIsOriginal(b_view, a_keys, "B", "A");
      EXPECT_FALSE(a_first && b_first) << assignment;
      EXPECT_EQ(a_first || b_first, any) << assignment;
    }
  }
  // The first-written shared key decides, not the number of keys held nor the key order.
  EXPECT_TRUE(OtherIsOriginal({{"b.3", "B", 1}, {"b.1", "A", 2}, {"b.2", "A", 3}},
                              {"b.1", "b.2", "b.3"}, "A", "B"));
  EXPECT_FALSE(OtherIsOriginal({{"b.3", "B", 9}, {"b.1", "A", 2}}, {"b.1", "b.3"}, "A", "B"));
  // Keys the other article does not have do not count.
  EXPECT_FALSE(OtherIsOriginal({{"b.1", "B", 1}, {"b.2", "A", 2}}, {"b.2"}, "A", "B"));
}

TEST(JetStreamWire, PubAcksAndErrors) {
  PubAckReply ok = ParsePubAck(R"({"stream":"KV_X","seq":42,"duplicate":true})");
  EXPECT_EQ(ok.code, 0);
  EXPECT_EQ(ok.sequence, 42u);
  EXPECT_TRUE(ok.duplicate);
  PubAckReply lost = ParsePubAck(
      R"({"error":{"code":400,"err_code":10071,"description":"wrong last sequence: 7"}})");
  EXPECT_EQ(lost.err_code, kWrongLastSequence);
  EXPECT_EQ(lost.description, "wrong last sequence: 7");
  EXPECT_EQ(ParsePubAck("garbage").code, 500);

  JsReply reply;
  reply.status = NATS_OK;
  reply.body = R"({"stream":"KV_X","seq":1})";
  EXPECT_FALSE(IsTransientReply(reply));
  reply.body = R"({"error":{"code":503,"err_code":10077,"description":"no quorum"}})";
  EXPECT_TRUE(IsTransientReply(reply));
  reply.body = R"({"error":{"code":400,"err_code":10071,"description":"wrong last sequence"}})";
  EXPECT_FALSE(IsTransientReply(reply));
  EXPECT_TRUE(IsTransientReply(JsReply{}));  // no reply within the wait
  EXPECT_TRUE(IsTransientReply(JsReply{NATS_NO_RESPONDERS, ""}));
  EXPECT_FALSE(IsTransientReply(JsReply{NATS_CONNECTION_CLOSED, ""}));
}

TEST(JetStreamWire, KvRequestsAndReads) {
  JsRequest create = KvPutRequest("B", "u.1", "v", uint64_t{0});
  EXPECT_EQ(create.subject, "$KV.B.u.1");
  ASSERT_EQ(create.headers.size(), 1u);
  EXPECT_EQ(create.headers[0].first, "Nats-Expected-Last-Subject-Sequence");
  EXPECT_EQ(create.headers[0].second, "0");
  EXPECT_TRUE(KvPutRequest("B", "k", "v").headers.empty());
  JsRequest del = KvDeleteRequest("B", "k", 9);
  EXPECT_EQ(del.headers.size(), 2u);
  JsRequest get = KvGetRequest("B", "b.ff");
  EXPECT_EQ(get.subject, "$JS.API.STREAM.MSG.GET.KV_B");
  EXPECT_EQ(get.body, R"({"last_by_subj":"$KV.B.b.ff"})");

  // "aWQgaGFzaA==" = "id hash"; "TkFUUy8xLjANCktWLU9wZXJhdGlvbjogREVMDQoNCg==" = a DEL marker.
  auto found =
      ParseKvGet(R"({"message":{"subject":"$KV.B.k","seq":5,"data":"aWQgaGFzaA==","time":"x"}})");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->value, "id hash");
  EXPECT_EQ(found->revision, 5u);
  EXPECT_FALSE(found->deleted);
  auto deleted =
      ParseKvGet(R"({"message":{"seq":6,"hdrs":"TkFUUy8xLjANCktWLU9wZXJhdGlvbjogREVMDQoNCg=="}})");
  ASSERT_TRUE(deleted.ok());
  EXPECT_TRUE(deleted->deleted);
  EXPECT_EQ(
      ParseKvGet(R"({"error":{"code":404,"err_code":10037,"description":"no message found"}})")
          .status()
          .code(),
      StatusCode::kNotFound);
  EXPECT_EQ(ParseKvGet(R"({"error":{"code":503,"description":"x"}})").status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(ParseKvGet("nope").status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace newscrawl::cluster
