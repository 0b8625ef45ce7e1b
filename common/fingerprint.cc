// Fingerprints: NFC + whitespace folding with ICU, tokens by a Unicode-aware scanner, hashes by
// xxhash. The scanner is hand-written instead of an ICU BreakIterator because it runs on every
// stored article (the store's ingest budget is tens of microseconds per article) and only needs
// to be stable, not linguistically exact.
#include "common/fingerprint.h"
#include "common/sorted_sets.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>
#define XXH_INLINE_ALL  // tiny inputs (one word, one shingle): a call per hash costs more than the
                        // hash
#include <xxhash.h>

#include <algorithm>
#include <array>

namespace newscrawl {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendHex64(uint64_t v, std::string* out) {
  for (int shift = 60; shift >= 0; shift -= 4) out->push_back(kHexDigits[(v >> shift) & 0xF]);
}

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

bool IsAsciiSpace(unsigned char c) { return c == ' ' || (c >= 0x09 && c <= 0x0D); }

// Folds runs of ASCII whitespace to one ' ' and trims; the whole input is ASCII.
std::string FoldAsciiWhitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (unsigned char c : s) {
    if (IsAsciiSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(static_cast<char>(c));
  }
  return out;
}

// Scripts written without spaces between words: each code point is its own token there, which
// keeps shingles meaningful without a dictionary-based segmenter.
bool IsUnspacedScriptChar(UChar32 c) {
  return (c >= 0x3040 && c <= 0x30FF) ||    // Hiragana, Katakana
         (c >= 0x3400 && c <= 0x4DBF) ||    // CJK extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||    // CJK unified ideographs
         (c >= 0xF900 && c <= 0xFAFF) ||    // CJK compatibility ideographs
         (c >= 0x20000 && c <= 0x3FFFF) ||  // CJK extensions B..
         (c >= 0x0E00 && c <= 0x0EFF) ||    // Thai, Lao
         (c >= 0x1000 && c <= 0x109F) ||    // Myanmar
         (c >= 0x1780 && c <= 0x17FF);      // Khmer
}

bool IsWordChar(UChar32 c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  if (u_isalnum(c)) return true;
  int8_t type = u_charType(c);
  return type == U_NON_SPACING_MARK || type == U_COMBINING_SPACING_MARK;
}

void AppendUtf8(UChar32 c, std::string* out) {
  char buf[U8_MAX_LENGTH];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(buf, len, U8_MAX_LENGTH, c, error);
  if (!error) out->append(buf, static_cast<size_t>(len));
}

void AppendLowerUtf8(UChar32 c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c));
    return;
  }
  AppendUtf8(u_foldCase(c, U_FOLD_CASE_DEFAULT), out);
}

// Calls emit(token) for every lower-cased word token of already-normalised UTF-8 text.
template <typename Emit>
void ScanTokens(std::string_view s, Emit emit) {
  std::string token;
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  const auto length = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && IsUnspacedScriptChar(c) && u_isalpha(c)) {
      if (!token.empty()) emit(token), token.clear();
      AppendLowerUtf8(c, &token);
      emit(token), token.clear();
    } else if (c >= 0 && IsWordChar(c)) {
      AppendLowerUtf8(c, &token);
    } else if (!token.empty()) {
      emit(token), token.clear();
    }
  }
  if (!token.empty()) emit(token);
}

std::vector<uint64_t> TokenHashes(std::string_view text) {
  std::vector<uint64_t> hashes;
  hashes.reserve(text.size() / 6 + 1);  // about one token per 6 bytes of text
  ScanTokens(NormalizeTextForHash(text), [&](const std::string& token) {
    hashes.push_back(XXH3_64bits(token.data(), token.size()));
  });
  return hashes;
}

}  // namespace

std::string NormalizeTextForHash(std::string_view utf8) {
  if (IsAscii(utf8)) return FoldAsciiWhitespace(utf8);  // ASCII is already NFC
  // Fold whitespace and repair ill-formed UTF-8 in one pass over the bytes, then compose in
  // UTF-8 (ICU's quick check makes already-composed text, the usual case, a copy).
  std::string folded;
  folded.reserve(utf8.size());
  const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto length = static_cast<int32_t>(utf8.size());
  bool pending_space = false;
  for (int32_t i = 0; i < length;) {
    if (bytes[i] < 0x80) {
      if (IsAsciiSpace(bytes[i])) {
        pending_space = !folded.empty();
      } else {
        if (pending_space) folded.push_back(' ');
        pending_space = false;
        folded.push_back(static_cast<char>(bytes[i]));
      }
      ++i;
      continue;
    }
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && u_isUWhiteSpace(c)) {
      pending_space = !folded.empty();
      continue;
    }
    if (pending_space) folded.push_back(' ');
    pending_space = false;
    if (c < 0) {
      AppendUtf8(0xFFFD, &folded);  // ill-formed sequence
    } else {
      folded.append(utf8.data() + start, static_cast<size_t>(i - start));
    }
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return folded;  // ICU data missing: hash the text as decoded
  icu::StringPiece piece(folded.data(), static_cast<int32_t>(folded.size()));
  if (nfc->isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return folded;
  status = U_ZERO_ERROR;
  std::string out;
  out.reserve(folded.size());
  icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(folded.size()));
  nfc->normalizeUTF8(0, piece, sink, nullptr, status);
  return U_SUCCESS(status) ? out : folded;
}

