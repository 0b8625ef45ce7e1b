// ClaimIndex: the claim log applied in stream order; see claim_index.h for the rule.
#include "cluster/claim_index.h"

#include <algorithm>

#include "store/near_dup.h"

namespace newscrawl::cluster {

std::string EncodeClaimLogEntry(const ClaimLogEntry& entry) {
  return entry.id + " " + entry.content_hash + "\n" + entry.signature;
}

Result<ClaimLogEntry> DecodeClaimLogEntry(std::string_view body) {
  const size_t nl = body.find('\n');
  const size_t space = body.find(' ');
  if (nl == std::string_view::npos || space == std::string_view::npos || space > nl || space == 0)
    return Status::Corruption("cluster: claim log message without an \"<id> <hash>\" line");
  ClaimLogEntry e;
  e.id = std::string(body.substr(0, space));
  e.content_hash = std::string(body.substr(space + 1, nl - space - 1));
  e.signature = std::string(body.substr(nl + 1));
  return e;
}

size_t ClaimIndex::CostOf(const Original& o) {
  // The strings and the map nodes around them, roughly.
  return o.id.size() + o.content_hash.size() + o.signature.size() + o.band_keys.size() * 64 + 128;
}

namespace {

// The signature of a claim log entry and its band keys, parsed once; no keys when it does not
// parse (such an entry matches nothing and is no original).
struct ParsedSignature {
  NearDupSignature signature;
  std::vector<std::string> keys;
};

ParsedSignature ParseSignature(std::string_view bytes) {
  auto parsed = NearDupSignature::Parse(bytes);
  if (!parsed.ok()) return {};
  ParsedSignature p{std::move(parsed).value(), {}};
  p.keys = NearDupIndexKeys(p.signature);
  return p;
}

}  // namespace

const ClaimIndex::Original* ClaimIndex::EarliestMatch(const ClaimLogEntry& entry,
                                                      const NearDupSignature& mine,
                                                      const std::vector<std::string>& keys) const {
  // Candidates: the originals under any of our band keys, earliest first.
  std::vector<uint64_t> candidates;
  for (const std::string& k : keys) {
    auto band = bands_.find(k);
    if (band != bands_.end())
      candidates.insert(candidates.end(), band->second.begin(), band->second.end());
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (uint64_t c : candidates) {
    const Original& o = originals_.at(c);
    if (!entry.content_hash.empty() && o.content_hash == entry.content_hash) continue;
    if (store::SignatureMatches(mine, o.signature)) return &o;
  }
  return nullptr;
}

ClaimIndex::Verdict ClaimIndex::Apply(uint64_t seq, int64_t time_ns, const ClaimLogEntry& entry) {
  Evict(time_ns - window_ns_);
  if (auto it = ids_.find(entry.id); it != ids_.end()) return it->second.verdict;

  IdState state{seq, time_ns, {}};
  const ParsedSignature parsed = ParseSignature(entry.signature);
  const std::vector<std::string>& keys = parsed.keys;
  if (const Original* o = EarliestMatch(entry, parsed.signature, keys)) {
    state.verdict = Verdict{o->id, o->content_hash};
  } else if (!keys.empty()) {
    Original o{entry.id, entry.content_hash, entry.signature, keys, time_ns};
    for (const std::string& k : keys) bands_[k].push_back(seq);
    bytes_ += CostOf(o);
    originals_.emplace(seq, std::move(o));
  }
  bytes_ += entry.id.size() + 96;
  by_time_.emplace_back(time_ns, entry.id);
  return ids_.emplace(entry.id, std::move(state)).first->second.verdict;
}

std::optional<ClaimIndex::Verdict> ClaimIndex::Predict(const ClaimLogEntry& entry,
                                                       int64_t latest_time_ns) const {
  // Apply keeps what is at least (its time - window) old; its time is at most latest_time_ns.
  const int64_t surely_kept = latest_time_ns - window_ns_;
  if (auto it = ids_.find(entry.id); it != ids_.end()) {
    if (it->second.time_ns < surely_kept) return std::nullopt;
    return it->second.verdict;
  }
  const ParsedSignature parsed = ParseSignature(entry.signature);
  const Original* o = EarliestMatch(entry, parsed.signature, parsed.keys);
  if (o == nullptr) return Verdict{};  // eviction only removes candidates
  if (o->time_ns < surely_kept) return std::nullopt;
  return Verdict{o->id, o->content_hash};
}

std::optional<ClaimIndex::Verdict> ClaimIndex::VerdictOf(const std::string& id) const {
  auto it = ids_.find(id);
  if (it == ids_.end()) return std::nullopt;
  return it->second.verdict;
}

void ClaimIndex::Evict(int64_t before_ns) {
  while (!by_time_.empty() && by_time_.front().first < before_ns) {
    const std::string id = std::move(by_time_.front().second);
    by_time_.pop_front();
    auto it = ids_.find(id);
    if (it == ids_.end()) continue;
    const uint64_t seq = it->second.seq;
    bytes_ -= std::min(bytes_, id.size() + 96);
    ids_.erase(it);
    auto o = originals_.find(seq);
    if (o == originals_.end()) continue;
    for (const std::string& k : o->second.band_keys) {
      auto band = bands_.find(k);
      if (band == bands_.end()) continue;
      auto& seqs = band->second;
      seqs.erase(std::remove(seqs.begin(), seqs.end(), seq), seqs.end());
      if (seqs.empty()) bands_.erase(band);
    }
    bytes_ -= std::min(bytes_, CostOf(o->second));
    originals_.erase(o);
  }
}

}  // namespace newscrawl::cluster
