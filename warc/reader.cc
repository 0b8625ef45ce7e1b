#include "warc/reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

#include "common/text.h"
#include "warc/byte_stream.h"

namespace newscrawl::warc {
namespace {

constexpr char kGzipMagic[] = "\x1f\x8b\x08";

// One gzip member of `in`, inflated on demand. Start() begins a member at the input's position;
// the stream ends (Ensure returns what is left) at the member's end, leaving the input just
// after it.
class GzipMemberStream final : public ByteStream {
 public:
  explicit GzipMemberStream(FileInput* in) : in_(in) {
    if (inflateInit2(&zs_, 15 + 16) != Z_OK) error_ = "cannot initialise zlib";
  }
  ~GzipMemberStream() override { inflateEnd(&zs_); }

  void Start() {
    inflateReset(&zs_);
    member_offset_ = in_->offset();
    begin_ = end_ = 0;
    member_done_ = false;
    error_.clear();
  }

  size_t Ensure(size_t n) override {
    while (end_ - begin_ < n && !member_done_ && error_.empty()) {
      if (begin_ > 0) {
        std::memmove(out_.data(), out_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
      }
      if (out_.size() < end_ + kStreamChunk) out_.resize(end_ + kStreamChunk);
      size_t have_in = in_->Ensure(1);
      if (have_in == 0) {
        error_ = in_->read_error().empty() ? "truncated gzip member" : in_->read_error();
        break;
      }
      zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in_->data()));
      zs_.avail_in = static_cast<uInt>(std::min<size_t>(have_in, UINT_MAX));
      zs_.next_out = reinterpret_cast<Bytef*>(out_.data() + end_);
      zs_.avail_out = static_cast<uInt>(kStreamChunk);
      int rc = inflate(&zs_, Z_NO_FLUSH);
      size_t used = have_in - zs_.avail_in;
      size_t produced = kStreamChunk - zs_.avail_out;
      in_->Consume(used);
      end_ += produced;
      if (rc == Z_STREAM_END) {
        member_done_ = true;
      } else if (rc == Z_BUF_ERROR && used == 0 && produced == 0) {
        // All buffered input is in zlib's window: read more, or the member is cut short.
        if (in_->Ensure(have_in + 1) <= have_in) {
          error_ = in_->read_error().empty() ? "truncated gzip member" : in_->read_error();
        }
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        error_ = std::string("corrupt gzip data") + (zs_.msg ? std::string(": ") + zs_.msg : "");
      }
    }
    return end_ - begin_;
  }
  const char* data() const override { return out_.data() + begin_; }
  size_t size() const override { return end_ - begin_; }
  void Consume(size_t n) override { begin_ += n; }
  const std::string& error() const override { return error_; }
  uint64_t record_offset() const override { return member_offset_; }
  bool member_done() const { return member_done_ && begin_ == end_; }

 private:
  FileInput* in_;
  z_stream zs_{};
  std::vector<char> out_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool member_done_ = false;
  uint64_t member_offset_ = 0;
  std::string error_;
};

bool IsGzipStart(const char* p) {
  return std::memcmp(p, kGzipMagic, 3) == 0 && (static_cast<unsigned char>(p[3]) & 0xE0) == 0;
}

class WarcReaderImpl final : public WarcReader {
 public:
  WarcReaderImpl(int fd, bool owned, WarcReaderOptions options)
      : in_(fd, owned), gz_(&in_), options_(options) {
    gzip_ = in_.Ensure(4) >= 4 && IsGzipStart(in_.data());
  }

  Next Read(WarcRecord* record, WarcDamage* damage) override {
    return gzip_ ? ReadGzip(record, damage) : ReadPlain(record, damage);
  }
  uint64_t bytes_consumed() const override { return in_.offset(); }
  std::optional<uint64_t> file_size() const override { return in_.file_size(); }

