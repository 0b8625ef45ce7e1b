#include "server/bind_address.h"

#include <arpa/inet.h>

#include <charconv>

namespace newscrawl::server {

namespace {

bool IsIpLiteral(const std::string& host, bool v6) {
  unsigned char buffer[16];
  return inet_pton(v6 ? AF_INET6 : AF_INET, host.c_str(), buffer) == 1;
}

}  // namespace

Result<BindAddress> ParseBindAddress(std::string_view bind) {
  auto error = [&](std::string_view why) {
    return Status::InvalidArgument("HTTP bind address \"" + std::string(bind) +
                                   "\": " + std::string(why) +
                                   " (expected host:port or [v6]:port, e.g. 127.0.0.1:8080)");
  };
  size_t colon = bind.rfind(':');
  if (colon == std::string_view::npos) return error("no port");
  std::string_view host = bind.substr(0, colon);
  std::string_view port_text = bind.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return error("the port must be a number from 0 to 65535");
  }
  BindAddress result;
  result.port = static_cast<uint16_t>(port);
  bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  result.address = std::string(bracketed ? host.substr(1, host.size() - 2) : host);
  if (result.address == "localhost") result.address = "127.0.0.1";
  if (!IsIpLiteral(result.address, bracketed)) {
    return error(bracketed ? "not an IPv6 address inside the brackets"
                           : "the host must be an IPv4 address, [IPv6] or localhost");
  }
  return result;
}

}  // namespace newscrawl::server
