// NatsCluster: pipeline::ClusterHooks on NATS JetStream (issue #6). Several `newscrawl run`
// instances share the hosts, the dedup decisions and one ARTICLES stream.
//
// What lives in JetStream (created on Start when missing, all file storage, `replicas` copies):
//   KV  NC_LEASES    "shard.<n>" -> "<instance>"   the lease of host shard n (0 <= n < shards)
//                    "member.<instance>" -> ""     one heartbeat key per live instance
//                    The bucket's TTL is `lease_ttl`: a key not rewritten for that long vanishes.
//   KV  NC_CLAIMS    "u.<id>"  -> "<id> <instance> c|p"  the article (URL) claim; c = claimed,
//                                                         p = published (stored for good)
//                    "c.<content hash>" -> "<id> <hash>"   exact-content claim
//   stream NC_CLAIMLOG  subject "nc.claimlog": one message per claim of a text with band keys,
//                    "<id> <content hash>\n<near-duplicate signature>"; kept `near_dup_window`
//                    (default 14 days, its MaxAge); every instance reads it all (claim_log.h).
//   stream NC_URLS   subjects "nc.urls.<shard>": FrontierEntry JSON, Nats-Msg-Id = XXH3-128 of
//                    the URL (repeats within `url_duplicate_window` are dropped by the server);
//                    kept `url_max_age` (default 7 days) and at most `url_max_bytes`.
//   stream ARTICLES  subjects "articles.>" (published on "articles.<shard of the article host>"):
//                    the article record JSON (common/article.h, schema 1), Nats-Msg-Id =
//                    "<id>.<version>", duplicate window `article_duplicate_window` (24 h).
//
// Shard leases. A host belongs to shard XXH3-64(host key) % shards (ShardOfHost). Every instance,
// each `renew_interval` (lease_ttl / 3 by default):
//   1. rewrites its heartbeat key; the live instances are the heartbeat keys present;
//   2. renews each lease it holds with a compare-and-set on the key's revision (kvStore_Update):
//      a failed CAS means the lease was lost; a broker error leaves it held until it runs out;
//   3. computes its fair share: shards / live instances, the first (shards % live) instances in
//      name order taking one more; takes free shards (key absent: never taken, expired, or
//      released) with create-only puts while below it, and releases surplus leases (CAS to an
//      empty value) while above it, so a joining instance gets its share within a round or two.
// No two owners: an instance considers itself the owner of a shard only until
//   (time it SENT the last successful renew) + lease_ttl - safety_margin,
// while the server can drop the key only lease_ttl after it STORED that renew (later), and a
// new owner can take the key only once it is gone. OwnsHost is a lock-free array read.
// Failover bound: a dead instance's keys vanish lease_ttl after its last renew; the survivors
// notice within one renew_interval and take them: shards move within
// lease_ttl + renew_interval (+ the server's expiry timer, well under a second): with the
// defaults 10 s + 3.3 s, about 14 s.
//
// URL routing. RouteAll() publishes every URL of a listing to "nc.urls.<shard of its host>" at
// once (in chunks of 512) and awaits the PubAcks together (so ok = all stored on a quorum, in
// one round trip); Route() is RouteAll of one. The owner of a shard reads its subject with an
// ordered consumer from the START of the stream each time it takes the shard, and hands every
// entry to the UrlSink (Frontier::Add ignores URLs it knows), `replayed` when its stream sequence
// is not above the subject's last one at the moment of subscribing (routed before the shard was
// ours; when that cannot be read, every entry counts as replayed). Nothing handed to a dead
// instance is lost: its shards' subjects are replayed in full by their next owners; articles the
// dead instance already stored are then recognised by IsPublished (cheap, before fetching) or by
// Claim (kDuplicate). A sink error is retried (backoff up to 2 s) while the shard is still ours.
// After broker trouble (disconnects, async errors) the lease rounds check for a while that every
// owned shard's consumer still exists on the server, and recreate (replay) a lost one.
//
// Claims. Claim(article) takes the article id the store will use (article.id, set by the daemon
// from IdentifyArticle; derived with IdentifyArticleUrls when empty, common/article_identity.h)
// and decides in one round trip when the article is new, two or three when keys exist. Sent
// together: "u.<id>" and "c.<content hash>" as create-only puts on "$KV.NC_CLAIMS.<key>"
// (expected last subject sequence 0), and the claim log message (id, content hash, the MinHash
// signature of store/near_dup.h) to NC_CLAIMLOG: three JetStream writes per new article (before
// the claim log, 19: 16 band keys and a signature key besides). Then the keys that existed are
// read (from the stream leader) and:
//   1. "u.<id>" held by this instance and published -> kStore (a new version). Held by another
//      instance and published -> kDuplicate "url"; not yet published: when that instance is dead
//      (its heartbeat key is gone) or the claim is older than `claim_takeover`, it is taken over
//      (CAS) and the claim goes on (its claimer died between claim and store); else
//      FailedPrecondition "held by instance X, not yet published" (retry that URL later; not
//      broker trouble).
//   2. "c.<content hash>" held by another id -> kDuplicate "content".
//   3. near duplicates: the claim log's verdict on the id. Every instance applies the log in
//      stream order to an in-memory index (claim_index.h): the first message of an id decides
//      it; it is a near duplicate of the earliest ORIGINAL message before it within
//      near_dup_window whose signature matches (store::SignaturesMatch: containment >= 0.75 of
//      the smaller shingle set, sizes within 0.3) and whose content hash differs (the same text
//      is step 2's), else an original. The claim waits until its instance has applied every
//      message before its own (its own is then decided exactly as the index will apply it), so
//      of two similar articles claimed at the same moment on two instances, whichever message
//      the stream stored first is the original on both: one kStore and one kDuplicate
//      "near_duplicate", never two kStore (tests/cluster: SimultaneousSimilarClaimsNeverBothStore).
//      A re-claim of the same id (a crash before the store, a takeover, a retry) gets the verdict
//      of the id's first message again; a duplicate is never indexed, so later copies are compared
//      with the original only.
//   4. otherwise kStore; Publish later marks "u.<id>" "p".
//   Lagging: a claim whose instance has not applied the messages before its own within 100 ms
//   reads them itself from the stream's leader (up to 4,096), so after a node loss claims need
//   the stream's leader only, not the consumer (whose re-creation needs the meta leader). When
//   the index still has not got there within `claim_index_wait` (10 s; the start-up replay of a
//   long log, the stream unreadable), the claim returns Unavailable (retried later like broker
//   trouble, counted in newscrawl_cluster_broker_errors_total{op="claim_index"} and
//   claims_total{result="retry"}); it never guesses. A consumer that delivers nothing for 1 s
//   while a claim waits is recreated from the last applied message (op="claim_log").
//   Start-up: the index is rebuilt by replaying NC_CLAIMLOG from its start (near_dup_window of
//   claims); claims made meanwhile wait for it as above. Memory: the window's signatures (about
//   2.5 KB per article of 300 words), newscrawl_cluster_claim_index_{entries,bytes}.
//   A claim that ends in kDuplicate deletes its URL claim and rewrites the content key it created
//   (on its revision) to name the original, so a later exact copy is a duplicate of the article
//   that is stored. A claim held by this instance and not published (a crash, a failed release)
//   is decided again, with the same answer.
// Known limits: near duplicates are found within near_dup_window only (older articles are no
// longer in the log; an instance's own store still finds its own); a content claim's loser stays
// an "original" in the index when its log message came first (two exact copies claimed at once)
// or its exact original is older than the window, so a later near copy may name it in
// duplicate_of (still a duplicate of a stored text, never a second new); URL and content keys rely
// on create-only puts (see docs/cluster.md on nats-server 2.9.10). Instances before the claim log
// wrote band keys that this version neither writes nor reads: upgrade every instance of a cluster
// together.
//
// Publish() sends the stored record to ARTICLES (Nats-Msg-Id "<id>.<version>") without waiting:
// the PubAcks are collected asynchronously (at most 512 publishes in flight; Publish waits for
// the oldest beyond that) by a thread of their own, and the "p" mark of the URL claim is sent as
// soon as its message is confirmed (a mark never names an article missing from the stream; an
// instance killed before its marks went out leaves those articles to be taken over and stored
// again by another instance, one message on the stream still). Flush() waits for all of them,
// resending those whose reply was lost (the msg id makes a resend never a second message); when
// a publish cannot be confirmed within `op_timeout` or is refused, the next Flush returns the
// error and the caller publishes again from its last confirmed point (the daemon: from
// `published_through`). Stop() waits up to 5 s for publishes in flight.
//
// Broker trouble (no responders during a leader election, timeouts, a node down, reconnects):
// every operation is retried with exponential backoff (50 ms .. 2 s) for up to `op_timeout`, each
// failure logged (spdlog, rate-limited per op) and counted in
//   newscrawl_cluster_broker_errors_total{op=...}, then the call returns Unavailable.
// Other metrics: newscrawl_cluster_shards_owned, newscrawl_cluster_live_instances,
//   newscrawl_cluster_claims_total{result=store|duplicate_url|duplicate_content|
//   duplicate_near|retry}, newscrawl_cluster_published_total{result=new|duplicate},
//   newscrawl_cluster_routed_total, newscrawl_cluster_delivered_total,
//   newscrawl_cluster_lease_changes_total{change=acquired|lost|released},
//   newscrawl_cluster_reconnects_total, newscrawl_cluster_connected (0/1),
//   newscrawl_cluster_claim_index_{entries,bytes,applied_seq}.
//
// Connection: nats.c with SendAsap (a publish is written at once; nats.c's flusher otherwise waits
// a millisecond first, which was most of a claim's time on loopback).
//
// Code: the parts over one JetStream client (js_client.h, shared with ArticleReader):
// shard_leases.h (leases, URL delivery), claims.h with claim_log.h and claim_index.h, publisher.h;
// routing in nats_cluster.cc.
//
// Thread safety: as ClusterHooks (every method concurrently, except Start/Stop). Owns four
// background threads (leases, publish confirmations, request replies, the claim log reader) plus
// the nats.c threads that deliver URLs.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/metrics.h"
#include "common/status.h"
#include "pipeline/cluster_hooks.h"

