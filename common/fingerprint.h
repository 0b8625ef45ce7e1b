// Fingerprints of an article: its id, the exact-content hash and the near-duplicate SimHash.
//
// Pure functions, thread-safe. Text is expected in UTF-8; it is NFC-normalised and
// whitespace-folded before hashing (NormalizeTextForHash), so the same article decoded from
// different charsets or with different line breaks hashes the same.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/article.h"

namespace newscrawl {

// NFC, every run of Unicode whitespace folded to one ' ', trimmed. Invalid UTF-8 is replaced.
std::string NormalizeTextForHash(std::string_view utf8);

// 16 lower-case hex digits identifying the article at `canonical_url` (XXH3-64 of the URL).
std::string ArticleIdFor(std::string_view canonical_url);

// 32 lower-case hex digits: XXH3-128 of NormalizeTextForHash(text).
std::string ContentHash(std::string_view text);

// Lower-cased (case-folded) word tokens of the normalised text: runs of Unicode letters, digits
// and combining marks; in scripts written without spaces (CJK, kana, Thai, Lao, Khmer, Myanmar)
// every letter is its own token.
std::vector<std::string> WordTokens(std::string_view text);

// 64-bit SimHash over word shingles of `shingle_words` words (Charikar; xxhash per shingle).
uint64_t SimHash64(std::string_view text, int shingle_words = 5);

// SimHash64 of an already computed shingle set (ShingleHashes); 0 for an empty set.
uint64_t SimHashOfShingles(const std::vector<uint64_t>& shingles);

// Hashes of the distinct word shingles of `text`, sorted ascending (for overlap checks).
// A text with fewer than `shingle_words` words (but at least one) is one shingle.
std::vector<uint64_t> ShingleHashes(std::string_view text, int shingle_words = 5);

// ContentHash, ShingleHashes and SimHash64 of one text, with one normalisation and one
// tokenisation (what an ingest needs; each field equals what its own function returns).
struct TextFingerprints {
  std::string content_hash;        // ContentHash(text)
  std::vector<uint64_t> shingles;  // ShingleHashes(text, shingle_words)
  uint64_t simhash = 0;            // SimHash64(text, shingle_words)
};
TextFingerprints FingerprintText(std::string_view text, int shingle_words = 5);

// |A ∩ B| / min(|A|, |B|) over two sorted shingle-hash sets; 0 when either is empty.
double ShingleContainment(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

// |A ∩ B| / |A ∪ B| over two sorted shingle-hash sets; 0 when both are empty.
double ShingleJaccard(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b);

// Number of differing bits.
int HammingDistance(uint64_t a, uint64_t b);

// Sets a->id (from canonical_url, else url; only when empty), a->content_hash and a->simhash
// from a->text. Leaves everything else alone.
void FillFingerprints(Article* a);

}  // namespace newscrawl
