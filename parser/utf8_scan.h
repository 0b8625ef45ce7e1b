// UTF-8 validation and repair for charset decoding (internal to parser/): one scan over the bytes
// (ASCII eight bytes at a time) that tells well-formed sequences from maximal ill-formed subparts
// as Unicode Table 3-7 defines them. DecodeHtml uses it to weigh a page's charset declaration
// against its bytes and to replace broken sequences with U+FFFD. Pure and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace newscrawl::utf8 {

// What a UTF-8 validation pass found.
struct Utf8Evidence {
  size_t multibyte = 0;  // well-formed non-ASCII sequences
  size_t invalid = 0;    // maximal ill-formed subparts (each becomes one U+FFFD)
  bool AllAscii() const { return multibyte == 0 && invalid == 0; }
  bool Valid() const { return invalid == 0; }
  // Mostly UTF-8 with a few stray bytes (e.g. a Latin-1 ad snippet inside a UTF-8 template).
  // Legacy text almost never forms valid multi-byte sequences by chance, so a clear majority of
  // valid ones means UTF-8.
  bool Plausible() const { return invalid == 0 || multibyte >= 4 * invalid; }
  // A page that declares UTF-8 keeps it unless most non-ASCII sequences are broken.
  bool AcceptsDeclaredUtf8() const { return invalid == 0 || multibyte >= invalid; }
};

// Length of the well-formed UTF-8 sequence at s[i], or 0 when ill-formed (per Unicode Table 3-7).
inline size_t SequenceLength(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  unsigned char c = p[i];
  auto cont = [&](size_t k, unsigned char lo, unsigned char hi) {
    return i + k < n && p[i + k] >= lo && p[i + k] <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1, 0x80, 0xBF) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
    return cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2, 0x80, 0xBF) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) {
    return cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  }
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  return 0;
}

// Number of bytes of the maximal ill-formed subpart starting at s[i] (at least 1).
inline size_t IllFormedLength(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  unsigned char c = p[i];
  size_t need = (c >= 0xC2 && c <= 0xDF)   ? 1
                : (c >= 0xE0 && c <= 0xEF) ? 2
                : (c >= 0xF0 && c <= 0xF4) ? 3
                                           : 0;
  size_t k = 1;
  for (; k <= need && i + k < s.size(); ++k) {
    unsigned char lo = 0x80, hi = 0xBF;
    if (k == 1) {
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    if (p[i + k] < lo || p[i + k] > hi) break;
  }
  return k;
}

template <typename OnAscii, typename OnSequence, typename OnInvalid>
void ScanUtf8(std::string_view s, OnAscii on_ascii, OnSequence on_seq, OnInvalid on_invalid) {
  size_t i = 0, n = s.size();
  while (i < n) {
    size_t run = i;
    // Skip ASCII eight bytes at a time.
    while (run + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s.data() + run, 8);
      if (word & 0x8080808080808080ULL) break;
      run += 8;
    }
    while (run < n && static_cast<unsigned char>(s[run]) < 0x80) ++run;
    if (run > i) on_ascii(i, run);
    i = run;
    if (i >= n) break;
    size_t len = SequenceLength(s, i);
    if (len > 0) {
      on_seq(i, len);
      i += len;
    } else {
      size_t bad = IllFormedLength(s, i);
      on_invalid(i, bad);
      i += bad;
    }
  }
}

// What a scan of `s` found.
Utf8Evidence InspectUtf8(std::string_view s);

// A copy of `s` with every maximal ill-formed subpart replaced by U+FFFD.
std::string SanitizeUtf8(std::string_view s);

}  // namespace newscrawl::utf8
