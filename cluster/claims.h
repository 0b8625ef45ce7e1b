// ArticleClaims: NatsCluster's global claims (internal to cluster/): which instance stores an
// article, decided in the KV bucket NC_CLAIMS by its URL, its exact content and its near-duplicate
// bands. See "Claims" in nats_cluster.h for the keys, the protocol and its limits.
//
// Thread safety: Claim and IsPublished from any number of threads at once (after Start).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/js_client.h"
#include "cluster/names.h"
#include "cluster/nats_cluster.h"
#include "cluster/shard_leases.h"
#include "common/article.h"
#include "common/fingerprint.h"
#include "pipeline/cluster_hooks.h"
#include "store/near_dup.h"

namespace newscrawl::cluster {

// The value of a "u.<id>" URL claim: "<id> <instance> c|p".
struct UrlClaim {
  std::string id;
  std::string instance;
  bool published = false;
};
std::string FormatUrlClaim(const UrlClaim& claim);
UrlClaim ParseUrlClaim(std::string_view value);

// A band key of a claim, who holds it and since which revision.
struct HeldKey {
  std::string key;
  std::string holder;  // article id
  uint64_t revision = 0;
};

// Of two matching articles, whether `other` is the original of `self`: `holders` are the band
// keys of `self` with their holders, `their_keys` the band keys of `other`; of the keys both have
// and either holds, the one with the lowest revision (written first) decides. Both sides of a
// simultaneous claim compute the same answer from the same holders.
bool OtherIsOriginal(std::vector<HeldKey> holders, const std::set<std::string>& their_keys,
                     const std::string& self, const std::string& other);

class ArticleClaims {
 public:
  // `client`, `options` and `leases` (asked whether a claimer is alive) must outlive this.
  ArticleClaims(JsClient* client, const NatsClusterOptions& options, const ClusterNames& names,
                ShardLeases* leases);
  ArticleClaims(const ArticleClaims&) = delete;
  ArticleClaims& operator=(const ArticleClaims&) = delete;

  // `claims_kv`: the bound NC_CLAIMS bucket (owned by the client).
  void Start(kvStore* claims_kv) { claims_kv_ = claims_kv; }

  // NatsCluster::Claim of the article stored under `id` whose text has the fingerprints `text`.
  // Counted in newscrawl_cluster_claims_total by result ("retry" for an error).
  Result<pipeline::ClaimDecision> Claim(const std::string& id, const Article& article,
                                        const TextFingerprints& text);
  // Whether the URL claim of article `id` is marked published (false on any trouble).
  bool IsPublished(const std::string& id);

 private:
  // One key of a claim: what we write, then what holds it.
  struct ClaimKey {
    std::string key;
    std::string value;      // ours to create; after CreateKeys, the value that holds the key
    bool created = false;   // created by this claim
    uint64_t revision = 0;  // the revision holding the key (ours when created)
  };

  Result<pipeline::ClaimDecision> Decide(const std::string& id, const Article& article,
                                         const TextFingerprints& text);
  Status CreateKeys(std::vector<ClaimKey>* keys, const std::vector<JsRequest>& extra);
  Result<uint64_t> TakeOverUrlClaim(const std::string& id, const std::string& key,
                                    const std::string& holder);
  Result<std::string> NearDuplicateOf(const std::string& id, const std::string& content_hash,
                                      const store::NearDupProbe& probe,
                                      const std::vector<ClaimKey>& keys, size_t first_band);
  void ReleaseKeys(const std::vector<ClaimKey>& keys, const std::string& id,
                   const std::string& original);

  JsClient* const client_;
  const NatsClusterOptions& options_;
  const std::string bucket_;  // NC_CLAIMS
  ShardLeases* const leases_;
  kvStore* claims_kv_ = nullptr;
  std::map<std::string, Counter*> results_;  // newscrawl_cluster_claims_total by result
};

}  // namespace newscrawl::cluster
