#include "store/near_dup.h"

#include "common/fingerprint.h"
#include "common/near_duplicate.h"

namespace newscrawl::store {

NearDupProbe MakeNearDupProbe(const TextFingerprints& fp) {
  const NearDupOptions options;
  NearDupSignature signature = NearDupSignatureOfShingles(fp.shingles, fp.simhash);
  NearDupProbe probe;
  probe.content_hash = fp.content_hash;
  probe.index_keys = NearDupIndexKeys(signature, options);
  probe.signature = signature.Serialize();
  probe.simhash = signature.simhash;
  probe.parsed_signature = std::move(signature);
  return probe;
}

NearDupProbe MakeNearDupProbe(const Article& article) {
  return MakeNearDupProbe(FingerprintText(article.text, NearDupOptions().shingle_words));
}

std::vector<std::string> IndexKeysOfSignature(std::string_view signature) {
  auto parsed = NearDupSignature::Parse(signature);
  if (!parsed.ok()) return {};
  return NearDupIndexKeys(parsed.value());
}

bool SignaturesMatch(std::string_view a, std::string_view b) {
  auto sa = NearDupSignature::Parse(a);
  return sa.ok() && SignatureMatches(sa.value(), b);
}

bool SignatureMatches(const NearDupSignature& mine, std::string_view other) {
  auto theirs = NearDupSignature::Parse(other);
  return theirs.ok() && IsNearDuplicate(mine, theirs.value());
}

}  // namespace newscrawl::store
