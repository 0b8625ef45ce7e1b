#include "store/keys.h"

#include "common/big_endian.h"
#include "common/text.h"

namespace newscrawl::store {
namespace {

// Length-prefixed (2 bytes BE) string; strings longer than 65535 bytes are cut (URLs, hashes and
// ids never are that long).
void PutString(std::string* out, std::string_view s) {
  size_t n = std::min<size_t>(s.size(), 0xffff);
  AppendBigEndian(out, n, 2);
  out->append(s.data(), n);
}

bool GetString(std::string_view* in, std::string* s) {
  if (in->size() < 2) return false;
  size_t n = ReadBigEndian(*in, 2);
  if (in->size() < 2 + n) return false;
  s->assign(in->data() + 2, n);
  in->remove_prefix(2 + n);
  return true;
}

}  // namespace

const char* ColumnFamilyName(ColumnFamily cf) {
  switch (cf) {
    case ColumnFamily::kDefault:
      return kCfDefault;
    case ColumnFamily::kArticles:
      return kCfArticles;
    case ColumnFamily::kVersions:
      return kCfVersions;
    case ColumnFamily::kUrlIndex:
      return kCfUrlIndex;
    case ColumnFamily::kHashIndex:
      return kCfHashIndex;
    case ColumnFamily::kBandIndex:
      return kCfBandIndex;
    case ColumnFamily::kSignatures:
      return kCfSignatures;
    case ColumnFamily::kChangeLog:
      return kCfChangeLog;
    case ColumnFamily::kCursors:
      return kCfCursors;
    case ColumnFamily::kFrontier:
      return kCfFrontier;
    case ColumnFamily::kHostState:
      return kCfHostState;
    case ColumnFamily::kRobots:
      return kCfRobots;
    case ColumnFamily::kCount:
      break;
  }
  return "?";
}

Result<std::string> EncodeId(std::string_view hex_id) {
  if (hex_id.size() != 16) return Status::InvalidArgument("article id must be 16 hex digits");
  std::string raw(8, '\0');
  for (size_t i = 0; i < 8; ++i) {
    int hi = text::HexDigitValue(hex_id[2 * i]), lo = text::HexDigitValue(hex_id[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::InvalidArgument("article id must be 16 hex digits");
    raw[i] = static_cast<char>(hi * 16 + lo);
  }
  return raw;
}

std::string DecodeId(std::string_view raw_id) { return text::HexEncode(raw_id); }

std::string SeqKey(uint64_t seq) { return EncodeU64(seq); }

Result<uint64_t> ParseSeqKey(std::string_view key) { return DecodeU64(key); }

std::string VersionKey(std::string_view raw_id, uint32_t version) {
  std::string key(raw_id);
  AppendBigEndian(&key, version, 4);
  return key;
}

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kNew:
      return "new";
    case EventKind::kVersion:
      return "version";
    case EventKind::kDuplicate:
      return "duplicate";
    case EventKind::kNone:
      break;
  }
  return "none";
}

// Layout: version u32 | seq u64 | simhash u64 | str content_hash | str duplicate_of |
// str canonical_url   (str = u16 length + bytes)
std::string EncodeArticleHead(const ArticleHead& head) {
  std::string out;
  out.reserve(32 + head.content_hash.size() + head.duplicate_of.size() + head.canonical_url.size());
  AppendBigEndian(&out, head.version, 4);
  AppendBigEndian(&out, head.seq, 8);
  AppendBigEndian(&out, head.simhash, 8);
  PutString(&out, head.content_hash);
  PutString(&out, head.duplicate_of);
  PutString(&out, head.canonical_url);
  out.push_back(static_cast<char>(head.from_alias ? 3 : 1));  // the meta block's tag and flag
  PutString(&out, head.title);
  PutString(&out, head.published_at);
  PutString(&out, head.modified_at);
  return out;
}

Result<ArticleHead> DecodeArticleHead(std::string_view in) {
  ArticleHead head;
  if (in.size() < 20) return Status::Corruption("article head record is truncated");
  head.version = static_cast<uint32_t>(ReadBigEndian(in, 4));
  head.seq = ReadBigEndian(in.substr(4), 8);
  head.simhash = ReadBigEndian(in.substr(12), 8);
  in.remove_prefix(20);
  if (!GetString(&in, &head.content_hash) || !GetString(&in, &head.duplicate_of) ||
      !GetString(&in, &head.canonical_url))
    return Status::Corruption("article head record is truncated");
  if (in.empty()) return head;  // written before the meta block existed
  const uint8_t tag = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  if ((tag & 1) == 0 || !GetString(&in, &head.title) || !GetString(&in, &head.published_at) ||
      !GetString(&in, &head.modified_at))
    return Status::Corruption("article head record has a damaged meta block");
  head.has_meta = true;
  head.from_alias = (tag & 2) != 0;
  return head;
}

// Layout: kind u8 | raw id (8 bytes) | version u32
std::string EncodeChangeLogEntry(const ChangeLogEntry& entry) {
  std::string out;
  out.push_back(static_cast<char>(entry.kind));
  auto raw = EncodeId(entry.id);
  out += raw.ok() ? raw.value() : std::string(8, '\0');
  AppendBigEndian(&out, entry.version, 4);
  return out;
}

Result<ChangeLogEntry> DecodeChangeLogEntry(std::string_view in) {
  if (in.size() != 13) return Status::Corruption("change log entry has the wrong size");
  ChangeLogEntry entry;
  uint8_t kind = static_cast<uint8_t>(in[0]);
  if (kind < 1 || kind > 3) return Status::Corruption("change log entry has an unknown kind");
  entry.kind = static_cast<EventKind>(kind);
  entry.id = DecodeId(in.substr(1, 8));
  entry.version = static_cast<uint32_t>(ReadBigEndian(in.substr(9), 4));
  return entry;
}

std::vector<std::string> DecodeBandIds(std::string_view value) {
  std::vector<std::string> out;
  out.reserve(value.size() / 8);
  for (size_t i = 0; i + 8 <= value.size(); i += 8) out.emplace_back(value.substr(i, 8));
  return out;
}

std::string AppendBandId(std::string_view value, std::string_view raw_id, size_t max_ids) {
  std::string out = RemoveBandId(value, raw_id);
  size_t keep = max_ids == 0 ? 0 : (max_ids - 1) * 8;
  if (out.size() > keep) out.erase(0, out.size() - keep);
  out.append(raw_id);
  return out;
}

std::string RemoveBandId(std::string_view value, std::string_view raw_id) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i + 8 <= value.size(); i += 8)
    if (value.substr(i, 8) != raw_id) out.append(value.substr(i, 8));
  return out;
}

