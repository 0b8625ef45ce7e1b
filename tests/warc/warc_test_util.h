// Helpers for the WARC tests: a temporary directory, hand-built records, reading a whole file.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "warc/reader.h"

namespace newscrawl::warc {

// A fresh directory under $TMPDIR, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "warc_test.XXXXXX").string();
    path_ = mkdtemp(pattern.data()) ? pattern : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A WARC/1.1 record of `type` whose Content-Length is the block's size plus `length_delta` (to
// build records with a wrong length).
inline std::string RecordText(const std::string& type, const std::string& uri,
                              const std::string& block, int length_delta = 0) {
  std::string text = "WARC/1.1\r\nWARC-Type: " + type +
                     "\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000000>\r\n"
                     "WARC-Date: 2024-03-16T03:30:00Z\r\n";
  if (!uri.empty()) text += "WARC-Target-URI: " + uri + "\r\n";
  if (type == "response") text += "Content-Type: application/http; msgtype=response\r\n";
  text += "Content-Length: " + std::to_string(static_cast<long>(block.size()) + length_delta) +
          "\r\n\r\n" + block + "\r\n\r\n";
  return text;
}

struct ReadAll {
  std::vector<WarcRecord> records;
  std::vector<WarcDamage> damages;
};

inline ReadAll Drain(WarcReader* reader) {
  ReadAll all;
  for (int guard = 0; guard < 100000; ++guard) {
    WarcRecord record;
    WarcDamage damage;
    WarcReader::Next next = reader->Read(&record, &damage);
    if (next == WarcReader::Next::kEnd) break;
    if (next == WarcReader::Next::kRecord) all.records.push_back(std::move(record));
    if (next == WarcReader::Next::kDamage) all.damages.push_back(damage);
  }
  return all;
}

inline ReadAll ReadWarcFile(const std::string& path, WarcReaderOptions options = {}) {
  Result<std::unique_ptr<WarcReader>> reader = WarcReader::Open(path, options);
  if (!reader.ok()) return {};
  return Drain(reader->get());
}

}  // namespace newscrawl::warc
