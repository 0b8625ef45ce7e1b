#include "server/systemd_notify.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>
#include <cstring>
#include <string>

namespace newscrawl::server {

namespace {

Status Send(const std::string& message) {
  int rc = sd_notify(/*unset_environment=*/0, message.c_str());
  if (rc >= 0) return Status::Ok();  // > 0 sent, 0 = NOTIFY_SOCKET unset
  std::string first_line = message.substr(0, message.find('\n'));
  return Status::IoError("cannot notify systemd (" + first_line + "): " + std::strerror(-rc));
}

std::string OneLine(std::string_view text) {
  std::string line(text);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

}  // namespace

bool NotifySocketSet() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  return socket != nullptr && socket[0] != '\0';
}

Status NotifyReady(std::string_view status) {
  if (status.empty()) return Send("READY=1");
  return Send("READY=1\nSTATUS=" + OneLine(status));
}

Status NotifyReloading() { return Send("RELOADING=1"); }
Status NotifyStopping() { return Send("STOPPING=1"); }
Status NotifyStatus(std::string_view text) { return Send("STATUS=" + OneLine(text)); }
Status NotifyWatchdog() { return Send("WATCHDOG=1"); }

std::optional<std::chrono::microseconds> WatchdogInterval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(/*unset_environment=*/0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::microseconds(usec);
}

}  // namespace newscrawl::server