// Layout: articles u64 | duplicates u64 | versions u64
std::string EncodeCounters(const Counters& c) {
  std::string out;
  AppendBigEndian(&out, c.articles, 8);
  AppendBigEndian(&out, c.duplicates, 8);
  AppendBigEndian(&out, c.versions, 8);
  return out;
}

Result<Counters> DecodeCounters(std::string_view in) {
  if (in.size() != 24) return Status::Corruption("counters record has the wrong size");
  return Counters{ReadBigEndian(in, 8), ReadBigEndian(in.substr(8), 8),
                  ReadBigEndian(in.substr(16), 8)};
}

std::string EncodeU64(uint64_t v) {
  std::string out;
  AppendBigEndian(&out, v, 8);
  return out;
}

Result<uint64_t> DecodeU64(std::string_view value) {
  if (value.size() != 8) return Status::Corruption("expected an 8-byte big-endian integer");
  return ReadBigEndian(value, 8);
}

std::string FrontierUrlKey(std::string_view url) {
  std::string key(1, kFrontierUrlPrefix);
  key.append(url);
  return key;
}

std::string FrontierDueKey(int64_t due_ms, std::string_view url) {
  std::string key(1, kFrontierDuePrefix);
  AppendBigEndian(&key, static_cast<uint64_t>(due_ms) ^ kFrontierDueBias, 8);
  key.append(url);
  return key;
}

std::optional<FrontierDue> ParseFrontierDueKey(std::string_view key) {
  if (key.size() < 9 || key[0] != kFrontierDuePrefix) return std::nullopt;
  return FrontierDue{static_cast<int64_t>(ReadBigEndian(key.substr(1, 8), 8) ^ kFrontierDueBias),
                     key.substr(9)};
}

}  // namespace newscrawl::store
