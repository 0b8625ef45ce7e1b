// Big-endian integers in byte strings: the one convention of every binary key and value this
// project writes (store/keys.h), because RocksDB's bytewise order is then numeric order.
// Pure, header-only, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace newscrawl {

// Appends the low `bytes` bytes of `v` (1..8), most significant first.
inline void AppendBigEndian(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// The first `bytes` bytes of `in` (1..8) as a big-endian integer. The caller checks the size.
inline uint64_t ReadBigEndian(std::string_view in, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

}  // namespace newscrawl
