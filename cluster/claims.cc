// ArticleClaims: global claims (canonical URL and content hash in the KV bucket NC_CLAIMS, the
// near-duplicate signature in the claim log); see "Claims" in nats_cluster.h. Both keys and the
// log message of a claim are written in one round trip; only keys that already exist are read,
// in a second one.
#include "cluster/claims.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/article_identity.h"
#include "common/fingerprint.h"
#include "common/near_duplicate.h"
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
                             const ClusterNames& names, ShardLeases* leases, ClaimLog* log)
    : client_(client), options_(options), bucket_(names.claims_bucket), leases_(leases), log_(log) {
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

  // 1. In one round trip: the URL claim and the content claim (create-only), and the claim log
  // message with the signature (only a text with band keys can have near duplicates).
  std::vector<ClaimKey> keys;
  keys.push_back({"u." + id, FormatUrlClaim({id, self, false})});
  if (!content_hash.empty()) keys.push_back({"c." + content_hash, id + " " + content_hash});
  const ClaimLogEntry log_entry{id, content_hash, probe.signature};
  std::vector<JsRequest> extra;
  if (!probe.index_keys.empty()) extra.push_back(log_->PublishRequest(log_entry));
  std::vector<uint64_t> log_seqs;
  NC_RETURN_IF_ERROR(CreateKeys(&keys, extra, &log_seqs));

  // 2. The URL claim decides who may go on.
  ClaimKey& url = keys[0];
  if (!url.created) {
    UrlClaim c = ParseUrlClaim(url.value);
    if (c.instance == self) {
      // Ours and published: a new version of an article stored here. Ours, not published: an
      // earlier attempt (a crash, or a duplicate whose release failed): decided again below,
      // with the same answer (the content key's holder and the id's first log message stay).
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
  if (keys.size() > 1) {
    const ClaimKey& content = keys[1];
    KeyHolder holder = content.created ? KeyHolder{id, content_hash} : ParseHolder(content.value);
    if (holder.id != id) {
      ReleaseKeys(keys, id, holder.id, holder.content_hash);
      return Duplicate(holder.id, "content");
    }
  }

  // 4. Near duplicates: the verdict of the claim log on this id, once this instance's index has
  // applied every message before ours (see claim_index.h, claim_log.h).
  if (!log_seqs.empty()) {
    auto verdict = log_->VerdictAfter(log_seqs[0], log_entry);
    if (!verdict.ok()) return verdict.status();
    if (!verdict->original_id.empty() && verdict->original_id != id) {
      ReleaseKeys(keys, id, verdict->original_id, verdict->original_content_hash);
      return Duplicate(verdict->original_id, "near_duplicate");
    }
  }
  return pipeline::ClaimDecision{};
}

// Creates every key (create-only; a key holding only a delete marker counts as free) and reads
// the ones that exist: afterwards each key is either `created` by this call, or `value` and
// `revision` are what holds it.
Status ArticleClaims::CreateKeys(std::vector<ClaimKey>* keys, const std::vector<JsRequest>& extra,
                                 std::vector<uint64_t>* extra_seqs) {
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
      extra_seqs->push_back(ack.sequence);
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

// A claim that ends in a duplicate of `original` hands the keys it holds over: its URL claim is
// deleted, its content key is rewritten (compare-and-set on its revision) to name the original,
// so a later exact copy of this text is a duplicate of the original, not of an article nobody
// stores. Best effort: a key left as it was only names this id as the original of later copies.
void ArticleClaims::ReleaseKeys(const std::vector<ClaimKey>& keys, const std::string& id,
                                const std::string& original,
                                const std::string& original_content_hash) {
  const std::string original_value =
      original_content_hash.empty() ? original : original + " " + original_content_hash;
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
