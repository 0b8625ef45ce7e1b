// NatsCluster: the options, the pure helpers, and the cluster as its parts wired together: the
// JetStream client (js_client.h), the shard leases and URL delivery (shard_leases.h), the claims
// (claims.h) and the publisher (publisher.h); routing is here.
#include "cluster/nats_cluster.h"

#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdio>

#include "cluster/claim_log.h"
#include "cluster/claims.h"
#include "cluster/js_client.h"
#include "cluster/names.h"
#include "cluster/publisher.h"
#include "cluster/shard_leases.h"
#include "common/article_identity.h"
#include "common/fingerprint.h"
#include "common/near_duplicate.h"
#include "config/config.h"
#include "pipeline/cluster_host_key.h"

namespace newscrawl::cluster {

namespace {

bool ValidName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && IsNameToken(name);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Pure helpers.

Status ValidateOptions(const NatsClusterOptions& o) {
  if (o.urls.empty()) return Status::InvalidArgument("cluster: nats_urls is empty");
  if (!ValidName(o.instance_name))
    return Status::InvalidArgument("cluster: instance_name '" + o.instance_name +
                                   "' must be 1-64 characters of [-_A-Za-z0-9]");
  if (o.shards < 1 || o.shards > 4096)
    return Status::InvalidArgument("cluster: shards must be 1..4096 (got " +
                                   std::to_string(o.shards) + ")");
  if (o.lease_ttl < std::chrono::seconds(1))
    return Status::InvalidArgument("cluster: lease_ttl must be at least 1s");
  auto renew = o.renew_interval.count() > 0 ? o.renew_interval : o.lease_ttl / 3;
  if (renew >= o.lease_ttl - o.safety_margin)
    return Status::InvalidArgument(
        "cluster: renew_interval must be shorter than lease_ttl minus the safety margin");
  if (o.replicas < 1 || o.replicas > 5)
    return Status::InvalidArgument("cluster: replicas must be 1..5");
  if (o.near_dup_window < std::chrono::seconds(1))
    return Status::InvalidArgument("cluster: near_dup_window must be at least 1s");
  if (o.claim_index_wait.count() <= 0)
    return Status::InvalidArgument("cluster: claim_index_wait must be positive");
  if (!IsNameToken(o.name_prefix))
    return Status::InvalidArgument("cluster: name_prefix must be [-_A-Za-z0-9]");
  return Status::Ok();
}

NatsClusterOptions OptionsFromConfig(const ClusterConfig& config) {
  NatsClusterOptions o;
  o.urls = config.nats_urls;
  o.instance_name = config.instance_name;
  o.shards = static_cast<int>(config.shards);
  o.lease_ttl = config.lease_ttl;
  o.replicas = static_cast<int>(config.replicas);
  o.near_dup_window = config.near_dup_window;
  o.claim_index_wait = config.claim_index_wait;
  return o;
}

int ShardOfHost(std::string_view host, int shards) {
  if (shards <= 1) return 0;
  return static_cast<int>(XXH3_64bits(host.data(), host.size()) % static_cast<uint64_t>(shards));
}

int FairShare(const std::vector<std::string>& live, std::string_view self, int shards) {
  std::vector<std::string> sorted = live;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  auto it = std::find(sorted.begin(), sorted.end(), self);
  if (it == sorted.end()) return 0;
  const int n = static_cast<int>(sorted.size());
  const int index = static_cast<int>(it - sorted.begin());
  return shards / n + (index < shards % n ? 1 : 0);
}

std::string UrlHash(std::string_view url) {
  XXH128_hash_t h = XXH3_128bits(url.data(), url.size());
  char buf[33];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return buf;
}

// ---------------------------------------------------------------------------------------------
// NatsCluster: its parts, each with the state it needs, over one JetStream client.

struct NatsCluster::Impl {
  explicit Impl(NatsClusterOptions o)
      : options(std::move(o)),
        names(NamesFor(options.name_prefix)),
        client(JsClient::Options{options.op_timeout, options.request_timeout, options.metrics,
                                 options.clock}),
        leases(&client, options, names),
        claim_log(&client, options, names),
        claims(&client, options, names, &leases, &claim_log),
        publisher(&client, options, names),
        routed(&client.metrics().GetCounter(
            "newscrawl_cluster_routed_total",
            "URLs handed to the owner of their host through NC_URLS.")) {}

