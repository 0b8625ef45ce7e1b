// NatsCluster: connection, JetStream setup, retries, routing and publishing.
// Shard leases are in leases.cc (NatsCluster::Impl's lease round), claims in claims.cc.
#include "cluster/nats_cluster.h"

#include <spdlog/spdlog.h>
#include <xxhash.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <thread>

#include "cluster/cluster_impl.h"
#include "cluster/names.h"
#include "common/fingerprint.h"
#include "common/url.h"
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
// Impl: connection and retries.

NatsCluster::Impl::Impl(NatsClusterOptions o)
    : options(std::move(o)),
      clock(options.clock != nullptr ? options.clock : &SystemClock()),
      registry(options.metrics != nullptr ? options.metrics : &MetricsRegistry::Default()),
      renew_interval(options.renew_interval.count() > 0 ? options.renew_interval
                                                        : options.lease_ttl / 3),
      shard_states(static_cast<size_t>(options.shards)) {
  const ClusterNames names = NamesFor(options.name_prefix);
  leases_bucket = names.leases_bucket;
  claims_bucket = names.claims_bucket;
  urls_stream = names.urls_stream;
  urls_subject_prefix = names.urls_subject_prefix;
  articles_stream = names.articles_stream;
  articles_subject_prefix = names.articles_subject_prefix;
  MetricsRegistry& r = *registry;
  shards_owned =
      &r.GetGauge("newscrawl_cluster_shards_owned", "Host shards whose lease this instance holds.");
  live_instances = &r.GetGauge("newscrawl_cluster_live_instances",
                               "Instances with a live heartbeat at the last lease round.");
  connected_gauge =
      &r.GetGauge("newscrawl_cluster_connected", "1 while connected to a NATS server, else 0.");
  reconnects =
      &r.GetCounter("newscrawl_cluster_reconnects_total", "Reconnections to the NATS cluster.");
  routed = &r.GetCounter("newscrawl_cluster_routed_total",
                         "URLs handed to the owner of their host through NC_URLS.");
  delivered = &r.GetCounter("newscrawl_cluster_delivered_total",
                            "URLs of owned shards handed to the local frontier.");
  for (const char* result : {"new", "duplicate"})
    published[result] = &r.GetCounter("newscrawl_cluster_published_total",
                                      "Articles published to ARTICLES, by PubAck (duplicate = "
                                      "already there with the same id and version).",
                                      {{"result", result}});
  for (const char* result :
       {"store", "duplicate_url", "duplicate_content", "duplicate_near", "retry"})
    claims[result] =
        &r.GetCounter("newscrawl_cluster_claims_total", "Cluster-wide claim decisions, by result.",
                      {{"result", result}});
  for (const char* change : {"acquired", "lost", "released"})
    lease_changes[change] =
        &r.GetCounter("newscrawl_cluster_lease_changes_total",
                      "Shard lease changes of this instance.", {{"change", change}});
}

NatsCluster::Impl::~Impl() { CloseConnection(); }

void NatsCluster::Impl::CloseConnection() {
  if (!conn) return;
  requests.reset();
  claims_kv.reset();
  leases_kv.reset();
  js.reset();
  conn.reset();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!closed_callback_done.load() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

Counter& NatsCluster::Impl::BrokerErrors(const std::string& op) {
  std::lock_guard<std::mutex> lock(metrics_mu);
  auto it = broker_errors.find(op);
  if (it != broker_errors.end()) return *it->second;
  Counter& c = registry->GetCounter("newscrawl_cluster_broker_errors_total",
                                    "Failed broker operations (each retry counts), by operation.",
                                    {{"op", op}});
  broker_errors[op] = &c;
  return c;
}

void NatsCluster::Impl::NoteBrokerError(const std::string& op, const Status& status) {
  BrokerErrors(op).Increment();
  // Log at most one line per op per second: an outage would otherwise flood the journal.
  const int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock->SteadyNow().time_since_epoch())
          .count();
  std::lock_guard<std::mutex> lock(metrics_mu);
  int64_t& last = last_logged_ms[op];
  if (now - last >= 1000) {
    last = now;
    spdlog::warn("cluster {}: {} (retrying)", op, status.ToString());
  }
}

