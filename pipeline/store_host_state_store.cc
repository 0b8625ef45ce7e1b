#include "pipeline/store_host_state_store.h"

#include <spdlog/spdlog.h>

#include "common/big_endian.h"
#include "common/clock.h"
#include "pipeline/failure_log.h"

namespace newscrawl::pipeline {
namespace {

constexpr char kHostTag = 'H';
constexpr char kRobotsTag = 'R';
constexpr char kVersion = 1;

void PutBig(std::string* out, uint64_t v, int bytes) { AppendBigEndian(out, v, bytes); }

// Reads `bytes` big-endian bytes at *pos; false when the value is too short.
bool GetBig(std::string_view in, size_t* pos, int bytes, uint64_t* v) {
  if (in.size() < *pos + bytes) return false;
  *v = ReadBigEndian(in.substr(*pos), bytes);
  *pos += bytes;
  return true;
}

}  // namespace

std::string EncodeHostSnapshot(const crawler::HostSnapshot& s) {
  std::string out{kHostTag, kVersion};
  PutBig(&out, static_cast<uint64_t>(s.next_start_ms), 8);
  PutBig(&out, static_cast<uint64_t>(s.paused_until_ms), 8);
  PutBig(&out, static_cast<uint32_t>(s.failures), 4);
  PutBig(&out, static_cast<uint64_t>(s.circuit_open_until_ms), 8);
  return out;
}

std::optional<crawler::HostSnapshot> DecodeHostSnapshot(std::string_view value) {
  if (value.size() != 30 || value[0] != kHostTag || value[1] != kVersion) return std::nullopt;
  size_t pos = 2;
  uint64_t next = 0, paused = 0, failures = 0, circuit = 0;
  if (!GetBig(value, &pos, 8, &next) || !GetBig(value, &pos, 8, &paused) ||
      !GetBig(value, &pos, 4, &failures) || !GetBig(value, &pos, 8, &circuit))
    return std::nullopt;
  crawler::HostSnapshot s;
  s.next_start_ms = static_cast<int64_t>(next);
  s.paused_until_ms = static_cast<int64_t>(paused);
  s.failures = static_cast<int32_t>(static_cast<uint32_t>(failures));
  s.circuit_open_until_ms = static_cast<int64_t>(circuit);
  return s;
}

std::string EncodeRobotsSnapshot(const crawler::RobotsSnapshot& s) {
  std::string out{kRobotsTag, kVersion};
  PutBig(&out, static_cast<uint64_t>(s.fetched_ms), 8);
  PutBig(&out, static_cast<uint32_t>(s.status), 4);
  out += s.body;
  return out;
}

std::optional<crawler::RobotsSnapshot> DecodeRobotsSnapshot(std::string_view value) {
  if (value.size() < 14 || value[0] != kRobotsTag || value[1] != kVersion) return std::nullopt;
  size_t pos = 2;
  uint64_t fetched = 0, status = 0;
  if (!GetBig(value, &pos, 8, &fetched) || !GetBig(value, &pos, 4, &status)) return std::nullopt;
  crawler::RobotsSnapshot s;
  s.fetched_ms = static_cast<int64_t>(fetched);
  s.status = static_cast<int>(status);
  s.body = std::string(value.substr(pos));
  return s;
}

std::optional<crawler::HostSnapshot> StoreHostStateStore::LoadHost(const std::string& host_key) {
  auto value = store_->Get(store::ReservedSpace::kHostState, host_key);
  if (!value.ok()) {
    if (value.status().code() != StatusCode::kNotFound)
      spdlog::warn("host state of {}: {}", host_key, value.status().ToString());
    return std::nullopt;
  }
  return DecodeHostSnapshot(*value);
}

void StoreHostStateStore::SaveHost(const std::string& host_key,
                                   const crawler::HostSnapshot& snapshot) {
  const int64_t now_ms = clock_.UnixNowMs();
  auto known = paused_.find(host_key);
  for (const auto& line :
       PauseLogLines(host_key, known == paused_.end() ? crawler::HostSnapshot() : known->second,
                     snapshot, now_ms))
    spdlog::log(line.level, "{}", line.text);
  if (snapshot.paused_until_ms > now_ms || snapshot.circuit_open_until_ms > now_ms)
    paused_[host_key] = snapshot;
  else if (known != paused_.end())
    paused_.erase(known);
  Status s = store_->Put(store::ReservedSpace::kHostState, host_key, EncodeHostSnapshot(snapshot));
  if (!s.ok()) spdlog::warn("saving the host state of {}: {}", host_key, s.ToString());
}

std::optional<crawler::RobotsSnapshot> StoreHostStateStore::LoadRobots(
    const std::string& host_key) {
  auto value = store_->Get(store::ReservedSpace::kRobots, host_key);
  if (!value.ok()) {
    if (value.status().code() != StatusCode::kNotFound)
      spdlog::warn("robots.txt cache of {}: {}", host_key, value.status().ToString());
    return std::nullopt;
  }
  return DecodeRobotsSnapshot(*value);
}

void StoreHostStateStore::SaveRobots(const std::string& host_key,
                                     const crawler::RobotsSnapshot& snapshot) {
  Status s = store_->Put(store::ReservedSpace::kRobots, host_key, EncodeRobotsSnapshot(snapshot));
  if (!s.ok()) spdlog::warn("saving the robots.txt cache of {}: {}", host_key, s.ToString());
}

}  // namespace newscrawl::pipeline
