// Pure parts of cluster/: shard mapping, fair shares, claim values, routed messages, options.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "cluster/claim_index.h"
#include "cluster/claims.h"
#include "cluster/js_requests.h"
#include "cluster/nats_cluster.h"
#include "cluster/shard_leases.h"
#include "common/fingerprint.h"
#include "config/config.h"
#include "store/near_dup.h"

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
  c.near_dup_window = std::chrono::hours(48);
  c.claim_index_wait = std::chrono::seconds(3);
  NatsClusterOptions o = OptionsFromConfig(c);
  EXPECT_EQ(o.urls, c.nats_urls);
  EXPECT_EQ(o.instance_name, "node-2");
  EXPECT_EQ(o.shards, 32);
  EXPECT_EQ(o.lease_ttl, std::chrono::seconds(6));
  EXPECT_EQ(o.replicas, 1);
  EXPECT_EQ(o.near_dup_window, std::chrono::hours(48));
  EXPECT_EQ(o.claim_index_wait, std::chrono::seconds(3));
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

// A claim log entry of `text` under `id` (as ArticleClaims sends it).
ClaimLogEntry LogEntry(const std::string& id, const std::string& text) {
  const store::NearDupProbe probe = store::MakeNearDupProbe(FingerprintText(text));
  return ClaimLogEntry{id, probe.content_hash, probe.signature};
}

// ~12 paragraphs of story `n`; `edited`: one sentence added, one reworded (a near duplicate).
std::string Story(int n, bool edited) {
  std::string text;
  for (int p = 0; p < 12; ++p) {
    if (edited && p == 4) {
      text += "A reworded paragraph of story " + std::to_string(n) + " quotes the minister.\n";
      continue;
    }
    text += "Story " + std::to_string(n) + " paragraph " + std::to_string(p) +
            " says the harbour board " + std::to_string(n * 13 + p) +
            " approved the dredging plan after weeks of talks with fishermen and shippers.\n";
  }
  if (edited) text += "A closing sentence added by the syndication desk.\n";
  return text;
}

constexpr auto kWindow = std::chrono::hours(24 * 14);
constexpr int64_t kSecond = 1000000000;

TEST(ClaimLogEntry, EncodesAndDecodes) {
  ClaimLogEntry e{"abc", "0123", std::string("sig\n\0bytes", 11)};
  auto back = DecodeClaimLogEntry(EncodeClaimLogEntry(e));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->id, "abc");
  EXPECT_EQ(back->content_hash, "0123");
  EXPECT_EQ(back->signature, e.signature);
  EXPECT_EQ(DecodeClaimLogEntry("no line").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(DecodeClaimLogEntry(" hash\nsig").status().code(), StatusCode::kCorruption);
}

// The near-duplicate race of issue #14: whichever of two matching articles is first in the log
// is the original, the other its duplicate; every instance applying the same log agrees.
TEST(ClaimIndex, TheFirstMessageInTheLogIsTheOriginal) {
  const ClaimLogEntry x = LogEntry("X", Story(1, false)), y = LogEntry("Y", Story(1, true));
  ASSERT_NE(x.content_hash, y.content_hash);
  ASSERT_TRUE(store::SignaturesMatch(x.signature, y.signature));
  for (bool x_first : {true, false}) {
    ClaimIndex on_a(kWindow), on_b(kWindow);  // two instances, the same log
    const ClaimLogEntry& first = x_first ? x : y;
    const ClaimLogEntry& second = x_first ? y : x;
    for (ClaimIndex* index : {&on_a, &on_b}) {
      EXPECT_EQ(index->Apply(1, kSecond, first).original_id, "");
      const ClaimIndex::Verdict dup = index->Apply(2, kSecond, second);
      EXPECT_EQ(dup.original_id, first.id);
      EXPECT_EQ(dup.original_content_hash, first.content_hash);
      EXPECT_EQ(index->originals(), 1u);  // a duplicate is not indexed
    }
    // An unrelated story is an original.
    EXPECT_EQ(on_a.Apply(3, kSecond, LogEntry("Z", Story(2, false))).original_id, "");
  }
}

TEST(ClaimIndex, AnIdKeepsTheVerdictOfItsFirstMessage) {
  // Re-claims after a crash, retries, the loser of a URL claim: later messages of an id change
  // nothing, even with another text.
  ClaimIndex index(kWindow);
  index.Apply(1, kSecond, LogEntry("X", Story(1, false)));
  index.Apply(2, kSecond, LogEntry("Y", Story(1, true)));
  EXPECT_EQ(index.Apply(3, kSecond, LogEntry("X", Story(1, false))).original_id, "");
  EXPECT_EQ(index.Apply(4, kSecond, LogEntry("Y", Story(3, false))).original_id, "X");
  EXPECT_EQ(index.VerdictOf("Y")->original_id, "X");
  EXPECT_FALSE(index.VerdictOf("W").has_value());
  EXPECT_EQ(index.size(), 2u);
}

