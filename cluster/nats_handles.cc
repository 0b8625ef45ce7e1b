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

}  // namespace newscrawl::cluster