  bool Running() const { return started && !client.stopping(); }

  const NatsClusterOptions options;
  const ClusterNames names;
  JsClient client;  // declared first of the parts: destroyed last
  ShardLeases leases;
  ClaimLog claim_log;
  ArticleClaims claims;
  Publisher publisher;
  Counter* const routed;
  bool started = false;  // Start/Stop thread only
  bool stopped = false;
};

NatsCluster::NatsCluster(NatsClusterOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

NatsCluster::~NatsCluster() { Stop(); }

const NatsClusterOptions& NatsCluster::options() const { return impl_->options; }

Status NatsCluster::Start(UrlSink sink) {
  Impl& m = *impl_;
  NC_RETURN_IF_ERROR(ValidateOptions(m.options));
  if (m.started) return Status::FailedPrecondition("cluster: Start called twice");
  NatsConnectOptions connect;
  connect.urls = m.options.urls;
  connect.name = "newscrawl-" + m.options.instance_name;
  connect.timeout = m.options.request_timeout;
  connect.fast_failure_detection = true;
  connect.reconnect_buffer_bytes = 8 << 20;  // keep publishing while a node is down
  connect.global_message_delivery = true;    // one pool thread for the URL subscriptions
  connect.send_asap = true;                  // claims and publishes wait for their replies
  NC_RETURN_IF_ERROR(m.client.Connect(std::move(connect)));
  const auto forever = std::chrono::milliseconds(0);
  auto leases_kv =
      m.client.OpenBucket(m.names.leases_bucket, m.options.lease_ttl, m.options.replicas,
                          "newscrawl shard leases; shards=" + std::to_string(m.options.shards));
  if (!leases_kv.ok()) return leases_kv.status();
  auto claims_kv = m.client.OpenBucket(m.names.claims_bucket, forever, m.options.replicas,
                                       "newscrawl article claims");
  if (!claims_kv.ok()) return claims_kv.status();
  NC_RETURN_IF_ERROR(m.client.EnsureStream(
      m.names.urls_stream, m.names.urls_subject_prefix + "*", m.options.replicas,
      m.options.url_max_age, m.options.url_max_bytes, m.options.url_duplicate_window));
  // The claim log: no Nats-Msg-Id is sent (a repeated message of an id changes nothing), so a
  // short duplicate window.
  NC_RETURN_IF_ERROR(m.client.EnsureStream(
      m.names.claimlog_stream, m.names.claimlog_subject, m.options.replicas,
      m.options.near_dup_window, -1,
      std::min<std::chrono::milliseconds>(std::chrono::minutes(1), m.options.near_dup_window)));
  NC_RETURN_IF_ERROR(m.client.EnsureStream(
      m.names.articles_stream, m.names.articles_subject_prefix + ">", m.options.replicas,
      m.options.article_max_age, -1, m.options.article_duplicate_window));
  m.started = true;
  m.claim_log.Start();  // replays the claim log into the near-duplicate index
  m.claims.Start(*claims_kv);
  m.leases.Start(*leases_kv, std::move(sink));
  m.publisher.Start();
  spdlog::info("cluster: instance {} joined ({} shards, lease {} ms)", m.options.instance_name,
               m.options.shards, m.options.lease_ttl.count());
  return Status::Ok();
}

void NatsCluster::Stop() {
  Impl& m = *impl_;
  if (!m.started || m.stopped) return;
  m.stopped = true;
  m.client.BeginStop();
  m.leases.Stop();
  m.claim_log.Stop();
  m.publisher.Stop();
  m.client.Close();
  spdlog::info("cluster: instance {} left", m.options.instance_name);
}

bool NatsCluster::OwnsHost(std::string_view host) {
  return impl_->leases.OwnsShard(ShardOfHost(host, impl_->options.shards));
}

Status NatsCluster::Route(const pipeline::FrontierEntry& entry) {
  if (pipeline::ClusterHostKey(entry.url).empty())
    return Status::InvalidArgument("cluster: cannot route URL " + entry.url);
  return RouteAll({entry});
}

Status NatsCluster::RouteAll(const std::vector<pipeline::FrontierEntry>& entries) {
  Impl& m = *impl_;
  if (!m.Running()) return Status::FailedPrecondition("cluster not started");
  // Sent in chunks, each one round trip: a sitemap of 50,000 URLs at once would outlast the
  // request timeout on a busy broker and be sent again.
  constexpr size_t kChunk = 512;
  std::vector<JsRequest> requests;
  std::vector<const pipeline::FrontierEntry*> routed;
  for (size_t i = 0; i < entries.size(); ++i) {
    const pipeline::FrontierEntry& e = entries[i];
    const std::string key = pipeline::ClusterHostKey(e.url);
    if (key.empty()) {
      spdlog::warn("cluster: not routing {}: no host", e.url);  // nobody could fetch it
    } else {
      JsRequest r;
      r.subject = m.names.urls_subject_prefix + std::to_string(ShardOfHost(key, m.options.shards));
      r.headers = {{"Nats-Msg-Id", UrlHash(e.url)}};  // a repeat within the window is dropped
      r.body = EncodeRoutedEntry(e);
      requests.push_back(std::move(r));
      routed.push_back(&e);
    }
    if (requests.size() < kChunk && i + 1 < entries.size()) continue;
    std::vector<JsReply> replies;
    NC_RETURN_IF_ERROR(m.client.RoundTrip("route", requests, &replies));
    for (size_t k = 0; k < replies.size(); ++k) {
      const PubAckReply ack = ParsePubAck(replies[k].body);
      if (ack.code != 0) {
        m.client.BrokerErrors("route").Increment();
        return Status::IoError("cluster: routing " + routed[k]->url + ": " + ack.description);
      }
    }
    m.routed->Increment(replies.size());
    requests.clear();
    routed.clear();
  }
  return Status::Ok();
}

Result<pipeline::ClaimDecision> NatsCluster::Claim(const Article& article) {
  return Claim(article, FingerprintText(article.text, NearDupOptions().shingle_words));
}

Result<pipeline::ClaimDecision> NatsCluster::Claim(const Article& article,
                                                   const TextFingerprints& text) {
  Impl& m = *impl_;
  if (!m.Running()) return Status::FailedPrecondition("cluster not started");
  std::string id = article.id;
  if (id.empty()) {  // the id the store will give it (common/article_identity.h)
    auto identity = IdentifyArticleUrls(article);
    if (identity.ok()) id = identity->id;
  }
  if (id.empty()) return Status::InvalidArgument("cluster: cannot claim " + article.url);
  return m.claims.Claim(id, article, text);
}

bool NatsCluster::IsPublished(std::string_view canonical_url) {
  Impl& m = *impl_;
  return m.Running() && m.claims.IsPublished(ArticleIdFor(canonical_url));
}

Status NatsCluster::Publish(const Article& record, std::string_view record_json,
                            store::EventKind event) {
  Impl& m = *impl_;
  if (!m.Running()) return Status::FailedPrecondition("cluster not started");
  return m.publisher.Publish(record, record_json, event);
}

Status NatsCluster::Flush() {
  if (!impl_->started) return Status::FailedPrecondition("cluster not started");
  return impl_->publisher.Flush();
}

std::vector<int> NatsCluster::OwnedShards() const { return impl_->leases.OwnedShards(); }

std::vector<std::string> NatsCluster::LiveInstances() const {
  return impl_->leases.LiveInstances();
}

bool NatsCluster::Connected() const { return impl_->client.connected(); }

Status NatsCluster::RenewNow() { return impl_->leases.RenewNow(); }

void NatsCluster::PauseRenewalsForTesting() { impl_->leases.PauseRenewals(); }

void NatsCluster::PauseClaimIndexForTesting(bool reader, bool catch_up) {
  impl_->claim_log.PauseForTesting(reader, catch_up);
}

// ---------------------------------------------------------------------------------------------
// Factory.

Result<std::unique_ptr<NatsCluster>> MakeNatsCluster(const ClusterConfig& config,
                                                     MetricsRegistry* metrics) {
  if (!config.enabled) return Status::InvalidArgument("cluster: not enabled in the config");
  NatsClusterOptions options = OptionsFromConfig(config);
  options.metrics = metrics;
  NC_RETURN_IF_ERROR(ValidateOptions(options));
  return std::make_unique<NatsCluster>(std::move(options));
}

}  // namespace newscrawl::cluster
