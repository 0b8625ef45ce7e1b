// NatsCluster: global claims (canonical URL, content hash, near-duplicate bands) in the KV bucket
// NC_CLAIMS; see "Claims" in nats_cluster.h.
#include <spdlog/spdlog.h>

#include "cluster/cluster_impl.h"
#include "cluster/nats_cluster.h"
#include "common/article_identity.h"
#include "common/fingerprint.h"
#include "store/near_dup.h"

namespace newscrawl::cluster {
namespace {

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Claims.

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

namespace {
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
}  // namespace

Result<pipeline::ClaimDecision> NatsCluster::Claim(const Article& article) {
  Impl& m = *impl_;
  if (!m.started || m.stopping.load()) return Status::FailedPrecondition("cluster not started");
  std::string id = article.id;
  if (id.empty()) {  // the id the store will give it (common/article_identity.h)
    auto identity = IdentifyArticleUrls(article);
    if (identity.ok()) id = identity->id;
  }
  if (id.empty()) return Status::InvalidArgument("cluster: cannot claim " + article.url);
  const std::string url_key = "u." + id;
  kvStore* kv = m.claims_kv.get();

  // 1. The URL claim: an article known to the cluster.
  auto held = m.KvGet(kv, url_key, "claim_get");
  if (!held.ok() && held.status().code() != StatusCode::kNotFound) {
    m.claims["retry"]->Increment();
    return held.status();
  }
  if (held.ok()) {
    UrlClaim c = ParseUrlClaim(held->value);
    if (c.instance == m.options.instance_name) {
      m.claims["store"]->Increment();
      return pipeline::ClaimDecision{};
    }
    if (c.published) {
      m.claims["duplicate_url"]->Increment();
      return Duplicate(c.id, "url");
    }
    // Not published yet: its claimer is storing it, or died before it could. Dead = no
    // heartbeat key (gone lease_ttl after its last renew), or silent for claim_takeover.
    const int64_t age_ms = WallNowMs() - held->created_ns / 1000000;
    auto heartbeat = m.KvGet(m.leases_kv.get(), "member." + c.instance, "claim_holder_alive");
    if (!heartbeat.ok() && heartbeat.status().code() != StatusCode::kNotFound) {
      m.claims["retry"]->Increment();
      return heartbeat.status();
    }
    const bool holder_dead = !heartbeat.ok();
    if (!holder_dead && age_ms < m.options.claim_takeover.count()) {
      m.claims["retry"]->Increment();
      return HeldElsewhere(id, c.instance);
    }
    // Its claimer died between claim and store: take it over.
    auto taken =
        m.KvPut(m.claims_bucket, url_key, FormatUrlClaim({id, m.options.instance_name, false}),
                held->revision, "claim_takeover");
    if (!taken.ok()) {
      m.claims["retry"]->Increment();
      return taken.status().code() == StatusCode::kAlreadyExists
                 ? Status::Unavailable("cluster: claim of " + id + " changed; retry later")
                 : taken.status();
    }
    spdlog::info("cluster: took over the stale claim of article {} from {}", id, c.instance);
    m.claims["store"]->Increment();
    return pipeline::ClaimDecision{};
  }

  // 2. Exact content.
  std::string content_hash =
      article.content_hash.empty() ? ContentHash(article.text) : article.content_hash;
  if (!content_hash.empty()) {
    auto holder = m.CreateOrGet("c." + content_hash, id, "claim_content");
    if (!holder.ok()) {
      m.claims["retry"]->Increment();
      return holder.status();
    }
    if (*holder != id) {
      m.claims["duplicate_content"]->Increment();
      return Duplicate(*holder, "content");
    }
  }

  // 3. Near duplicates: band keys -> candidates -> the store's verification rule.
  store::NearDupProbe probe = store::MakeNearDupProbe(article);
  if (!probe.index_keys.empty()) {
    std::vector<std::string> band_keys;
    for (const std::string& k : probe.index_keys) band_keys.push_back("b." + Hex(k));
    std::vector<std::string> checked;
    for (const std::string& bk : band_keys) {
      auto v = m.KvGet(kv, bk, "claim_band_get");
      if (!v.ok()) {
        if (v.status().code() == StatusCode::kNotFound) continue;
        m.claims["retry"]->Increment();
        return v.status();
      }
      const std::string& other = v->value;
      if (other == id || std::find(checked.begin(), checked.end(), other) != checked.end())
        continue;
      checked.push_back(other);
      auto sig = m.KvGet(kv, "s." + other, "claim_signature_get");
      if (!sig.ok()) {
        if (sig.status().code() == StatusCode::kNotFound) continue;  // never stored
        m.claims["retry"]->Increment();
        return sig.status();
      }
      if (store::SignaturesMatch(probe.signature, sig->value)) {
        m.claims["duplicate_near"]->Increment();
        return Duplicate(other, "near_duplicate");
      }
    }
    auto put =
        m.KvPut(m.claims_bucket, "s." + id, probe.signature, std::nullopt, "claim_signature_put");
    if (!put.ok()) {
      m.claims["retry"]->Increment();
      return put.status();
    }
    for (const std::string& bk : band_keys) {
      auto holder = m.CreateOrGet(bk, id, "claim_band");
      if (!holder.ok()) {
        m.claims["retry"]->Increment();
        return holder.status();
      }
    }
  }

  // 4. The URL claim itself.
  auto holder =
      m.CreateOrGet(url_key, FormatUrlClaim({id, m.options.instance_name, false}), "claim_url");
  if (!holder.ok()) {
    m.claims["retry"]->Increment();
    return holder.status();
  }
  UrlClaim c = ParseUrlClaim(*holder);
  if (c.instance != m.options.instance_name) {
    // Claimed by another instance a moment ago.
    if (c.published) {
      m.claims["duplicate_url"]->Increment();
      return Duplicate(c.id, "url");
    }
    m.claims["retry"]->Increment();
    return HeldElsewhere(id, c.instance);
  }
  m.claims["store"]->Increment();
  return pipeline::ClaimDecision{};
}

// Creates `key` = `value` unless it exists; returns the value that holds the key afterwards
// (ours when created, else the existing one).
Result<std::string> NatsCluster::Impl::CreateOrGet(const std::string& key, const std::string& value,
                                                   const std::string& op) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto created = KvPut(claims_bucket, key, value, uint64_t{0}, op);
    if (created.ok()) return value;
    if (created.status().code() != StatusCode::kAlreadyExists) return created.status();
    auto existing = KvGet(claims_kv.get(), key, op + "_get");
    if (existing.ok()) {
      // Our own earlier attempt (a timed-out create that did land) holds it: same value.
      return existing->value;
    }
    if (existing.status().code() != StatusCode::kNotFound) return existing.status();
    // Exists for the leader but not yet on the replica we read from: read again.
    std::this_thread::sleep_for(std::chrono::milliseconds(20 * (attempt + 1)));
  }
  return Status::Unavailable("cluster: " + key + " exists but cannot be read; retry later");
}

}  // namespace newscrawl::cluster
