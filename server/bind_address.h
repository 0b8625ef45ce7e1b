// The config's `http_api.bind` ("127.0.0.1:8080", "[::1]:8080", "localhost:8080") as the address
// and port HttpServerOptions wants.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace newscrawl::server {

struct BindAddress {
  std::string address;  // an IPv4 or IPv6 literal, without brackets
  uint16_t port = 0;
};

// Parses "host:port" or "[v6]:port". The host must be an IP literal or "localhost" (which means
// 127.0.0.1); no name resolution. Port 0 is accepted (an ephemeral port). InvalidArgument with a
// message naming `bind` otherwise.
Result<BindAddress> ParseBindAddress(std::string_view bind);

}  // namespace newscrawl::server
