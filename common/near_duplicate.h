// Near-duplicate detection: candidates from a band index, then a shingle-overlap check decides.
//
// Why not "SimHash within Hamming distance 3" (the first plan): on variants of the 119 real
// articles of ../shared/eval/scrapinghub (bench/dedup/run.sh), the SimHash-64 over 5-word
// shingles of a copy with one edited sentence is 0..17 bits away (median 4), and over all
// variant kinds median 5, p90 12; distance <= 3 finds 34% of the copies, <= 10 still only 86%.
// A Manku et al. block index for distance >= 10 needs 11+ blocks of <= 6 bits, i.e. keys that
// match a few percent of the whole store on every lookup. So instead:
//
//   1. Candidates: MinHash locality-sensitive hashing over the shingle set. `bands` x `rows`
//      min-hash values (one-permutation hashing with optimal densification, O(#shingles)); each
//      band of `rows` values is one exact index key. Two texts with shingle Jaccard J share at
//      least one key with probability 1 - (1 - J^rows)^bands: with 16 x 3, 0.98 at J = 0.6,
//      0.999 at J = 0.7, and 1.6e-5 at J = 0.01, so lookups stay selective at any store size
//      (no pair of the 7,021 distinct-article pairs shares a key).
//   2. Verification decides: the shingle sets themselves (kept in NearDupSignature) must overlap
//      by at least `min_containment` of the smaller set, with sizes within `min_size_ratio`.
//      Copies measured 0.49..1.0 (p5 0.86); distinct articles <= 0.20; distinct articles of a
//      site that both carry the same ~60-word leaked template (nav, share line, "most read"
//      titles) reach 0.74, which is what puts the threshold at 0.75 rather than lower.
//
// Measured with the defaults (bench/dedup/run.sh): recall 0.983 of 832 variants (edited
// sentences, boilerplate around, headline line, cut last paragraph, reordered paragraphs and a
// combination), 0 false merges among 7,021 distinct pairs, 972 same-template pairs and every
// variant against every other article. Known limit: a leaked template several times longer
// than the article text would merge two short articles; the extractor must remove templates.
//
// A store must use the same options for indexing and lookup; changing `bands`, `rows` or
// `shingle_words` changes the keys (kNearDupIndexVersion says which scheme).
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
  int bands = 16;
  int rows = 3;
  // Verification: |A ∩ B| / min(|A|, |B|) must reach this.
  double min_containment = 0.75;
  // Verification: the smaller set must hold at least this fraction of the larger one's size
  // (a teaser paragraph is not a duplicate of the full story it quotes).
  double min_size_ratio = 0.3;
  // Texts with fewer distinct shingles never match anything: too little evidence.
  size_t min_shingles = 10;
};

// What a store keeps per article to verify candidates: the SimHash (for reporting) and the
// sorted distinct shingle hashes truncated to their high 32 bits (4 bytes per word of text; random
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

// The same signature from the text's ShingleHashes (sorted, distinct, computed with
// `options.shingle_words`) and their SimHashOfShingles: FingerprintText gives both together
// with the content hash.
NearDupSignature NearDupSignatureOfShingles(const std::vector<uint64_t>& shingles,
                                            uint64_t simhash);

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