Status NatsCluster::Impl::Retry(const std::string& op, const std::function<natsStatus()>& call,
                                const std::function<bool(natsStatus)>& final_status,
                                std::chrono::milliseconds budget) {
  if (budget.count() <= 0) budget = options.op_timeout;
  const auto deadline = std::chrono::steady_clock::now() + budget;
  auto backoff = std::chrono::milliseconds(50);
  while (true) {
    natsStatus s = call();
    if (s == NATS_OK) return Status::Ok();
    Status error = NatsError(s, op);
    if (final_status && final_status(s)) return error;
    const bool transient = IsTransient(s) || s == NATS_ERR;
    if (!transient) {
      BrokerErrors(op).Increment();
      return error;
    }
    NoteBrokerError(op, error);
    if (stopping.load() || std::chrono::steady_clock::now() + backoff > deadline)
      return Status::Unavailable(error.message() + "; gave up after " +
                                 std::to_string(budget.count()) + " ms of retries");
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
  }
}

namespace {

void OnDisconnected(natsConnection*, void* closure) {
  auto* impl = static_cast<NatsCluster::Impl*>(closure);
  impl->connected.store(false);
  impl->connected_gauge->Set(0);
  impl->trouble_epoch.fetch_add(1);
}

void OnReconnected(natsConnection*, void* closure) {
  auto* impl = static_cast<NatsCluster::Impl*>(closure);
  impl->connected.store(true);
  impl->connected_gauge->Set(1);
  impl->reconnects->Increment();
  impl->trouble_epoch.fetch_add(1);
}

void OnClosed(natsConnection*, void* closure) {
  auto* impl = static_cast<NatsCluster::Impl*>(closure);
  impl->connected.store(false);
  impl->connected_gauge->Set(0);
  impl->closed_callback_done.store(true);  // last touch: the Impl may be destroyed right after
}

void OnAsyncError(natsConnection*, natsSubscription*, natsStatus err, void* closure) {
  auto* impl = static_cast<NatsCluster::Impl*>(closure);
  impl->async_errors.fetch_add(1);
  impl->trouble_epoch.fetch_add(1);
  impl->BrokerErrors(std::string("async_") + natsStatus_GetText(err)).Increment();
}

}  // namespace

Status NatsCluster::Impl::Connect() {
  NatsConnectOptions o;
  o.urls = options.urls;
  o.name = "newscrawl-" + options.instance_name;
  o.timeout = options.request_timeout;
  o.fast_failure_detection = true;
  o.reconnect_buffer_bytes = 8 << 20;  // keep publishing while a node is down
  o.on_disconnected = OnDisconnected;
  o.on_reconnected = OnReconnected;
  o.on_closed = OnClosed;
  o.on_async_error = OnAsyncError;
  o.closure = this;
  o.global_message_delivery = true;  // one pool thread for the URL subscriptions
  auto connection = ConnectJetStream(
      o, [this](const std::function<natsStatus()>& attempt) { return Retry("connect", attempt); });
  if (!connection.ok()) return connection.status();
  conn = std::move(connection->conn);
  js = std::move(connection->js);
  connected.store(true);
  connected_gauge->Set(1);
  auto started = AsyncRequests::Start(conn.get());
  if (!started.ok()) return started.status();
  requests = std::move(started).value();
  return Status::Ok();
}

Status NatsCluster::Impl::EnsureStream(const std::string& name, const std::string& subject,
                                       std::chrono::milliseconds max_age, int64_t max_bytes,
                                       std::chrono::milliseconds duplicates) {
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = name.c_str();
  const char* subjects[] = {subject.c_str()};
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  cfg.Replicas = options.replicas;
  cfg.MaxAge = static_cast<int64_t>(max_age.count()) * 1000000;
  cfg.MaxBytes = max_bytes;
  cfg.Duplicates = static_cast<int64_t>(duplicates.count()) * 1000000;
  return Retry("create_stream", [&] {
    jsStreamInfo* si = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_AddStream(&si, js.get(), &cfg, nullptr, &code);
    JsStreamInfoPtr owned(si);
    if (s != NATS_OK && code == JSStreamNameExistErr) return NATS_OK;  // made by another instance
    return s;
  });
}

