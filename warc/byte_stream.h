// Internals of the WARC reader (not for users of nc_warc): a buffered file input and the record
// parser that reads one record from a plain file or from one inflated gzip member.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "warc/reader.h"
#include "warc/record.h"

namespace newscrawl::warc {

inline constexpr size_t kStreamChunk = 256 * 1024;

// Bytes read on demand: Ensure(n) makes at least n bytes available at data() unless the stream
// ends first, and returns how many are available.
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  virtual size_t Ensure(size_t n) = 0;
  virtual const char* data() const = 0;
  virtual size_t size() const = 0;
  virtual void Consume(size_t n) = 0;
  // Why the stream ended before its natural end ("" when it did not).
  virtual const std::string& error() const = 0;
  // The offset to report for a record starting at data() now.
  virtual uint64_t record_offset() const = 0;
};

// A file descriptor behind a buffer; offset() is the file offset of data()[0].
class FileInput final : public ByteStream {
 public:
  FileInput(int fd, bool owned);
  ~FileInput() override;
  FileInput(const FileInput&) = delete;
  FileInput& operator=(const FileInput&) = delete;

  size_t Ensure(size_t n) override;
  const char* data() const override { return buf_.data() + begin_; }
  size_t size() const override { return end_ - begin_; }
  void Consume(size_t n) override {
    begin_ += n;
    offset_ += n;
  }
  const std::string& error() const override { return read_error_; }
  uint64_t record_offset() const override { return offset_; }

  uint64_t offset() const { return offset_; }
  const std::string& read_error() const { return read_error_; }
  std::optional<uint64_t> file_size() const { return file_size_; }
  // Repositions a seekable input; false (and nothing changes) on a pipe.
  bool SeekTo(uint64_t offset);

 private:
  int fd_;
  bool owned_;
  bool seekable_ = false;
  std::optional<uint64_t> file_size_;
  std::vector<char> buf_;
  size_t begin_ = 0;
  size_t end_ = 0;
  uint64_t offset_ = 0;
  bool eof_ = false;
  std::string read_error_;
};

enum class ParseOutcome {
  kRecord,  // *record filled
  kEmpty,   // the stream ended cleanly before a record started
  kDamage,  // *reason says why; record->offset is where the record (or garbage) started
};

// Reads one record from `in`: optional blank lines, "WARC/x.y", header fields, a blank line,
// Content-Length bytes of block (kept only up to options.max_block_bytes), CRLF CRLF.
ParseOutcome ParseRecord(ByteStream* in, const WarcReaderOptions& options, WarcRecord* record,
                         std::string* reason);

}  // namespace newscrawl::warc
