#include "warc/byte_stream.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "common/text.h"

namespace newscrawl::warc {

FileInput::FileInput(int fd, bool owned) : fd_(fd), owned_(owned) {
  struct stat st {};
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
    seekable_ = ::lseek(fd_, 0, SEEK_CUR) >= 0;
    file_size_ = static_cast<uint64_t>(st.st_size);
  }
}

FileInput::~FileInput() {
  if (owned_) ::close(fd_);
}

size_t FileInput::Ensure(size_t n) {
  while (end_ - begin_ < n && !eof_) {
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    size_t want = std::max(kStreamChunk, n - end_);
    if (buf_.size() < end_ + want) buf_.resize(end_ + want);
    ssize_t got = ::read(fd_, buf_.data() + end_, want);
    if (got < 0) {
      if (errno == EINTR) continue;
      read_error_ = std::string("read error: ") + std::strerror(errno);
      eof_ = true;
    } else if (got == 0) {
      eof_ = true;
    } else {
      end_ += static_cast<size_t>(got);
    }
  }
  return end_ - begin_;
}

bool FileInput::SeekTo(uint64_t offset) {
  if (!seekable_ || ::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) return false;
  begin_ = end_ = 0;
  offset_ = offset;
  eof_ = false;
  return true;
}

namespace {

enum class LineResult { kLine, kTooLong, kEnd };

// Reads one line (LF or CRLF ended, the ending dropped) of at most `max` bytes.
LineResult ReadLine(ByteStream* in, size_t max, std::string* line) {
  size_t scanned = 0;
  for (;;) {
    size_t avail = in->size();
    const void* lf = std::memchr(in->data() + scanned, '\n', avail - scanned);
    if (lf != nullptr) {
      size_t len = static_cast<const char*>(lf) - in->data();
      size_t keep = len > 0 && in->data()[len - 1] == '\r' ? len - 1 : len;
      line->assign(in->data(), keep);
      in->Consume(len + 1);
      return LineResult::kLine;
    }
    scanned = avail;
    if (avail >= max) return LineResult::kTooLong;
    if (in->Ensure(avail + 1) <= avail) return LineResult::kEnd;
  }
}

std::string EndedEarly(ByteStream* in, const std::string& what) {
  return in->error().empty() ? what : in->error();
}

}  // namespace

ParseOutcome ParseRecord(ByteStream* in, const WarcReaderOptions& options, WarcRecord* record,
                         std::string* reason) {
  *record = WarcRecord();
  for (;;) {  // blank lines between records are tolerated
    if (in->Ensure(1) == 0) {
      record->offset = in->record_offset();
      if (in->error().empty()) return ParseOutcome::kEmpty;
      *reason = in->error();
      return ParseOutcome::kDamage;
    }
    char c = in->data()[0];
    if (c != '\r' && c != '\n') break;
    in->Consume(1);
  }
  record->offset = in->record_offset();
  std::string line;
  size_t header_budget = options.max_header_bytes;
  if (ReadLine(in, std::min<size_t>(header_budget, 64), &line) != LineResult::kLine ||
      line.compare(0, 5, "WARC/") != 0) {
    *reason = EndedEarly(in, "garbage between records (no WARC/ version line)");
    return ParseOutcome::kDamage;
  }
  record->version = line;
  std::string name, value;
  for (;;) {
    LineResult r = ReadLine(in, header_budget, &line);
    if (r == LineResult::kTooLong) {
      *reason = "record header longer than " + std::to_string(options.max_header_bytes) + " bytes";
      return ParseOutcome::kDamage;
    }
    if (r == LineResult::kEnd) {
      *reason = EndedEarly(in, "the record ends inside its header");
      return ParseOutcome::kDamage;
    }
    header_budget -= std::min(header_budget, line.size() + 2);
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !record->fields.all().empty()) {
      // A folded continuation line (WARC 1.0 allows them).
      record->fields.AppendToLast(" " + std::string(text::TrimAsciiSpace(line)));
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0) {
      *reason = "malformed header line in the record";
      return ParseOutcome::kDamage;
    }
    record->fields.Add(std::string(text::TrimAsciiSpace(std::string_view(line).substr(0, colon))),
                       std::string(text::TrimAsciiSpace(std::string_view(line).substr(colon + 1))));
  }
  std::string_view length_text = record->fields.Get("Content-Length");
  uint64_t length = 0;
  auto [end, ec] =
      std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
  if (length_text.empty() || ec != std::errc() || end != length_text.data() + length_text.size()) {
    *reason = "missing or invalid Content-Length";
    return ParseOutcome::kDamage;
  }
  record->content_length = length;
  record->block_skipped = length > options.max_block_bytes;
  if (!record->block_skipped) record->block.reserve(length);
  uint64_t remaining = length;
  while (remaining > 0) {
    size_t avail = in->Ensure(static_cast<size_t>(std::min<uint64_t>(remaining, kStreamChunk)));
    if (avail == 0) {
      *reason =
          EndedEarly(in, "wrong Content-Length: the record ends " + std::to_string(remaining) +
                             " bytes before its Content-Length (" + std::to_string(length) + ")");
      return ParseOutcome::kDamage;
    }
    size_t take = static_cast<size_t>(std::min<uint64_t>(avail, remaining));
    if (!record->block_skipped) record->block.append(in->data(), take);
    in->Consume(take);
    remaining -= take;
  }
  if (in->Ensure(4) < 4 || std::memcmp(in->data(), "\r\n\r\n", 4) != 0) {
    *reason = EndedEarly(in, "wrong Content-Length: " + std::to_string(length) +
                                 " bytes of block are not followed by the record end (CRLF CRLF)");
    return ParseOutcome::kDamage;
  }
  in->Consume(4);
  return ParseOutcome::kRecord;
}

}  // namespace newscrawl::warc
