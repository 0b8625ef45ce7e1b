#include "crawler/address_policy.h"

#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace newscrawl::crawler {
namespace {

AddressClass ClassifyIpv4(uint32_t a) {  // host byte order
  auto in = [a](uint32_t net, int bits) { return (a >> (32 - bits)) == (net >> (32 - bits)); };
  if (in(0x7F000000, 8)) return AddressClass::kLoopback;
  if (in(0x00000000, 8) || in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16) ||
      in(0x64400000, 10) || in(0xA9FE0000, 16) || in(0xC0000000, 24) || in(0xC6120000, 15) ||
      in(0xE0000000, 4) || in(0xF0000000, 4)) {
    return AddressClass::kPrivate;
  }
  return AddressClass::kPublic;
}

AddressClass ClassifyIpv6(const uint8_t* b) {
  static const uint8_t kZero[16] = {};
  static const uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(b, kMappedPrefix, 12) == 0) {
    return ClassifyIpv4(uint32_t{b[12]} << 24 | uint32_t{b[13]} << 16 | uint32_t{b[14]} << 8 |
                        b[15]);
  }
  if (std::memcmp(b, kZero, 15) == 0 && b[15] == 1) return AddressClass::kLoopback;
  if (std::memcmp(b, kZero, 16) == 0) return AddressClass::kPrivate;  // ::
  if ((b[0] & 0xFE) == 0xFC) return AddressClass::kPrivate;           // fc00::/7 unique local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddressClass::kPrivate;  // fe80::/10
  if (b[0] == 0xFF) return AddressClass::kPrivate;                           // multicast
  return AddressClass::kPublic;
}

}  // namespace

AddressClass ClassifyAddress(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    return ClassifyIpv4(ntohl(v4->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    return ClassifyIpv6(v6->sin6_addr.s6_addr);
  }
  return AddressClass::kPrivate;
}

bool IsAddressAllowed(const sockaddr* address, bool allow_loopback, bool allow_private) {
  switch (ClassifyAddress(address)) {
    case AddressClass::kPublic:
      return true;
    case AddressClass::kLoopback:
      return allow_loopback;
    case AddressClass::kPrivate:
      return allow_private;
  }
  return false;
}

}  // namespace newscrawl::crawler