TEST(ClaimIndex, TheSameTextIsLeftToTheContentClaim) {
  // Two URLs with one text: the content key "c.<hash>" decides between them, whatever the log
  // order (the two orders can differ); the log never makes both duplicates.
  ClaimIndex index(kWindow);
  EXPECT_EQ(index.Apply(1, kSecond, LogEntry("X", Story(1, false))).original_id, "");
  EXPECT_EQ(index.Apply(2, kSecond, LogEntry("AMP", Story(1, false))).original_id, "");
  // A near duplicate of both: the earlier one.
  EXPECT_EQ(index.Apply(3, kSecond, LogEntry("Y", Story(1, true))).original_id, "X");
}

TEST(ClaimIndex, OnlyTheWindowBeforeAMessageCounts) {
  const int64_t window_ns = std::chrono::nanoseconds(kWindow).count();
  ClaimIndex index(kWindow);
  index.Apply(1, kSecond, LogEntry("X", Story(1, false)));
  EXPECT_EQ(index.Apply(2, kSecond + window_ns - 1, LogEntry("Y", Story(1, true))).original_id,
            "X");
  // Later than the window after X: X is forgotten, the copy is an original.
  EXPECT_EQ(index.Apply(3, kSecond + window_ns + 1, LogEntry("Z", Story(1, true) + "More.\n"))
                .original_id,
            "");
  EXPECT_FALSE(index.VerdictOf("X").has_value());
  EXPECT_EQ(index.size(), 2u);  // Y (within its window) and Z
  // Everything gone: nothing is left behind.
  index.Apply(4, kSecond + 3 * window_ns, LogEntry("Q", Story(9, false)));
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(index.originals(), 1u);
  EXPECT_GT(index.ApproximateBytes(), 0u);
}

TEST(ClaimIndex, APredictionIsWhatApplyGivesOrNothing) {
  const int64_t window_ns = std::chrono::nanoseconds(kWindow).count();
  ClaimIndex index(kWindow);
  const ClaimLogEntry x = LogEntry("X", Story(1, false)), y = LogEntry("Y", Story(1, true));
  const ClaimLogEntry z = LogEntry("Z", Story(2, false));
  EXPECT_EQ(index.Predict(x, kSecond)->original_id, "");
  index.Apply(1, kSecond, x);
  EXPECT_EQ(index.Predict(y, 2 * kSecond)->original_id, "X");
  EXPECT_EQ(index.Predict(z, 2 * kSecond)->original_id, "");
  EXPECT_EQ(index.Predict(x, 2 * kSecond)->original_id, "");  // a known id
  // When the next message may come late enough for Apply to drop X first, there is no answer.
  EXPECT_FALSE(index.Predict(y, kSecond + window_ns + 1).has_value());
  EXPECT_FALSE(index.Predict(x, kSecond + window_ns + 1).has_value());
  // A text matching nothing is an original whenever it comes.
  EXPECT_EQ(index.Predict(z, kSecond + window_ns + 1)->original_id, "");
  EXPECT_EQ(index.Apply(2, 2 * kSecond, y).original_id, "X");
}

TEST(ClaimIndex, ATextWithoutBandKeysIsNeverIndexed) {
  ClaimIndex index(kWindow);
  EXPECT_EQ(index.Apply(1, kSecond, LogEntry("S", "Too short.")).original_id, "");
  EXPECT_EQ(index.originals(), 0u);
  EXPECT_EQ(index.Apply(2, kSecond, LogEntry("T", "Too short.")).original_id, "");
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
  EXPECT_EQ(found->time_ns, 0);  // unreadable time
  // 2026-12-07T15:00:58.5Z = 1796655658.5 s since the epoch.
  auto timed =
      ParseKvGet(R"({"message":{"seq":7,"data":"","time":"2026-12-07T15:00:58.500000001Z"}})");
  ASSERT_TRUE(timed.ok());
  EXPECT_EQ(timed->time_ns, int64_t{1796655658500000001});
  EXPECT_EQ(MessageBySeqRequest("S", 42).body, R"({"seq":42})");
  EXPECT_EQ(MessageBySeqRequest("S", 42).subject, "$JS.API.STREAM.MSG.GET.S");
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