Status NatsCluster::Impl::EnsureBucket(const std::string& bucket, std::chrono::milliseconds ttl,
                                       const std::string& description, KvStorePtr* out) {
  kvStore* kv = nullptr;
  Status st = Retry(
      "bind_bucket", [&] { return js_KeyValue(&kv, js.get(), bucket.c_str()); },
      [](natsStatus s) { return s == NATS_NOT_FOUND; });
  if (st.code() == StatusCode::kNotFound) {
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = bucket.c_str();
    cfg.Description = description.c_str();
    cfg.History = 1;
    cfg.TTL = static_cast<int64_t>(ttl.count()) * 1000000;
    cfg.StorageType = js_FileStorage;
    cfg.Replicas = options.replicas;
    st = Retry("create_bucket", [&] {
      natsStatus s = js_CreateKeyValue(&kv, js.get(), &cfg);
      if (s == NATS_ERR) s = js_KeyValue(&kv, js.get(), bucket.c_str());  // created meanwhile
      return s;
    });
  }
  if (!st.ok()) return st;
  out->reset(kv);
  // Every instance must use the same number of shards: the bucket's description says it.
  if (!description.empty()) {
    jsStreamInfo* si = nullptr;
    std::string stream = "KV_" + bucket;
    natsStatus s = js_GetStreamInfo(&si, js.get(), stream.c_str(), nullptr, nullptr);
    JsStreamInfoPtr info(si);
    if (s == NATS_OK && info->Config != nullptr && info->Config->Description != nullptr &&
        description != info->Config->Description)
      return Status::FailedPrecondition("cluster: bucket " + bucket + " was made with \"" +
                                        info->Config->Description + "\" but this instance has \"" +
                                        description +
                                        "\": every instance must use the same shards");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// KV primitives with retries. Keys are built by the callers from [-_=.A-Za-z0-9].

Result<KvValue> NatsCluster::Impl::KvGet(kvStore* kv, const std::string& key, const std::string& op,
                                         std::chrono::milliseconds budget) {
  kvEntry* e = nullptr;
  Status st = Retry(
      op, [&] { return kvStore_Get(&e, kv, key.c_str()); },
      [](natsStatus s) { return s == NATS_NOT_FOUND; }, budget);
  if (!st.ok()) return st;
  KvEntryPtr entry(e);
  KvValue v;
  const char* data = static_cast<const char*>(kvEntry_Value(e));
  v.value.assign(data != nullptr ? data : "", static_cast<size_t>(kvEntry_ValueLen(e)));
  v.revision = kvEntry_Revision(e);
  v.created_ns = kvEntry_Created(e);
  return v;
}

// A compare-and-set put on "$KV.<bucket>.<key>" (js_Publish, so the error code tells a lost CAS
// from broker trouble). Returns the new revision.
Result<uint64_t> NatsCluster::Impl::KvPut(const std::string& bucket, const std::string& key,
                                          std::string_view value,
                                          std::optional<uint64_t> expected_revision,
                                          const std::string& op, std::chrono::milliseconds budget) {
  const std::string subject = "$KV." + bucket + "." + key;
  uint64_t revision = 0;
  bool conflict = false;
  Status st = Retry(
      op,
      [&] {
        jsPubOptions po;
        jsPubOptions_Init(&po);
        po.MaxWait = options.request_timeout.count();
        if (expected_revision) {
          if (*expected_revision == 0)
            po.ExpectNoMessage = true;
          else
            po.ExpectLastSubjectSeq = *expected_revision;
        }
        jsPubAck* ack = nullptr;
        jsErrCode code = static_cast<jsErrCode>(0);
        natsStatus s = js_Publish(&ack, js.get(), subject.c_str(), value.data(),
                                  static_cast<int>(value.size()), &po, &code);
        JsPubAckPtr owned(ack);
        if (s == NATS_OK) revision = ack->Sequence;
        if (s != NATS_OK && code == JSStreamWrongLastSequenceErr) conflict = true;
        return s;
      },
      [&](natsStatus) { return conflict; }, budget);
  if (conflict) return Status::AlreadyExists(key + " changed (compare-and-set lost)");
  if (!st.ok()) return st;
  return revision;
}

// ---------------------------------------------------------------------------------------------
// NatsCluster.

NatsCluster::NatsCluster(NatsClusterOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

NatsCluster::~NatsCluster() { Stop(); }

const NatsClusterOptions& NatsCluster::options() const { return impl_->options; }

Status NatsCluster::Start(UrlSink sink) {
  Impl& m = *impl_;
  NC_RETURN_IF_ERROR(ValidateOptions(m.options));
  if (m.started) return Status::FailedPrecondition("cluster: Start called twice");
  m.sink = std::move(sink);
  NC_RETURN_IF_ERROR(m.Connect());
  const int64_t forever = 0;
  NC_RETURN_IF_ERROR(m.EnsureBucket(
      m.leases_bucket, m.options.lease_ttl,
      "newscrawl shard leases; shards=" + std::to_string(m.options.shards), &m.leases_kv));
  NC_RETURN_IF_ERROR(m.EnsureBucket(m.claims_bucket, std::chrono::milliseconds(forever),
                                    "newscrawl article claims", &m.claims_kv));
  NC_RETURN_IF_ERROR(m.EnsureStream(m.urls_stream, m.urls_subject_prefix + "*",
                                    m.options.url_max_age, m.options.url_max_bytes,
                                    m.options.url_duplicate_window));
  NC_RETURN_IF_ERROR(m.EnsureStream(m.articles_stream, m.articles_subject_prefix + ">",
                                    m.options.article_max_age, -1,
                                    m.options.article_duplicate_window));
  m.started = true;
  // A first round at once (heartbeat + a share of the free shards), then the background loop.
  Status first = m.LeaseRound();
  if (!first.ok()) spdlog::warn("cluster: first lease round: {}", first.ToString());
  m.lease_thread = std::thread([&m] { m.LeaseLoop(); });
  m.confirm_thread = std::thread([&m] { m.ConfirmLoop(); });
  spdlog::info("cluster: instance {} joined ({} shards, lease {} ms, renew every {} ms)",
               m.options.instance_name, m.options.shards, m.options.lease_ttl.count(),
               m.renew_interval.count());
  return Status::Ok();
}

void NatsCluster::Stop() {
  Impl& m = *impl_;
  if (!m.started || m.stopped) return;
  m.stopped = true;
  {
    std::lock_guard<std::mutex> lock(m.loop_mu);
    m.stopping.store(true);
  }
  m.loop_cv.notify_all();
  if (m.lease_thread.joinable()) m.lease_thread.join();
  m.publish_sent.notify_all();
  if (m.confirm_thread.joinable()) m.confirm_thread.join();
  m.ReleaseAll();
  m.WaitForSubscriptions();
  {
    // Publishes still in flight get a last chance (a daemon that did not see them confirmed
    // publishes them again after a restart).
    std::lock_guard<std::mutex> lock(m.publish_mu);
    if (m.requests)
      m.SettlePublishes(0, std::chrono::steady_clock::now() +
                               std::min(m.options.op_timeout, std::chrono::milliseconds(5000)));
  }
  m.CloseConnection();
  spdlog::info("cluster: instance {} left", m.options.instance_name);
}

bool NatsCluster::OwnsHost(std::string_view host) {
  return impl_->OwnsShard(ShardOfHost(host, impl_->options.shards));
}

Status NatsCluster::Route(const pipeline::FrontierEntry& entry) {
  Impl& m = *impl_;
  if (!m.started || m.stopping.load()) return Status::FailedPrecondition("cluster not started");
  const std::string key = pipeline::ClusterHostKey(entry.url);
  if (key.empty()) return Status::InvalidArgument("cluster: cannot route URL " + entry.url);
  const std::string subject =
      m.urls_subject_prefix + std::to_string(ShardOfHost(key, m.options.shards));
  const std::string body = EncodeRoutedEntry(entry);
  const std::string msg_id = UrlHash(entry.url);
  Status st = m.Retry("route", [&] {
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MsgId = msg_id.c_str();
    po.MaxWait = m.options.request_timeout.count();
    jsPubAck* ack = nullptr;
    natsStatus s = js_Publish(&ack, m.js.get(), subject.c_str(), body.data(),
                              static_cast<int>(body.size()), &po, nullptr);
    JsPubAckPtr owned(ack);
    return s;
  });
  if (st.ok()) m.routed->Increment();
  return st.WithContext("routing " + entry.url);
}

bool NatsCluster::IsPublished(std::string_view canonical_url) {
  Impl& m = *impl_;
  if (!m.started || m.stopping.load()) return false;
  auto v = m.KvGet(m.claims_kv.get(), "u." + ArticleIdFor(canonical_url), "is_published");
  if (!v.ok()) return false;
  return ParseUrlClaim(v->value).published;
}

// ---------------------------------------------------------------------------------------------
// Routed entries: the URL on the first line, then the frontier entry JSON (pipeline/frontier.h).

std::string EncodeRoutedEntry(const pipeline::FrontierEntry& entry) {
  return entry.url + "\n" + pipeline::EncodeEntry(entry);
}

Result<pipeline::FrontierEntry> DecodeRoutedEntry(std::string_view body) {
  size_t nl = body.find('\n');
  if (nl == std::string_view::npos || nl == 0)
    return Status::Corruption("cluster: routed URL message without a URL line");
  return pipeline::DecodeEntry(body.substr(0, nl), body.substr(nl + 1));
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
