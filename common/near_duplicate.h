// Near-duplicate detection: candidates from a band index, then a shingle-overlap check decides.
//
// Why not "SimHash within Hamming distance 3": one edited sentence in a short article moves a
// 64-bit SimHash over 5-word shingles by 3 to 10 bits (see bench/dedup), so distance <= 3 misses
// most real copies, and a Manku-style block index for distance 10 needs keys of ~6 bits (every
// lookup then hits a few percent of the store). Instead:
//
//   1. Candidates: MinHash locality-sensitive hashing over the shingle set. `bands` x `rows`
//      min-hash values (one-permutation hashing with optimal densification, O(#shingles)); each
//      band of `rows` values is one exact index key. Two texts with shingle Jaccard J share at
//      least one key with probability 1 - (1 - J^rows)^bands, which is high for copies (J >= 0.5)
//      and tiny for unrelated articles (J < 0.05), so lookups stay selective at any store size.
//   2. Verification: the shingle sets themselves (kept in NearDupSignature) must overlap by at
//      least `min_containment` of the smaller set, with both sets large enough to mean something.
//
// The defaults are the parameters measured by bench/dedup/run.sh (numbers in its output and in
// near_duplicate.cc). A store must use the same options for indexing and lookup; changing
// `bands`, `rows` or `shingle_words` changes the keys (kNearDupIndexVersion says which scheme).
//
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace newscrawl {

// Bumped whenever the key derivation changes; a store keeps it to know when to rebuild.
inline constexpr int kNearDupIndexVersion = 1;

struct NearDupOptions {
  // Words per shingle.
  int shingle_words = 5;
  // Candidate index: `bands` keys per text, each from `rows` min-hash values.
  int bands = 20;
  int rows = 3;
  // Verification: |A ∩ B| / min(|A|, |B|) must reach this.
  double min_containment = 0.6;
  // Verification: the smaller set must hold at least this fraction of the larger one's size
  // (a teaser paragraph is not a duplicate of the full story it quotes).
  double min_size_ratio = 0.3;
  // Texts with fewer distinct shingles never match anything: too little evidence.
  size_t min_shingles = 10;
};

// What a store keeps per article to verify candidates: the SimHash (for reporting) and the
// sorted distinct shingle hashes truncated to 32 bits (4 bytes per word of text; random
// collisions between two articles of 1,000 shingles each are ~2e-4 expected shingles).
struct NearDupSignature {
  uint64_t simhash = 0;
  std::vector<uint32_t> shingles;  // sorted ascending, distinct

  // Compact bytes: a version byte, the simhash, the count, then the shingles (fixed 4 bytes,
  // little-endian). Parse() accepts exactly what Serialize() writes and fails with Corruption
  // on anything else (truncated, unknown version, unsorted).
  std::string Serialize() const;
  static Result<NearDupSignature> Parse(std::string_view bytes);

  bool operator==(const NearDupSignature& o) const {
    return simhash == o.simhash && shingles == o.shingles;
  }
};

// The signature of an article text (normalised as by NormalizeTextForHash).
NearDupSignature NearDupSignatureOf(std::string_view text, const NearDupOptions& options = {});

// The band-index keys of a signature: exactly `options.bands` distinct 9-byte strings (band
// number, then 8 bytes of band hash), or none when the text has fewer than
// `options.min_shingles` shingles. Store each as a key prefix pointing at the article; at
// lookup, every article under any of the keys is a candidate for IsNearDuplicate.
std::vector<std::string> NearDupIndexKeys(const NearDupSignature& signature,
                                          const NearDupOptions& options = {});

struct NearDupScore {
  double containment = 0;  // |A ∩ B| / min(|A|, |B|)
  double jaccard = 0;      // |A ∩ B| / |A ∪ B|
  double size_ratio = 0;   // min(|A|, |B|) / max(|A|, |B|)
};

NearDupScore ScoreNearDuplicate(const NearDupSignature& a, const NearDupSignature& b);

// The decision: true when `a` and `b` are versions of the same article text by the
// verification rules of `options` (symmetric).
bool IsNearDuplicate(const NearDupSignature& a, const NearDupSignature& b,
                     const NearDupOptions& options = {});

}  // namespace newscrawl