namespace newscrawl {
struct ClusterConfig;
}

namespace newscrawl::cluster {

struct NatsClusterOptions {
  // NATS servers ("nats://127.0.0.1:4222"); the client fails over between them. Required.
  std::vector<std::string> urls;
  // Unique name of this instance ([-_A-Za-z0-9] only, it is part of KV keys). Required.
  std::string instance_name;
  // Host shards. Every instance of a cluster must use the same number (it is checked against
  // the NC_LEASES bucket's description on Start).
  int shards = 64;
  // Lease length; see the file comment for the failover bound.
  std::chrono::milliseconds lease_ttl{10000};
  // How often leases are renewed and the fair share recomputed; 0 = lease_ttl / 3.
  std::chrono::milliseconds renew_interval{0};
  // Subtracted from a lease's local validity (covers clock-rate drift between machines).
  std::chrono::milliseconds safety_margin{1000};
  // Copies of every stream and bucket (1 for a single NATS server, 3 for a 3-node cluster).
  int replicas = 3;
  // Bounds of every broker operation (including its retries) and of one request to the server.
  std::chrono::milliseconds op_timeout{10000};
  std::chrono::milliseconds request_timeout{2000};
  // NC_URLS retention and de-duplication.
  std::chrono::milliseconds url_max_age{std::chrono::hours(24 * 7)};
  // JetStream reserves max_bytes on every node holding a replica (the servers' max_file_store
  // must allow it).
  int64_t url_max_bytes = int64_t{1} << 30;
  std::chrono::milliseconds url_duplicate_window{std::chrono::hours(1)};
  // ARTICLES retention (0 = forever) and de-duplication window (covers restarts).
  std::chrono::milliseconds article_max_age{0};
  std::chrono::milliseconds article_duplicate_window{std::chrono::hours(24)};
  // A URL claim not published after this long belongs to a dead claimer and may be taken over.
  std::chrono::milliseconds claim_takeover{std::chrono::minutes(5)};
  // The near-duplicate window: NC_CLAIMLOG keeps a claim's message this long (its MaxAge, set
  // by the instance that creates the stream), and an article is compared with the articles
  // claimed within this time before it. Every instance keeps the window's signatures in memory
  // (about 2.5 KB per article of 300 words: 100,000 articles a day for 14 days is ~3.5 GB; see
  // newscrawl_cluster_claim_index_bytes). Every instance of a cluster must use the same value.
  std::chrono::milliseconds near_dup_window{std::chrono::hours(24 * 14)};
  // How long a claim waits for this instance's index to apply the claim log up to its own
  // message before it returns Unavailable (retried later; never a guess).
  std::chrono::milliseconds claim_index_wait{10000};
  // Stream / bucket name prefix, for tests sharing one NATS cluster ("" = NC_LEASES, ...;
  // "T1_" = T1_NC_LEASES, ...; subjects get the lower-case prefix too).
  std::string name_prefix;
  // Where the metrics go; nullptr = MetricsRegistry::Default().
  MetricsRegistry* metrics = nullptr;
  // What decides lease validity and claim ages; nullptr = SystemClock(). Not owned.
  const Clock* clock = nullptr;
};

// Checks options (non-empty urls and instance name, valid names, shards 1..4096, ttl >= 1 s,
// renew_interval < ttl - safety_margin, replicas 1..5). InvalidArgument naming the field.
Status ValidateOptions(const NatsClusterOptions& options);

// The options of config's `cluster:` section (urls, instance_name, shards, lease_ttl, replicas);
// everything else keeps its default.
NatsClusterOptions OptionsFromConfig(const ClusterConfig& config);

// The shard of a host key (pipeline::ClusterHostKey: lower-case host, plus ":port" when the URL
// has a non-default port): XXH3-64 % shards. Stable across versions.
int ShardOfHost(std::string_view host, int shards);

// The fair share of `self` among `live` instance names (any order, self included):
// shards / n, plus one for the first shards % n names in sorted order. 0 when self is absent.
int FairShare(const std::vector<std::string>& live, std::string_view self, int shards);

// The KV / msg-id hash of a URL: 32 lower-case hex digits (XXH3-128).
std::string UrlHash(std::string_view url);

class NatsCluster : public pipeline::ClusterHooks {
 public:
  // Does not connect (Start does). Options must pass ValidateOptions.
  explicit NatsCluster(NatsClusterOptions options);
  ~NatsCluster() override;  // Stop()
  NatsCluster(const NatsCluster&) = delete;
  NatsCluster& operator=(const NatsCluster&) = delete;

