// ArticleClaims: global claims (canonical URL, content hash, near-duplicate bands) in the KV bucket
// NC_CLAIMS; see "Claims" in nats_cluster.h. Every key of a claim is written in one round trip
// (create-only puts sent together); only keys that already exist are read, in a second one.
#include "cluster/claims.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

#include "common/article_identity.h"
#include "common/fingerprint.h"
#include "common/near_duplicate.h"
#include "common/text.h"
#include "store/near_dup.h"

namespace newscrawl::cluster {

// ---------------------------------------------------------------------------------------------
// Values.

std::string FormatUrlClaim(const UrlClaim& c) {
  return c.id + " " + c.instance + " " + (c.published ? "p" : "c");
}

UrlClaim ParseUrlClaim(std::string_view v) {
  UrlClaim c;
  size_t a = v.find(' ');
  if (a == std::string_view::npos) {
    c.id = std::string(v);
    return c;
  }
  c.id = std::string(v.substr(0, a));
  size_t b = v.find(' ', a + 1);
  c.instance = std::string(v.substr(a + 1, b == std::string_view::npos ? b : b - a - 1));
  c.published = b != std::string_view::npos && v.substr(b + 1) == "p";
  return c;
}

// The value of a content or band key: "<id> <content hash>" (before issue #14: "<id>").
struct KeyHolder {
  std::string id;
  std::string content_hash;
};

namespace {

KeyHolder ParseHolder(std::string_view v) {
  const size_t space = v.find(' ');
  if (space == std::string_view::npos) return {std::string(v), ""};
  return {std::string(v.substr(0, space)), std::string(v.substr(space + 1))};
}

Status HeldElsewhere(const std::string& id, const std::string& instance) {
  return Status::FailedPrecondition("cluster: claim of article " + id + " held by instance " +
                                    instance + ", not yet published; retry this URL later");
}

pipeline::ClaimDecision Duplicate(std::string of, const char* reason) {
  pipeline::ClaimDecision d;
  d.verdict = pipeline::ClaimVerdict::kDuplicate;
  d.duplicate_of = std::move(of);
  d.reason = reason;
  return d;
}

const char* ResultName(const pipeline::ClaimDecision& d) {
  if (d.verdict == pipeline::ClaimVerdict::kStore) return "store";
  if (d.reason == "url") return "duplicate_url";
  if (d.reason == "content") return "duplicate_content";
  return "duplicate_near";
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Claim.

ArticleClaims::ArticleClaims(JsClient* client, const NatsClusterOptions& options,
                             const ClusterNames& names, ShardLeases* leases)
    : client_(client), options_(options), bucket_(names.claims_bucket), leases_(leases) {
  for (const char* result :
       {"store", "duplicate_url", "duplicate_content", "duplicate_near", "retry"})
    results_[result] = &client_->metrics().GetCounter("newscrawl_cluster_claims_total",
                                                      "Cluster-wide claim decisions, by result.",
                                                      {{"result", result}});
}

Result<pipeline::ClaimDecision> ArticleClaims::Claim(const std::string& id, const Article& article,
                                                     const TextFingerprints& text) {
  auto decision = Decide(id, article, text);
  results_[decision.ok() ? ResultName(*decision) : "retry"]->Increment();
  return decision;
}

bool ArticleClaims::IsPublished(const std::string& id) {
  auto v = client_->KvGet(claims_kv_, "u." + id, "is_published");
  return v.ok() && ParseUrlClaim(v->value).published;
}

Result<pipeline::ClaimDecision> ArticleClaims::Decide(const std::string& id, const Article& article,
                                                      const TextFingerprints& text) {
  const std::string& self = options_.instance_name;
  const store::NearDupProbe probe = store::MakeNearDupProbe(text);
  const std::string content_hash =
      article.content_hash.empty() ? probe.content_hash : article.content_hash;
  const std::string holder_value = id + " " + content_hash;

  // 1. Every key at once: the URL claim, the content claim, the band keys (create-only), and the
  // signature, sent first so that whoever sees one of our bands finds it.
  std::vector<ClaimKey> keys;
  keys.push_back({"u." + id, FormatUrlClaim({id, self, false})});
  if (!content_hash.empty()) keys.push_back({"c." + content_hash, holder_value});
  const size_t first_band = keys.size();
  for (const std::string& k : probe.index_keys)
    keys.push_back({"b." + text::HexEncode(k), holder_value});
  std::vector<JsRequest> extra;
  if (!probe.index_keys.empty()) extra.push_back(KvPutRequest(bucket_, "s." + id, probe.signature));
  NC_RETURN_IF_ERROR(CreateKeys(&keys, extra));

  // 2. The URL claim decides who may go on.
  ClaimKey& url = keys[0];
  if (!url.created) {
    UrlClaim c = ParseUrlClaim(url.value);
    if (c.instance == self) {
      // Ours and published: a new version of an article stored here. Ours, not published: an
      // earlier attempt (a crash, or a duplicate whose release failed): decided again below,
      // with the same answer (band holders never change).
      if (c.published) return pipeline::ClaimDecision{};
    } else if (c.published) {
      return Duplicate(c.id, "url");
    } else {
      auto taken = TakeOverUrlClaim(id, url.key, c.instance);
      if (!taken.ok()) return taken.status();
      url.revision = *taken;
    }
  }

  // 3. Exact content: whoever created "c.<hash>" first.
  if (first_band > 1) {
    const ClaimKey& content = keys[1];
    KeyHolder holder = content.created ? KeyHolder{id, content_hash} : ParseHolder(content.value);
    if (holder.id != id) {
      ReleaseKeys(keys, id, holder.id);
      return Duplicate(holder.id, "content");
    }
  }

  // 4. Near duplicates among the holders of our band keys.
  auto near = NearDuplicateOf(id, content_hash, probe, keys, first_band);
  if (!near.ok()) return near.status();
  if (!near->empty()) {
    ReleaseKeys(keys, id, *near);
    return Duplicate(*near, "near_duplicate");
  }
  return pipeline::ClaimDecision{};
}

// Creates every key (create-only; a key holding only a delete marker counts as free) and reads
// the ones that exist: afterwards each key is either `created` by this call, or `value` and
// `revision` are what holds it.
Status ArticleClaims::CreateKeys(std::vector<ClaimKey>* keys, const std::vector<JsRequest>& extra) {
  std::vector<size_t> todo(keys->size());
  for (size_t i = 0; i < todo.size(); ++i) todo[i] = i;
  std::vector<uint64_t> expected(keys->size(), 0);
  for (int round = 0; round < 4 && !todo.empty(); ++round) {
    std::vector<JsRequest> requests = round == 0 ? extra : std::vector<JsRequest>{};
    const size_t first_key = requests.size();
    for (size_t i : todo)
      requests.push_back(KvPutRequest(bucket_, (*keys)[i].key, (*keys)[i].value, expected[i]));
    std::vector<JsReply> replies;
    NC_RETURN_IF_ERROR(client_->RoundTrip("claim", requests, &replies));
    for (size_t r = 0; r < first_key; ++r) {
      PubAckReply ack = ParsePubAck(replies[r].body);
      if (ack.code != 0) return Status::IoError("cluster: claim: " + ack.description);
    }
    std::vector<size_t> exist;
    for (size_t j = 0; j < todo.size(); ++j) {
      ClaimKey& key = (*keys)[todo[j]];
      PubAckReply ack = ParsePubAck(replies[first_key + j].body);
      if (ack.code == 0) {
        key.created = true;
        key.revision = ack.sequence;
      } else if (ack.err_code == kWrongLastSequence) {
        exist.push_back(todo[j]);
      } else {
        return Status::IoError("cluster: claiming " + key.key + ": " + ack.description);
      }
    }
    if (exist.empty()) return Status::Ok();
    requests.clear();
    for (size_t i : exist) requests.push_back(KvGetRequest(bucket_, (*keys)[i].key));
    NC_RETURN_IF_ERROR(client_->RoundTrip("claim_read", requests, &replies));
    todo.clear();
    for (size_t j = 0; j < exist.size(); ++j) {
      ClaimKey& key = (*keys)[exist[j]];
      auto record = ParseKvGet(replies[j].body);
      if (record.ok() && !record->deleted) {
        key.value = record->value;
        key.revision = record->revision;
        continue;
      }
      if (!record.ok() && record.status().code() != StatusCode::kNotFound) return record.status();
      // Released (a delete marker) or gone meanwhile: create it again on that revision.
      expected[exist[j]] = record.ok() ? record->revision : 0;
      todo.push_back(exist[j]);
    }
  }
  if (todo.empty()) return Status::Ok();
  return Status::Unavailable("cluster: claim keys keep changing under this claim; retry later");
}

// The URL claim `key` is held, unpublished, by `holder`: taken over (its new revision) when the
// holder is dead (no heartbeat) or silent for claim_takeover; else FailedPrecondition.
Result<uint64_t> ArticleClaims::TakeOverUrlClaim(const std::string& id, const std::string& key,
                                                 const std::string& holder) {
  auto held = client_->KvGet(claims_kv_, key, "claim_get");
  if (!held.ok()) return held.status();
  UrlClaim c = ParseUrlClaim(held->value);
  if (c.instance == options_.instance_name) return held->revision;  // changed hands meanwhile
  if (c.published) return HeldElsewhere(id, c.instance);            // Claim again: a duplicate
  const int64_t age_ms = client_->clock().UnixNowMs() - held->created_ns / 1000000;
  auto alive = leases_->InstanceAlive(holder);
  if (!alive.ok()) return alive.status();
  const bool holder_dead = !*alive;
  if (!holder_dead && age_ms < options_.claim_takeover.count()) return HeldElsewhere(id, holder);
  auto taken = client_->KvPut(bucket_, key, FormatUrlClaim({id, options_.instance_name, false}),
                              held->revision, "claim_takeover");
  if (!taken.ok())
    return taken.status().code() == StatusCode::kAlreadyExists
               ? Status::Unavailable("cluster: claim of " + id + " changed; retry later")
               : taken.status();
  spdlog::info("cluster: took over the stale claim of article {} from {}", id, holder);
  return *taken;
}

// The id of the article `id` is a near duplicate of, or "" when none. A candidate is any other
// holder of one of our band keys whose signature matches. Between two matching articles, of the
// band keys both have and either of them holds, the one written first (lowest revision: the KV
// stream's sequence orders every write) names the original. Both sides of a simultaneous claim
// see the same holder and revision of each such key (create-only: the first write wins), so they
// end as one original and one duplicate, never two originals (see OtherIsOriginal). A key a
// duplicate released and a later claim wrote again has a higher revision than every key of the
// original, so later articles still find the original first.
Result<std::string> ArticleClaims::NearDuplicateOf(const std::string& id,
                                                   const std::string& content_hash,
                                                   const store::NearDupProbe& probe,
                                                   const std::vector<ClaimKey>& keys,
                                                   size_t first_band) {
  std::vector<HeldKey> band_holders;
  std::vector<KeyHolder> candidates;
  for (size_t i = first_band; i < keys.size(); ++i) {
    KeyHolder h = keys[i].created ? KeyHolder{id, content_hash} : ParseHolder(keys[i].value);
    band_holders.push_back({keys[i].key, h.id, keys[i].revision});
    if (h.id == id) continue;
    if (std::none_of(candidates.begin(), candidates.end(),
                     [&](const KeyHolder& c) { return c.id == h.id; }))
      candidates.push_back(std::move(h));
  }
  if (candidates.empty()) return std::string();

  std::vector<JsRequest> reads;
  for (const KeyHolder& c : candidates) reads.push_back(KvGetRequest(bucket_, "s." + c.id));
  std::vector<JsReply> replies;
  NC_RETURN_IF_ERROR(client_->RoundTrip("claim_signatures", reads, &replies));
  for (size_t i = 0; i < candidates.size(); ++i) {
    const KeyHolder& other = candidates[i];
    auto sig = ParseKvGet(replies[i].body);
    for (int attempt = 1;
         attempt <= 3 && sig.ok() == false && sig.status().code() == StatusCode::kNotFound;
         ++attempt) {
      // Sent before its band keys, but not necessarily stored before we read them.
      std::this_thread::sleep_for(std::chrono::milliseconds(20 * attempt));
      std::vector<JsReply> again;
      NC_RETURN_IF_ERROR(client_->RoundTrip("claim_signatures", {reads[i]}, &again));
      sig = ParseKvGet(again[0].body);
    }
    if (!sig.ok()) {
      if (sig.status().code() == StatusCode::kNotFound) continue;  // its claim never finished
      return sig.status();
    }
    if (sig->deleted || !store::SignaturesMatch(probe.signature, sig->value)) continue;
    // Same text: the content claim (ours, or we would not be here) decided between us.
    if (!content_hash.empty() && other.content_hash == content_hash) continue;
    std::set<std::string> theirs;
    for (const std::string& k : store::IndexKeysOfSignature(sig->value))
      theirs.insert("b." + text::HexEncode(k));
    if (OtherIsOriginal(band_holders, theirs, id, other.id)) return other.id;
  }
  return std::string();
}

bool OtherIsOriginal(std::vector<HeldKey> holders, const std::set<std::string>& their_keys,
                     const std::string& self, const std::string& other) {
  std::sort(holders.begin(), holders.end(),
            [](const HeldKey& a, const HeldKey& b) { return a.revision < b.revision; });
  for (const HeldKey& k : holders) {
    if (!their_keys.count(k.key) || (k.holder != self && k.holder != other)) continue;
    return k.holder == other;  // the first-written shared key either of us holds decides
  }
  return false;
}

// A claim that ends in a duplicate of `original` hands the keys it holds over: its URL claim is
// deleted, its content and band keys are rewritten (compare-and-set on their revisions) to name
// the original, so a later copy that shares only those bands with the original still finds it
// (deleting them lost that: a band won by the duplicate in a race was free again afterwards).
// Best effort: a key left as it was only costs a comparison with the duplicate's signature.
void ArticleClaims::ReleaseKeys(const std::vector<ClaimKey>& keys, const std::string& id,
                                const std::string& original) {
  std::string original_value = original;  // "<id> <content hash>" when a key tells the hash
  for (const ClaimKey& k : keys) {
    if (k.key[0] == 'u' || k.created) continue;
    const KeyHolder holder = ParseHolder(k.value);
    if (holder.id == original && !holder.content_hash.empty()) {
      original_value = original + " " + holder.content_hash;
      break;
    }
  }
  std::vector<JsRequest> requests;
  for (const ClaimKey& k : keys) {
    const bool url_claim = k.key[0] == 'u';
    const bool ours =
        k.created || (url_claim ? ParseUrlClaim(k.value).id == id : ParseHolder(k.value).id == id);
    if (!ours || k.revision == 0) continue;
    requests.push_back(url_claim ? KvDeleteRequest(bucket_, k.key, k.revision)
                                 : KvPutRequest(bucket_, k.key, original_value, k.revision));
  }
  if (requests.empty()) return;
  std::vector<JsReply> replies;
  Status s = client_->RoundTrip("claim_release", requests, &replies);
  if (!s.ok()) spdlog::warn("cluster: releasing the claim of {}: {}", id, s.ToString());
}

}  // namespace newscrawl::cluster
