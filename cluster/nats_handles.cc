#include "cluster/nats_handles.h"

namespace newscrawl::cluster {

bool IsTransient(natsStatus s) {
  switch (s) {
    case NATS_TIMEOUT:
    case NATS_NO_RESPONDERS:
    case NATS_IO_ERROR:
    case NATS_NO_SERVER:
    case NATS_STALE_CONNECTION:
    case NATS_CONNECTION_DISCONNECTED:
    case NATS_NOT_YET_CONNECTED:
    case NATS_SLOW_CONSUMER:
    case NATS_MISSED_HEARTBEAT:
      return true;
    default:
      return false;
  }
}

Status NatsError(natsStatus s, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += natsStatus_GetText(s);
  natsStatus last_status = NATS_OK;
  const char* last = nats_GetLastError(&last_status);
  if (last != nullptr && *last != '\0' && last_status == s) {
    message += " (";
    message += last;
    message += ")";
  }
  if (s == NATS_NOT_FOUND) return Status::NotFound(std::move(message));
  if (IsTransient(s)) return Status::Unavailable(std::move(message));
  return Status::IoError(std::move(message));
}

Result<JsConnection> ConnectJetStream(
    const NatsConnectOptions& options,
    const std::function<Status(const std::function<natsStatus()>&)>& connect) {
  if (options.urls.empty()) return Status::InvalidArgument("no NATS URL given");
  natsOptions* raw = nullptr;
  natsStatus s = natsOptions_Create(&raw);
  if (s != NATS_OK) return NatsError(s, "creating NATS options");
  NatsOptionsPtr opts(raw);
  std::vector<const char*> servers;
  for (const std::string& url : options.urls) servers.push_back(url.c_str());
  s = natsOptions_SetServers(opts.get(), servers.data(), static_cast<int>(servers.size()));
  if (s == NATS_OK && !options.name.empty())
    s = natsOptions_SetName(opts.get(), options.name.c_str());
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts.get(), -1);  // unlimited
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts.get(), 250);
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts.get(), options.timeout.count());
  if (s == NATS_OK && options.fast_failure_detection) {
    s = natsOptions_SetReconnectJitter(opts.get(), 100, 1000);
    if (s == NATS_OK) s = natsOptions_SetPingInterval(opts.get(), 2000);
    if (s == NATS_OK) s = natsOptions_SetMaxPingsOut(opts.get(), 2);
  }
  if (s == NATS_OK && options.reconnect_buffer_bytes > 0)
    s = natsOptions_SetReconnectBufSize(opts.get(), options.reconnect_buffer_bytes);
  if (s == NATS_OK && options.on_disconnected != nullptr)
    s = natsOptions_SetDisconnectedCB(opts.get(), options.on_disconnected, options.closure);
  if (s == NATS_OK && options.on_reconnected != nullptr)
    s = natsOptions_SetReconnectedCB(opts.get(), options.on_reconnected, options.closure);
  if (s == NATS_OK && options.on_closed != nullptr)
    s = natsOptions_SetClosedCB(opts.get(), options.on_closed, options.closure);
  if (s == NATS_OK && options.on_async_error != nullptr)
    s = natsOptions_SetErrorHandler(opts.get(), options.on_async_error, options.closure);
  if (s == NATS_OK && options.global_message_delivery)
    s = natsOptions_UseGlobalMessageDelivery(opts.get(), true);
  if (s == NATS_OK && options.send_asap) s = natsOptions_SetSendAsap(opts.get(), true);
  if (s != NATS_OK) return NatsError(s, "setting NATS options");

  natsConnection* nc = nullptr;
  auto attempt = [&] { return natsConnection_Connect(&nc, opts.get()); };
  Status st;
  if (connect) {
    st = connect(attempt);
  } else if (natsStatus cs = attempt(); cs != NATS_OK) {
    st = NatsError(cs, "connect");
  }
  if (!st.ok() || nc == nullptr) {
    std::string joined;
    for (const std::string& url : options.urls) joined += (joined.empty() ? "" : ",") + url;
    return Status::Unavailable("cannot reach any NATS server of " + joined + ": " + st.message());
  }
  JsConnection out;
  out.conn.reset(nc);
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = options.timeout.count();
  jsCtx* js = nullptr;
  s = natsConnection_JetStream(&js, nc, &jo);
  if (s != NATS_OK) return NatsError(s, "creating the JetStream context");
  out.js.reset(js);
  return out;
}

}  // namespace newscrawl::cluster