  // ClusterHooks (see pipeline/cluster_hooks.h and the file comment).
  Status Start(UrlSink sink) override;
  void Stop() override;
  bool OwnsHost(std::string_view host) override;
  Status Route(const pipeline::FrontierEntry& entry) override;
  Status RouteAll(const std::vector<pipeline::FrontierEntry>& entries) override;
  Result<pipeline::ClaimDecision> Claim(const Article& article,
                                        const TextFingerprints& text) override;
  // Claim with the fingerprints of article.text computed here (tools and tests; the daemon
  // passes the ones it computed).
  Result<pipeline::ClaimDecision> Claim(const Article& article);
  Status Publish(const Article& record, std::string_view record_json,
                 store::EventKind event) override;
  Status Flush() override;

  // See ClusterHooks: "u.<ArticleIdFor(canonical_url)>" is marked published (by any instance).
  // One KV get; false on any broker trouble.
  bool IsPublished(std::string_view canonical_url) override;

  // Inspection (tests, /metrics): shards whose lease this instance holds now (sorted); the live
  // instances seen at the last renew round; whether the connection is up.
  std::vector<int> OwnedShards() const;
  std::vector<std::string> LiveInstances() const;
  bool Connected() const;
  // Runs one lease round now (tests; the background thread runs them every renew_interval).
  Status RenewNow();
  // Stops renewing leases without releasing them (tests: an instance that hangs). OwnsHost turns
  // false by itself when the leases run out.
  void PauseRenewalsForTesting();
  // Tests: `reader`: this instance's claim log consumer applies nothing (lost or lagging);
  // `catch_up`: claims do not read the log themselves either, so claims of texts with band keys
  // return Unavailable after claim_index_wait (see claim_log.h).
  void PauseClaimIndexForTesting(bool reader, bool catch_up);

  const NatsClusterOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Builds a NatsCluster from the config (validated); InvalidArgument when the section is unusable.
Result<std::unique_ptr<NatsCluster>> MakeNatsCluster(const ClusterConfig& config,
                                                     MetricsRegistry* metrics = nullptr);

}  // namespace newscrawl::cluster
