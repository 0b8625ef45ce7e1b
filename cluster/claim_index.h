// ClaimIndex: the near-duplicate index every instance builds from the claim log (internal to
// cluster/; see "Claims" in nats_cluster.h). Each claim of an article with band keys publishes
// one message (ClaimLogEntry: id, content hash, near-duplicate signature) to the NC_CLAIMLOG
// stream; every instance applies the stream's messages in stream order to its own ClaimIndex, so
// every instance computes the same verdict for every message from the same total order:
//
//   - the first message of an article id decides that id; later messages of the same id (a
//     re-claim after a crash or a retry, a claim that lost the URL claim, a new version) change
//     nothing and get the same verdict;
//   - the first message of an id is a near duplicate of the earliest ORIGINAL (not itself a
//     duplicate) applied before it, within `window` of its time, whose signature matches
//     (store::SignaturesMatch) and whose content hash differs (the same text at two URLs is the
//     content claim's to decide, "c.<hash>" in the KV); otherwise it is an original and is
//     indexed under its band keys (store/near_dup.h).
//
// Time is the server's timestamp of each message, so eviction is the same on every instance:
// before a message is applied, entries older than its time minus `window` are dropped.
// Memory: the signature (4 bytes per distinct 5-word shingle), the id and hash, 16 band keys
// and the map nodes: ApproximateBytes() says 2.5 KB per article of ~300 words (bench/cluster).
//
// Thread safety: none; the claim log guards it with its own mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/near_duplicate.h"
#include "common/status.h"

namespace newscrawl::cluster {

// One claim log message.
struct ClaimLogEntry {
  std::string id;            // the article id (common/article_identity.h)
  std::string content_hash;  // of its text; may be empty
  std::string signature;     // store::NearDupProbe::signature
};

// "<id> <content hash>\n" then the signature bytes. Decode fails (Corruption) without the line.
std::string EncodeClaimLogEntry(const ClaimLogEntry& entry);
Result<ClaimLogEntry> DecodeClaimLogEntry(std::string_view body);

class ClaimIndex {
 public:
  // The verdict on an article id: `original_id` empty when it is an original itself.
  struct Verdict {
    std::string original_id;
    std::string original_content_hash;
  };

  explicit ClaimIndex(std::chrono::nanoseconds window) : window_ns_(window.count()) {}

  // Applies message `seq` (stream sequence, increasing from call to call) stored at `time_ns`
  // (server time, ns since the epoch). Returns the verdict of entry.id (its first message's).
  Verdict Apply(uint64_t seq, int64_t time_ns, const ClaimLogEntry& entry);

  // The verdict Apply will give `entry` as the next message, stored at a time no later than
  // `latest_time_ns`, without applying it: nullopt when that depends on what Apply's eviction
  // drops (an entry it needs is older than latest_time_ns minus the window). Lets a claim decide
  // as soon as every message before its own is applied, without waiting for its own.
  std::optional<Verdict> Predict(const ClaimLogEntry& entry, int64_t latest_time_ns) const;

  // The verdict of an id seen within the window; nullopt when unknown.
  std::optional<Verdict> VerdictOf(const std::string& id) const;

  size_t size() const { return ids_.size(); }  // ids within the window
  size_t originals() const { return originals_.size(); }
  size_t ApproximateBytes() const { return bytes_; }

 private:
  struct Original {
    std::string id;
    std::string content_hash;
    std::string signature;
    std::vector<std::string> band_keys;
    int64_t time_ns = 0;
  };
  struct IdState {
    uint64_t seq = 0;  // its first message
    int64_t time_ns = 0;
    Verdict verdict;
  };

  void Evict(int64_t before_ns);
  // The earliest original applied so far that `entry` (its signature parsed once: `mine`, its
  // band keys `keys`) is a near duplicate of; nullptr when none.
  const Original* EarliestMatch(const ClaimLogEntry& entry, const NearDupSignature& mine,
                                const std::vector<std::string>& keys) const;
  static size_t CostOf(const Original& o);

  const int64_t window_ns_;
  std::unordered_map<std::string, IdState> ids_;
  std::unordered_map<uint64_t, Original> originals_;              // by seq
  std::unordered_map<std::string, std::vector<uint64_t>> bands_;  // band key -> original seqs
  std::deque<std::pair<int64_t, std::string>> by_time_;  // (time, id), first messages in order
  size_t bytes_ = 0;
};

}  // namespace newscrawl::cluster
