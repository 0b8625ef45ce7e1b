// The store's one door to near-duplicate detection (common/near_duplicate.h): which band-index
// keys an article is filed under, the signature bytes kept for verification, and the
// verification itself.
//
// The band keys and the signature bytes are stored on disk: when common/near_duplicate.h changes
// its key derivation (kNearDupIndexVersion), the store's format version must change too (or the
// band_index and signatures column families be rebuilt). Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/article.h"
#include "common/fingerprint.h"
#include "common/near_duplicate.h"

namespace newscrawl::store {

struct NearDupProbe {
  std::vector<std::string> index_keys;  // band_index keys: look up, then file the article under
  std::string signature;                // serialised signature, stored in the signatures CF
  NearDupSignature parsed_signature;    // the same, to compare with candidates (SignatureMatches)
  uint64_t simhash = 0;                 // SimHash64 of the text (computed on the way)
  std::string content_hash;             // ContentHash of the text (computed on the way)
};

// The probe of a text from its fingerprints (ArticleIdentity::text, computed with the default
// shingle size of NearDupOptions).
NearDupProbe MakeNearDupProbe(const TextFingerprints& fingerprints);
// The same from the article's text: fingerprints it first (~20 us for 5 KB; outside locks).
NearDupProbe MakeNearDupProbe(const Article& article);

// The band keys of a stored signature (to remove an old version from the index); empty when the
// bytes do not parse.
std::vector<std::string> IndexKeysOfSignature(std::string_view signature);

// True when the two stored signatures are of near-duplicate texts. A signature that does not
// parse never matches.
bool SignaturesMatch(std::string_view a, std::string_view b);
// The same with one side parsed already: a probe compared with many candidates parses only them.
bool SignatureMatches(const NearDupSignature& mine, std::string_view other);

}  // namespace newscrawl::store
