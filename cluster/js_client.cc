#include "cluster/js_client.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

namespace newscrawl::cluster {

JsClient::JsClient(Options options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : &SystemClock()),
      registry_(options_.metrics != nullptr ? options_.metrics : &MetricsRegistry::Default()) {
  connected_gauge_ = &registry_->GetGauge("newscrawl_cluster_connected",
                                          "1 while connected to a NATS server, else 0.");
  reconnects_ = &registry_->GetCounter("newscrawl_cluster_reconnects_total",
                                       "Reconnections to the NATS cluster.");
}

JsClient::~JsClient() { Close(); }

namespace {

// The URL of the server `nc` is connected to, "?" when none.
std::string ConnectedUrl(natsConnection* nc) {
  char url[256];
  return natsConnection_GetConnectedUrl(nc, url, sizeof(url)) == NATS_OK ? url : "?";
}

}  // namespace

// The connection events are logged (rarely: a node going away): which server a client was on
// tells why its requests time out while others' do not.
void JsClient::OnDisconnected(natsConnection*, void* closure) {
  auto* self = static_cast<JsClient*>(closure);
  self->connected_.store(false);
  self->connected_gauge_->Set(0);
  self->trouble_epoch_.fetch_add(1);
  if (!self->closing_.load()) spdlog::warn("cluster: disconnected from NATS (reconnecting)");
}

void JsClient::OnReconnected(natsConnection* nc, void* closure) {
  auto* self = static_cast<JsClient*>(closure);
  self->connected_.store(true);
  self->connected_gauge_->Set(1);
  self->reconnects_->Increment();
  self->trouble_epoch_.fetch_add(1);
  spdlog::warn("cluster: reconnected to NATS at {}", ConnectedUrl(nc));
}

void JsClient::OnClosed(natsConnection*, void* closure) {
  auto* self = static_cast<JsClient*>(closure);
  self->connected_.store(false);
  self->connected_gauge_->Set(0);
  self->closed_callback_done_.store(true);  // last touch: the client may be destroyed right after
}

void JsClient::OnAsyncError(natsConnection*, natsSubscription*, natsStatus err, void* closure) {
  auto* self = static_cast<JsClient*>(closure);
  self->trouble_epoch_.fetch_add(1);
  self->BrokerErrors(std::string("async_") + natsStatus_GetText(err)).Increment();
}

Status JsClient::Connect(NatsConnectOptions connect) {
  connect.on_disconnected = OnDisconnected;
  connect.on_reconnected = OnReconnected;
  connect.on_closed = OnClosed;
  connect.on_async_error = OnAsyncError;
  connect.closure = this;
  auto connection = ConnectJetStream(connect, [this](const std::function<natsStatus()>& attempt) {
    return Retry("connect", attempt);
  });
  if (!connection.ok()) return connection.status();
  conn_ = std::move(connection->conn);
  js_ = std::move(connection->js);
  connected_.store(true);
  connected_gauge_->Set(1);
  spdlog::info("cluster: connected to NATS at {}", ConnectedUrl(conn_.get()));
  auto started = AsyncRequests::Start(conn_.get());
  if (!started.ok()) return started.status();
  requests_ = std::move(started).value();
  return Status::Ok();
}

void JsClient::Close() {
  if (!conn_) return;
  closing_.store(true);
  requests_.reset();
  buckets_.clear();
  js_.reset();
  conn_.reset();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!closed_callback_done_.load() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

Counter& JsClient::BrokerErrors(const std::string& op) {
  std::lock_guard<std::mutex> lock(metrics_mu_);
  auto it = broker_errors_.find(op);
  if (it != broker_errors_.end()) return *it->second;
  Counter& c = registry_->GetCounter("newscrawl_cluster_broker_errors_total",
                                     "Failed broker operations (each retry counts), by operation.",
                                     {{"op", op}});
  broker_errors_[op] = &c;
  return c;
}

void JsClient::NoteBrokerError(const std::string& op, const Status& status) {
  BrokerErrors(op).Increment();
  // Log at most one line per op per second: an outage would otherwise flood the journal.
  const int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_->SteadyNow().time_since_epoch())
          .count();
  std::lock_guard<std::mutex> lock(metrics_mu_);
  int64_t& last = last_logged_ms_[op];
  if (now - last >= 1000) {
    last = now;
    spdlog::warn("cluster {}: {} (retrying)", op, status.ToString());
  }
}

Status JsClient::Retry(const std::string& op, const std::function<natsStatus()>& call,
                       const std::function<bool(natsStatus)>& final_status,
                       std::chrono::milliseconds budget) {
  if (budget.count() <= 0) budget = options_.op_timeout;
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
    if (stopping_.load() || std::chrono::steady_clock::now() + backoff > deadline)
      return Status::Unavailable(error.message() + "; gave up after " +
                                 std::to_string(budget.count()) + " ms of retries");
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
  }
}

