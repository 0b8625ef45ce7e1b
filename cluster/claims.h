// ArticleClaims: NatsCluster's global claims (internal to cluster/): which instance stores an
// article, decided by its URL and its exact content in the KV bucket NC_CLAIMS, and by its
// near-duplicate signature in the claim log (claim_log.h). See "Claims" in nats_cluster.h for the
// keys, the protocol and its limits.
//
// Thread safety: Claim and IsPublished from any number of threads at once (after Start).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/claim_log.h"
#include "cluster/js_client.h"
#include "cluster/names.h"
#include "cluster/nats_cluster.h"
#include "cluster/shard_leases.h"
#include "common/article.h"
#include "common/fingerprint.h"
#include "pipeline/cluster_hooks.h"

namespace newscrawl::cluster {

// The value of a "u.<id>" URL claim: "<id> <instance> c|p".
struct UrlClaim {
  std::string id;
  std::string instance;
  bool published = false;
};
std::string FormatUrlClaim(const UrlClaim& claim);
UrlClaim ParseUrlClaim(std::string_view value);

class ArticleClaims {
 public:
  // `client`, `options`, `leases` (asked whether a claimer is alive) and `log` (started by the
  // owner) must outlive this.
  ArticleClaims(JsClient* client, const NatsClusterOptions& options, const ClusterNames& names,
                ShardLeases* leases, ClaimLog* log);
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
  // Creates `keys` as create-only puts and sends `extra` with the first round; *extra_seqs gets
  // the stream sequence of each extra publish.
  Status CreateKeys(std::vector<ClaimKey>* keys, const std::vector<JsRequest>& extra,
                    std::vector<uint64_t>* extra_seqs);
  Result<uint64_t> TakeOverUrlClaim(const std::string& id, const std::string& key,
                                    const std::string& holder);
  void ReleaseKeys(const std::vector<ClaimKey>& keys, const std::string& id,
                   const std::string& original, const std::string& original_content_hash);

  JsClient* const client_;
  const NatsClusterOptions& options_;
  const std::string bucket_;  // NC_CLAIMS
  ShardLeases* const leases_;
  ClaimLog* const log_;
  kvStore* claims_kv_ = nullptr;
  std::map<std::string, Counter*> results_;  // newscrawl_cluster_claims_total by result
};

}  // namespace newscrawl::cluster
