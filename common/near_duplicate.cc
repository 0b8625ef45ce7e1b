// MinHash band keys by one-permutation hashing (Li, Owen, Zhang 2012) with optimal
// densification (Shrivastava 2017): one pass over the shingles fills bands x rows bins with the
// minimum hash that falls into each; an empty bin borrows the value of the first non-empty bin
// on its own pseudo-random probe sequence, so two texts with the same shingle set always get
// the same keys and the collision probability per bin stays the Jaccard similarity.
#include "common/near_duplicate.h"
#include "common/sorted_sets.h"

#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <limits>

#include "common/big_endian.h"
#include "common/fingerprint.h"

namespace newscrawl {
namespace {

constexpr uint8_t kSignatureFormat = 1;
constexpr size_t kSignatureHeader = 1 + 8 + 4;

// splitmix64 finaliser: a bijection that spreads every input bit over the output.
uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  x ^= x >> 31;
  return x;
}

// Little-endian, `bytes` bytes at `out`.
void PutFixed(uint64_t v, int bytes, char* out) {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

uint64_t GetFixed(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= uint64_t{static_cast<uint8_t>(p[i])} << (8 * i);
  return v;
}

}  // namespace

std::string NearDupSignature::Serialize() const {
  std::string out(kSignatureHeader + 4 * shingles.size(), '\0');
  char* p = out.data();
  *p++ = static_cast<char>(kSignatureFormat);
  PutFixed(simhash, 8, p), p += 8;
  PutFixed(shingles.size(), 4, p), p += 4;
  for (uint32_t s : shingles) PutFixed(s, 4, p), p += 4;
  return out;
}

Result<NearDupSignature> NearDupSignature::Parse(std::string_view bytes) {
  if (bytes.size() < kSignatureHeader) {
    return Status::Corruption("near-duplicate signature truncated (" +
                              std::to_string(bytes.size()) + " bytes)");
  }
  if (static_cast<uint8_t>(bytes[0]) != kSignatureFormat) {
    return Status::Corruption("near-duplicate signature of unknown format " +
                              std::to_string(static_cast<uint8_t>(bytes[0])));
  }
  NearDupSignature signature;
  signature.simhash = GetFixed(bytes.data() + 1, 8);
  uint64_t count = GetFixed(bytes.data() + 9, 4);
  if (bytes.size() != kSignatureHeader + 4 * count) {
    return Status::Corruption("near-duplicate signature size " + std::to_string(bytes.size()) +
                              " does not match its " + std::to_string(count) + " shingles");
  }
  signature.shingles.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    auto s = static_cast<uint32_t>(GetFixed(bytes.data() + kSignatureHeader + 4 * i, 4));
    if (!signature.shingles.empty() && s <= signature.shingles.back()) {
      return Status::Corruption("near-duplicate signature shingles not sorted");
    }
    signature.shingles.push_back(s);
  }
  return signature;
}

NearDupSignature NearDupSignatureOf(std::string_view text, const NearDupOptions& options) {
  std::vector<uint64_t> shingles = ShingleHashes(text, options.shingle_words);
  return NearDupSignatureOfShingles(shingles, SimHashOfShingles(shingles));
}

NearDupSignature NearDupSignatureOfShingles(const std::vector<uint64_t>& shingles,
                                            uint64_t simhash) {
  NearDupSignature signature;
  signature.simhash = simhash;
  signature.shingles.reserve(shingles.size());
  // The high halves of sorted 64-bit hashes are sorted already: only duplicates to drop.
  for (uint64_t s : shingles) signature.shingles.push_back(static_cast<uint32_t>(s >> 32));
  signature.shingles.erase(std::unique(signature.shingles.begin(), signature.shingles.end()),
                           signature.shingles.end());
  return signature;
}

std::vector<std::string> NearDupIndexKeys(const NearDupSignature& signature,
                                          const NearDupOptions& options) {
  std::vector<std::string> keys;
  if (signature.shingles.size() < std::max<size_t>(options.min_shingles, 1)) return keys;
  const auto bands = static_cast<size_t>(std::clamp(options.bands, 1, 255));
  const auto rows = static_cast<size_t>(std::max(options.rows, 1));
  const size_t bins = bands * rows;
  constexpr uint64_t kEmpty = std::numeric_limits<uint64_t>::max();
  std::vector<uint64_t> minima(bins, kEmpty);
  for (uint32_t shingle : signature.shingles) {
    uint64_t h = Mix64(shingle);
    size_t bin = static_cast<size_t>(((h >> 32) * bins) >> 32);
    uint64_t value = Mix64(h ^ 0x5851F42D4C957F2DULL);  // independent of the bin choice
    minima[bin] = std::min(minima[bin], value);
  }
  std::vector<uint64_t> dense(minima);
  for (size_t bin = 0; bin < bins; ++bin) {
    if (minima[bin] != kEmpty) continue;
    // At least one bin is filled (min_shingles >= 1), so the probe ends.
    for (uint64_t attempt = 1;; ++attempt) {
      uint64_t probe = Mix64((uint64_t{bin} << 32) ^ attempt);
      size_t source = static_cast<size_t>(((probe >> 32) * bins) >> 32);
      if (minima[source] != kEmpty) {
        dense[bin] = minima[source];
        break;
      }
    }
  }
  keys.reserve(bands);
  for (size_t band = 0; band < bands; ++band) {
    uint64_t band_hash = XXH3_64bits_withSeed(&dense[band * rows], rows * sizeof(uint64_t), band);
    std::string key;
    key.reserve(9);
    key.push_back(static_cast<char>(band));
    AppendBigEndian(&key, band_hash, 8);
    keys.push_back(std::move(key));
  }
  return keys;
}

NearDupScore ScoreNearDuplicate(const NearDupSignature& a, const NearDupSignature& b) {
  NearDupScore score;
  if (a.shingles.empty() || b.shingles.empty()) return score;
  size_t common = SortedIntersectionSize(a.shingles, b.shingles);
  size_t smaller = std::min(a.shingles.size(), b.shingles.size());
  size_t larger = std::max(a.shingles.size(), b.shingles.size());
  score.containment = static_cast<double>(common) / static_cast<double>(smaller);
  score.jaccard = static_cast<double>(common) / static_cast<double>(smaller + larger - common);
  score.size_ratio = static_cast<double>(smaller) / static_cast<double>(larger);
  return score;
}

bool IsNearDuplicate(const NearDupSignature& a, const NearDupSignature& b,
                     const NearDupOptions& options) {
  const size_t floor = std::max<size_t>(options.min_shingles, 1);
  if (a.shingles.size() < floor || b.shingles.size() < floor) return false;
  NearDupScore score = ScoreNearDuplicate(a, b);
  return score.size_ratio >= options.min_size_ratio && score.containment >= options.min_containment;
}

}  // namespace newscrawl