Status JsClient::RoundTrip(const std::string& op, const std::vector<JsRequest>& batch,
                           std::vector<JsReply>* replies) {
  replies->assign(batch.size(), JsReply{});
  std::vector<size_t> todo(batch.size());
  for (size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  const auto deadline = std::chrono::steady_clock::now() + options_.op_timeout;
  auto backoff = std::chrono::milliseconds(50);
  while (true) {
    std::vector<AsyncRequests::Ticket> tickets;
    tickets.reserve(todo.size());
    for (size_t i : todo) tickets.push_back(requests_->Send(batch[i]));
    requests_->Wait(tickets, std::chrono::steady_clock::now() + options_.request_timeout);
    std::vector<size_t> again;
    Status trouble;
    for (size_t k = 0; k < todo.size(); ++k) {
      JsReply reply = requests_->Take(tickets[k]);
      if (IsTransientReply(reply)) {
        again.push_back(todo[k]);
        if (trouble.ok()) trouble = ReplyError(reply, op);
      }
      (*replies)[todo[k]] = std::move(reply);
    }
    if (again.empty()) return Status::Ok();
    NoteBrokerError(op, trouble);
    if (stopping_.load() || std::chrono::steady_clock::now() + backoff > deadline)
      return Status::Unavailable(trouble.message() + "; gave up after " +
                                 std::to_string(options_.op_timeout.count()) + " ms of retries");
    std::this_thread::sleep_for(backoff);
    backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
    todo = std::move(again);
  }
}

Status JsClient::EnsureStream(const std::string& name, const std::string& subject, int replicas,
                              std::chrono::milliseconds max_age, int64_t max_bytes,
                              std::chrono::milliseconds duplicates) {
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = name.c_str();
  const char* subjects[] = {subject.c_str()};
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  cfg.Replicas = replicas;
  cfg.MaxAge = static_cast<int64_t>(max_age.count()) * 1000000;
  cfg.MaxBytes = max_bytes;
  cfg.Duplicates = static_cast<int64_t>(duplicates.count()) * 1000000;
  return Retry("create_stream", [&] {
    jsStreamInfo* si = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = js_AddStream(&si, js_.get(), &cfg, nullptr, &code);
    JsStreamInfoPtr owned(si);
    if (s != NATS_OK && code == JSStreamNameExistErr) return NATS_OK;  // made by another instance
    return s;
  });
}

Result<kvStore*> JsClient::OpenBucket(const std::string& bucket, std::chrono::milliseconds ttl,
                                      int replicas, const std::string& description) {
  kvStore* kv = nullptr;
  Status st = Retry(
      "bind_bucket", [&] { return js_KeyValue(&kv, js_.get(), bucket.c_str()); },
      [](natsStatus s) { return s == NATS_NOT_FOUND; });
  if (st.code() == StatusCode::kNotFound) {
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = bucket.c_str();
    cfg.Description = description.c_str();
    cfg.History = 1;
    cfg.TTL = static_cast<int64_t>(ttl.count()) * 1000000;
    cfg.StorageType = js_FileStorage;
    cfg.Replicas = replicas;
    st = Retry("create_bucket", [&] {
      natsStatus s = js_CreateKeyValue(&kv, js_.get(), &cfg);
      if (s == NATS_ERR) s = js_KeyValue(&kv, js_.get(), bucket.c_str());  // created meanwhile
      return s;
    });
  }
  if (!st.ok()) return st;
  buckets_.emplace_back(kv);
  if (!description.empty()) {
    jsStreamInfo* si = nullptr;
    const std::string stream = "KV_" + bucket;
    natsStatus s = js_GetStreamInfo(&si, js_.get(), stream.c_str(), nullptr, nullptr);
    JsStreamInfoPtr info(si);
    if (s == NATS_OK && info->Config != nullptr && info->Config->Description != nullptr &&
        description != info->Config->Description)
      return Status::FailedPrecondition("cluster: bucket " + bucket + " was made with \"" +
                                        info->Config->Description + "\" but this instance has \"" +
                                        description +
                                        "\": every instance must use the same shards");
  }
  return kv;
}

// Keys are built by the callers from [-_=.A-Za-z0-9].
Result<KvValue> JsClient::KvGet(kvStore* kv, const std::string& key, const std::string& op,
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

// A publish to "$KV.<bucket>.<key>" (js_Publish, so the error code tells a lost CAS from broker
// trouble).
Result<uint64_t> JsClient::KvPut(const std::string& bucket, const std::string& key,
                                 std::string_view value, std::optional<uint64_t> expected_revision,
                                 const std::string& op, std::chrono::milliseconds budget) {
  const std::string subject = "$KV." + bucket + "." + key;
  uint64_t revision = 0;
  bool conflict = false;
  Status st = Retry(
      op,
      [&] {
        jsPubOptions po;
        jsPubOptions_Init(&po);
        po.MaxWait = options_.request_timeout.count();
        if (expected_revision) {
          if (*expected_revision == 0)
            po.ExpectNoMessage = true;
          else
            po.ExpectLastSubjectSeq = *expected_revision;
        }
        jsPubAck* ack = nullptr;
        jsErrCode code = static_cast<jsErrCode>(0);
        natsStatus s = js_Publish(&ack, js_.get(), subject.c_str(), value.data(),
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

}  // namespace newscrawl::cluster
