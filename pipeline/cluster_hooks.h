// ClusterHooks: what the daemon asks of a cluster of instances. Implemented by cluster/ on NATS
// JetStream (cluster::NatsCluster); a single instance runs without one (DaemonOptions::cluster is
// null) and behaves exactly as before.
//
// The daemon uses the hooks at four points:
//   1. Scheduling: a URL is leased from the local frontier only while OwnsHost(host) is true, so a
//      host is fetched by one instance at a time and politeness holds across the cluster.
//   2. Discovery: the URLs found in a feed, sitemap or section page go to RouteAll() instead of
//      the local frontier. The cluster delivers it, durably, to the owner of its host, which
//      receives it through the UrlSink given to Start() (possibly this very instance).
//   3. Ingest: before an article is written to the local store, Claim() decides globally whether
//      this instance may store it (first claim of its canonical URL and content hash wins; near
//      duplicates are checked across the cluster). Only kStore articles are ingested locally.
//   4. Publishing: after a successful local ingest that wrote an event, Publish() puts the stored
//      record on the ARTICLES stream; a retry of the same (id, version) is never a second message.
//      A crash between ingest and publish must not lose the message: the daemon republishes
//      after a restart (e.g. a re-ingest that returns kNone publishes the stored record again,
//      or a small outbox in the store's reserved KV), relying on the de-duplication by id+version.
//
// Failure policy: a call that cannot reach the broker returns a non-ok Status (Unavailable or
// IoError) after its own bounded retries; the daemon then keeps the URL (pending, retried later),
// never drops it. Implementations log, count the trouble in /metrics, and never throw.
//
// Thread safety: every method may be called from several threads at once, except Start/Stop
// (called once each, from the controlling thread).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/article.h"
#include "common/fingerprint.h"
#include "common/status.h"
#include "pipeline/frontier.h"
#include "store/store.h"

namespace newscrawl::pipeline {

// The cluster's verdict on an article about to be stored.
enum class ClaimVerdict {
  kStore,      // this instance holds the claims: ingest locally, then Publish()
  kDuplicate,  // another instance stored it (same URL, same text or a near duplicate): skip
};

struct ClaimDecision {
  ClaimVerdict verdict = ClaimVerdict::kStore;
  std::string duplicate_of;  // kDuplicate: the id of the article that holds the claim
  std::string reason;        // kDuplicate: "url", "content" or "near_duplicate"
};

class ClusterHooks {
 public:
  // Receives a URL handed to this instance (its host's shard is ours). Called from a cluster
  // thread. Return ok once the entry is durably in the local frontier (Frontier::Add, which
  // ignores URLs it already knows); a non-ok Status makes the cluster redeliver it later.
  // `replayed`: the URL was routed before this instance took its host's shard, so an earlier
  // owner may have stored it already (worth an IsPublished before fetching); false for a URL
  // routed since (new to every owner, unless it was stored long ago: Claim still decides).
  using UrlSink = std::function<Status(const FrontierEntry& entry, bool replayed)>;

  virtual ~ClusterHooks() = default;

  // Joins the cluster: connects, takes a fair share of the host shards as expiring leases, and
  // starts delivering URLs of owned shards (including those a dead owner left unfinished) to
  // `sink`. Fails (and the daemon does not start) when the broker cannot be reached at all.
  virtual Status Start(UrlSink sink) = 0;
  // Releases this instance's shard leases (so others take them at once) and disconnects.
  // Idempotent.
  virtual void Stop() = 0;

  // True while this instance holds the lease of the shard of `host` (lower-case host name).
  virtual bool OwnsHost(std::string_view host) = 0;

  // Hands a discovered URL to the owner of its host. Ok means the broker has it durably.
  virtual Status Route(const FrontierEntry& entry) = 0;

  // Hands all of `entries` to the owners of their hosts at once (what one listing found: a
  // cluster sends them together and awaits one round trip, not one per URL). Ok means the broker
  // has every one durably; on an error some may have been routed already (routing a URL again is
  // harmless: its owner's frontier knows it). Default: Route() each, stopping at the first error.
  virtual Status RouteAll(const std::vector<FrontierEntry>& entries) {
    for (const FrontierEntry& e : entries) NC_RETURN_IF_ERROR(Route(e));
    return Status::Ok();
  }

  // Decides globally whether `article` (extracted; identity stamped by StampIdentity: id,
  // canonical_url, content_hash, simhash as the store will assign them) may be stored here.
  // `text` is the fingerprints of its text as IdentifyArticle computed them
  // (ArticleIdentity::text, what the store files the article under): the cluster uses them as
  // they are, it does not fingerprint the text again. Idempotent for the same article: a retry
  // after a crash gets kStore again.
  virtual Result<ClaimDecision> Claim(const Article& article, const TextFingerprints& text) = 0;

  // Publishes a stored record for `event` (kNew, kVersion or kDuplicate) to the ARTICLES stream,
  // de-duplicated by id + version. `record_json` is the record exactly as stored (what is sent:
  // IngestResult::record_json, or the change feed's); `record` is the same record parsed (its id,
  // version, seq and site). Ok may mean only "sent": the broker's confirmation is awaited by
  // Flush().
  virtual Status Publish(const Article& record, std::string_view record_json,
                         store::EventKind event) = 0;

  // Waits until every record whose Publish() returned ok before this call is confirmed by the
  // broker. Non-ok when some could not be (they are dropped): publish them again from the last
  // point a Flush confirmed. Default: Publish waits for the broker itself.
  virtual Status Flush() { return Status::Ok(); }

  // True when an article whose canonical URL is `canonical_url` was stored and published by an
  // instance of the cluster (this one or another), so fetching it again is wasted (e.g. a URL
  // replayed to a shard's new owner). Cheap (one lookup); false when unknown or on broker
  // trouble (the daemon then fetches and Claim decides).
  virtual bool IsPublished(std::string_view canonical_url) { return false; }
};

}  // namespace newscrawl::pipeline