 private:
  Next ReadGzip(WarcRecord* record, WarcDamage* damage) {
    for (;;) {
      if (!in_member_) {
        size_t avail = in_.Ensure(4);
        if (avail == 0) return End(damage);
        if (avail < 4 || !IsGzipStart(in_.data())) {
          *damage = {in_.offset(), "garbage between records"};
          ScanForGzipMember();
          return Next::kDamage;
        }
        gz_.Start();
        in_member_ = true;
      }
      std::string reason;
      ParseOutcome outcome = ParseRecord(&gz_, options_, record, &reason);
      if (outcome == ParseOutcome::kRecord) return Next::kRecord;
      if (outcome == ParseOutcome::kEmpty) {
        in_member_ = false;
        continue;
      }
      *damage = {gz_.record_offset(), reason};
      if (gz_.error().empty()) {
        while (gz_.Ensure(kStreamChunk) > 0) gz_.Consume(gz_.size());  // drain the member
      }
      in_member_ = false;
      if (!gz_.error().empty()) {
        // The member itself is bad: its compressed length is unknown, so look for the next
        // member from just after its start (a seekable file), or from here (a pipe).
        in_.SeekTo(gz_.record_offset() + 1);
        ScanForGzipMember();
      }
      return Next::kDamage;
    }
  }

  Next ReadPlain(WarcRecord* record, WarcDamage* damage) {
    std::string reason;
    ParseOutcome outcome = ParseRecord(&in_, options_, record, &reason);
    if (outcome == ParseOutcome::kRecord) return Next::kRecord;
    if (outcome == ParseOutcome::kEmpty) return End(damage);
    *damage = {record->offset, reason};
    // Back to just after the damaged record's start (when seekable): a Content-Length that is
    // too long must not swallow the records behind it.
    in_.SeekTo(record->offset + 1);
    ScanForLine("WARC/1.");
    return Next::kDamage;
  }

  Next End(WarcDamage* damage) {
    if (!in_.read_error().empty() && !read_error_reported_) {
      read_error_reported_ = true;
      *damage = {in_.offset(), in_.read_error()};
      return Next::kDamage;
    }
    return Next::kEnd;
  }

  // Leaves the input at the next gzip member header (or at the end).
  void ScanForGzipMember() {
    for (;;) {
      size_t avail = in_.Ensure(4);
      if (avail < 4) {
        in_.Consume(avail);
        return;
      }
      const char* p = in_.data();
      for (size_t i = 0; i + 4 <= avail; ++i) {
        if (p[i] == kGzipMagic[0] && IsGzipStart(p + i)) {
          in_.Consume(i);
          return;
        }
      }
      in_.Consume(avail - 3);
      if (in_.Ensure(kStreamChunk) < 4) {
        in_.Consume(in_.size());
        return;
      }
    }
  }

  // Leaves the input at the start of the next line that begins with `prefix` (or at the end).
  void ScanForLine(std::string_view prefix) {
    const std::string needle = "\n" + std::string(prefix);
    for (;;) {
      size_t avail = in_.Ensure(needle.size());
      if (avail < needle.size()) {
        in_.Consume(avail);
        return;
      }
      std::string_view window(in_.data(), avail);
      size_t at = window.find(needle);
      if (at != std::string_view::npos) {
        in_.Consume(at + 1);
        return;
      }
      in_.Consume(avail - needle.size() + 1);
      if (in_.Ensure(kStreamChunk) < needle.size()) {
        in_.Consume(in_.size());
        return;
      }
    }
  }

  FileInput in_;
  GzipMemberStream gz_;
  WarcReaderOptions options_;
  bool gzip_ = false;
  bool in_member_ = false;
  bool read_error_reported_ = false;
};

}  // namespace

Result<std::unique_ptr<WarcReader>> WarcReader::Open(const std::string& path,
                                                     WarcReaderOptions options) {
  if (path == "-") {
    return std::unique_ptr<WarcReader>(
        std::make_unique<WarcReaderImpl>(STDIN_FILENO, false, options));
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  return std::unique_ptr<WarcReader>(std::make_unique<WarcReaderImpl>(fd, true, options));
}

}  // namespace newscrawl::warc