std::string ArticleIdFor(std::string_view canonical_url) {
  std::string out;
  out.reserve(16);
  AppendHex64(XXH3_64bits(canonical_url.data(), canonical_url.size()), &out);
  return out;
}

std::string ContentHash(std::string_view text) {
  std::string normalized = NormalizeTextForHash(text);
  XXH128_hash_t h = XXH3_128bits(normalized.data(), normalized.size());
  std::string out;
  out.reserve(32);
  AppendHex64(h.high64, &out);
  AppendHex64(h.low64, &out);
  return out;
}

std::vector<std::string> WordTokens(std::string_view text) {
  std::vector<std::string> tokens;
  ScanTokens(NormalizeTextForHash(text), [&](const std::string& t) { tokens.push_back(t); });
  return tokens;
}

std::vector<uint64_t> ShingleHashes(std::string_view text, int shingle_words) {
  std::vector<uint64_t> tokens = TokenHashes(text);
  std::vector<uint64_t> shingles;
  if (tokens.empty()) return shingles;
  const size_t width = std::max(1, shingle_words);
  if (tokens.size() <= width) {
    // A text shorter than one shingle is one shingle of all its words.
    shingles.push_back(XXH3_64bits(tokens.data(), tokens.size() * sizeof(uint64_t)));
    return shingles;
  }
  shingles.reserve(tokens.size() - width + 1);
  for (size_t i = 0; i + width <= tokens.size(); ++i) {
    shingles.push_back(XXH3_64bits(&tokens[i], width * sizeof(uint64_t)));
  }
  std::sort(shingles.begin(), shingles.end());
  shingles.erase(std::unique(shingles.begin(), shingles.end()), shingles.end());
  return shingles;
}

namespace {
// kSpreadBits[b] holds bit i of b in byte i: adding it to a 64-bit accumulator counts eight bits
// at once, each in its own byte lane.
constexpr std::array<uint64_t, 256> kSpreadBits = [] {
  std::array<uint64_t, 256> table{};
  for (int b = 0; b < 256; ++b) {
    for (int i = 0; i < 8; ++i) {
      if ((b >> i) & 1) table[b] |= uint64_t{1} << (8 * i);
    }
  }
  return table;
}();
}  // namespace

uint64_t SimHashOfShingles(const std::vector<uint64_t>& shingles) {
  if (shingles.empty()) return 0;
  // Bit i is set when more than half of the shingle hashes have it set (Charikar, weight 1).
  std::array<uint32_t, 64> ones{};
  std::array<uint64_t, 8> lanes{};
  auto flush = [&] {
    for (int byte = 0; byte < 8; ++byte) {
      for (int i = 0; i < 8; ++i) ones[8 * byte + i] += (lanes[byte] >> (8 * i)) & 0xFF;
      lanes[byte] = 0;
    }
  };
  size_t pending = 0;
  for (uint64_t h : shingles) {
    for (int byte = 0; byte < 8; ++byte) lanes[byte] += kSpreadBits[(h >> (8 * byte)) & 0xFF];
    if (++pending == 255) flush(), pending = 0;  // a byte lane holds at most 255
  }
  flush();
  uint64_t result = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (2 * uint64_t{ones[bit]} > shingles.size()) result |= uint64_t{1} << bit;
  }
  return result;
}

uint64_t SimHash64(std::string_view text, int shingle_words) {
  return SimHashOfShingles(ShingleHashes(text, shingle_words));
}

double ShingleContainment(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() || b.empty()) return 0.0;
  return static_cast<double>(SortedIntersectionSize(a, b)) /
         static_cast<double>(std::min(a.size(), b.size()));
}

double ShingleJaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b) {
  if (a.empty() && b.empty()) return 0.0;
  size_t common = SortedIntersectionSize(a, b);
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

int HammingDistance(uint64_t a, uint64_t b) { return __builtin_popcountll(a ^ b); }

void FillFingerprints(Article* a) {
  if (a->id.empty()) {
    const std::string& key = a->canonical_url.empty() ? a->url : a->canonical_url;
    if (!key.empty()) a->id = ArticleIdFor(key);
  }
  a->content_hash = ContentHash(a->text);
  a->simhash = SimHash64(a->text);
}

}  // namespace newscrawl
