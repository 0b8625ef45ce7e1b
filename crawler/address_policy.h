// Which resolved destination addresses the fetcher may connect to.
//
// Pure functions; thread-safe.
#pragma once

#include <sys/socket.h>

namespace newscrawl::crawler {

enum class AddressClass {
  kPublic,
  kLoopback,  // 127.0.0.0/8, ::1
  kPrivate,   // 10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT), fc00::/7, 0.0.0.0, ::,
              // 169.254/16 and fe80::/10 (link-local, cloud metadata), multicast, reserved
};

// Classifies an IPv4 or IPv6 socket address (IPv4-mapped IPv6 is classified as its IPv4 address).
// Unknown families are kPrivate (refused by default).
AddressClass ClassifyAddress(const sockaddr* address);

// True when a connection to `address` is allowed under the two switches of FetcherOptions.
bool IsAddressAllowed(const sockaddr* address, bool allow_loopback, bool allow_private);

}  // namespace newscrawl::crawler
