// Thin wrappers over sd_notify(3) for a Type=notify service (systemd 252 on Debian 12, so no
// Type=notify-reload: on SIGHUP send NotifyReloading(), reload, then NotifyReady()).
//
// Every call is a no-op returning OK when NOTIFY_SOCKET is unset (not started by systemd), so the
// daemon calls them unconditionally. A failure to reach the socket is an IoError the daemon may
// log; it is never fatal. Thread safety: all functions may be called from any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "common/status.h"

namespace newscrawl::server {

// Whether NOTIFY_SOCKET is set, i.e. whether the notifications below go anywhere.
bool NotifySocketSet();

// "READY=1": startup (or a reload) is complete. With a non-empty `status`, also "STATUS=<status>"
// in the same datagram.
Status NotifyReady(std::string_view status = {});
// "RELOADING=1": a configuration reload started; follow with NotifyReady() when done.
Status NotifyReloading();
// "STOPPING=1": shutdown started (the drain).
Status NotifyStopping();
// "STATUS=<text>": a one-line summary shown by `systemctl status`. Newlines in `text` become
// spaces (a newline would start another assignment).
Status NotifyStatus(std::string_view text);
// "WATCHDOG=1": the event loop is alive. Send at least every WatchdogInterval() / 2.
Status NotifyWatchdog();

// The watchdog timeout systemd expects (WatchdogSec=, from WATCHDOG_USEC for this process), or
// nullopt when the watchdog is off.
std::optional<std::chrono::microseconds> WatchdogInterval();

}  // namespace newscrawl::server
