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
#include <cstring>

namespace newscrawl {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendHex64(uint64_t v, std::string* out) {
  for (int shift = 60; shift >= 0; shift -= 4) out->push_back(kHexDigits[(v >> shift) & 0xF]);
}

bool IsAscii(std::string_view s) {
  const char* p = s.data();
  size_t n = s.size();
  uint64_t high = 0;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    high |= word;
  }
  for (; n > 0; ++p, --n) high |= static_cast<uint8_t>(*p);
  return (high & 0x8080808080808080ULL) == 0;
}

constexpr bool IsAsciiSpace(unsigned char c) { return c == ' ' || (c >= 0x09 && c <= 0x0D); }

// Folds runs of ASCII whitespace to one ' ' and trims; the whole input is ASCII. Branch-free
// per byte: every byte is written (whitespace as ' '), and the write position advances unless
// the byte is a ' ' following a ' ' (or the sentinel ' ' before the start).
std::string FoldAsciiWhitespace(std::string_view s) {
  static constexpr std::array<char, 128> kFold = [] {
    std::array<char, 128> t{};
    for (int c = 0; c < 128; ++c) t[c] = IsAsciiSpace(static_cast<unsigned char>(c)) ? ' ' : c;
    return t;
  }();
  std::string out(s.size() + 1, ' ');  // out[0]: sentinel
  char* o = out.data() + 1;
  for (unsigned char c : s) {
    const char t = kFold[c];
    *o = t;
    o += !(t == ' ' && o[-1] == ' ');
  }
  if (o[-1] == ' ') --o;  // trailing run (or the sentinel of an all-space input)
  const auto length = static_cast<size_t>(o - out.data());
  return length == 0 ? std::string() : out.substr(1, length - 1);
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

bool IsAsciiWordChar(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Calls emit(token) for every lower-cased word token of already-normalised UTF-8 text. ASCII
// bytes take a fast path that is exactly what the general path does for them (an ASCII code
// point is a word character iff it is a letter or digit, and lower-cases to itself or +32).
template <typename Emit>
void ScanTokens(std::string_view s, Emit emit) {
  std::string token;
  token.reserve(64);
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  const auto length = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < length) {
    const uint8_t b = bytes[i];
    if (b < 0x80) {
      ++i;
      if (IsAsciiWordChar(b)) {
        token.push_back(static_cast<char>(b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b));
      } else if (!token.empty()) {
        emit(std::string_view(token)), token.clear();
      }
      continue;
    }
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && IsUnspacedScriptChar(c) && u_isalpha(c)) {
      if (!token.empty()) emit(std::string_view(token)), token.clear();
      AppendLowerUtf8(c, &token);
      emit(std::string_view(token)), token.clear();
    } else if (c >= 0 && IsWordChar(c)) {
      AppendLowerUtf8(c, &token);
    } else if (!token.empty()) {
      emit(std::string_view(token)), token.clear();
    }
  }
  if (!token.empty()) emit(std::string_view(token));
}

// XXH3-64 of every token of already-normalised text, in text order.
std::vector<uint64_t> TokenHashesOfNormalized(std::string_view normalized) {
  std::vector<uint64_t> hashes;
  hashes.reserve(normalized.size() / 6 + 1);  // about one token per 6 bytes of text
  if (!IsAscii(normalized)) {
    ScanTokens(normalized, [&](std::string_view token) {
      hashes.push_back(XXH3_64bits(token.data(), token.size()));
    });
    return hashes;
  }
  // ASCII text: a token is a maximal run of letters and digits, hashed where it stands unless
  // it has capitals (then a lower-cased copy). Same tokens as ScanTokens.
  std::string lowered;
  const char* p = normalized.data();
  const char* const end = p + normalized.size();
  while (p < end) {
    if (!IsAsciiWordChar(static_cast<uint8_t>(*p))) {
      ++p;
      continue;
    }
    const char* start = p;
    bool upper = false;
    for (; p < end && IsAsciiWordChar(static_cast<uint8_t>(*p)); ++p)
      upper |= *p >= 'A' && *p <= 'Z';
    const auto length = static_cast<size_t>(p - start);
    if (!upper) {
      hashes.push_back(XXH3_64bits(start, length));
      continue;
    }
    lowered.assign(start, length);
    for (char& c : lowered)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    hashes.push_back(XXH3_64bits(lowered.data(), length));
  }
  return hashes;
}

// Sorts `v` ascending and drops repeats. The values are hashes (uniform), so one counting pass
// on their top bits into about n buckets leaves buckets of ~1 element to finish by insertion;
// a bucket that is not small (repeated or adversarial values) is std::sort-ed. Same result as
// std::sort + std::unique, ~5x faster for the ~1,000 shingles of an article.
void SortDistinct(std::vector<uint64_t>* v) {
  const size_t n = v->size();
  if (n < 64) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
    return;
  }
  const int bits = 64 - __builtin_clzll(n);  // 2^bits > n
  const int shift = 64 - bits;
  std::vector<uint32_t> bucket_end(size_t{1} << bits, 0);
  for (uint64_t h : *v) ++bucket_end[h >> shift];
  uint32_t sum = 0;
  for (uint32_t& c : bucket_end) sum += c, c = sum - c;  // now the start of each bucket
  std::vector<uint64_t> out(n);
  for (uint64_t h : *v) out[bucket_end[h >> shift]++] = h;  // ends as the end of each bucket
  size_t start = 0;
  for (uint32_t end : bucket_end) {
    if (end - start > 16) {
      std::sort(out.begin() + start, out.begin() + end);
    } else {
      for (size_t i = start + 1; i < end; ++i) {
        uint64_t x = out[i];
        size_t j = i;
        for (; j > start && out[j - 1] > x; --j) out[j] = out[j - 1];
        out[j] = x;
      }
    }
    start = end;
  }
  out.erase(std::unique(out.begin(), out.end()), out.end());
  v->swap(out);
}

// ShingleHashes of a text whose tokens are hashed already.
std::vector<uint64_t> ShinglesOfTokens(const std::vector<uint64_t>& tokens, int shingle_words) {
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
  SortDistinct(&shingles);
  return shingles;
}

std::string ContentHashOfNormalized(std::string_view normalized) {
  XXH128_hash_t h = XXH3_128bits(normalized.data(), normalized.size());
  std::string out;
  out.reserve(32);
  AppendHex64(h.high64, &out);
  AppendHex64(h.low64, &out);
  return out;
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
  return ContentHashOfNormalized(NormalizeTextForHash(text));
}

std::vector<std::string> WordTokens(std::string_view text) {
  std::vector<std::string> tokens;
  ScanTokens(NormalizeTextForHash(text),
             [&](std::string_view t) { tokens.push_back(std::string(t)); });
  return tokens;
}

std::vector<uint64_t> ShingleHashes(std::string_view text, int shingle_words) {
  return ShinglesOfTokens(TokenHashesOfNormalized(NormalizeTextForHash(text)), shingle_words);
}

TextFingerprints FingerprintText(std::string_view text, int shingle_words) {
  const std::string normalized = NormalizeTextForHash(text);
  TextFingerprints fp;
  fp.content_hash = ContentHashOfNormalized(normalized);
  fp.shingles = ShinglesOfTokens(TokenHashesOfNormalized(normalized), shingle_words);
  fp.simhash = SimHashOfShingles(fp.shingles);
  return fp;
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
  TextFingerprints fp = FingerprintText(a->text);
  a->content_hash = std::move(fp.content_hash);
  a->simhash = fp.simhash;
}

}  // namespace newscrawl
