// GunzipCapped: zlib inflate with an output cap (decompression bombs stop at the cap).
#include <zlib.h>

#include "parser/sitemap.h"

namespace newscrawl {
namespace {

// Owns one zlib inflate stream (gzip wrapper only: windowBits 16 + MAX_WBITS).
class GzipInflater {
 public:
  GzipInflater() : initialised_(inflateInit2(&stream_, 16 + MAX_WBITS) == Z_OK) {}
  ~GzipInflater() {
    if (initialised_) inflateEnd(&stream_);
  }
  GzipInflater(const GzipInflater&) = delete;
  GzipInflater& operator=(const GzipInflater&) = delete;

  bool initialised() const { return initialised_; }
  z_stream* operator->() { return &stream_; }
  z_stream* get() { return &stream_; }

 private:
  z_stream stream_{};
  bool initialised_;
};

}  // namespace

Result<std::string> GunzipCapped(std::string_view body, size_t max_output, bool* truncated) {
  *truncated = false;
  if (body.size() < 2 || static_cast<unsigned char>(body[0]) != 0x1f ||
      static_cast<unsigned char>(body[1]) != 0x8b) {
    return Status::InvalidArgument("not gzip data (no 1f 8b magic)");
  }
  GzipInflater stream;
  if (!stream.initialised()) return Status::Internal("zlib inflateInit2 failed");
  stream->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream->avail_in = static_cast<uInt>(body.size());

  std::string out;
  char buffer[64 * 1024];
  while (true) {
    stream->next_out = reinterpret_cast<Bytef*>(buffer);
    stream->avail_out = sizeof buffer;
    int rc = inflate(stream.get(), Z_NO_FLUSH);
    size_t produced = sizeof buffer - stream->avail_out;
    if (out.size() + produced > max_output) {
      out.append(buffer, max_output - out.size());
      *truncated = true;
      return out;
    }
    out.append(buffer, produced);
    if (rc == Z_STREAM_END) {
      // Concatenated members (RFC 1952 §2.2) continue; trailing garbage after the last member
      // (zero padding is common) ends the data.
      if (stream->avail_in >= 2 && stream->next_in[0] == 0x1f && stream->next_in[1] == 0x8b) {
        inflateReset(stream.get());
        continue;
      }
      return out;
    }
    if (rc == Z_BUF_ERROR && stream->avail_in == 0) {
      if (out.empty()) return Status::InvalidArgument("gzip data ends before any content");
      *truncated = true;  // a cut download: what was inflated is still good
      return out;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return Status::InvalidArgument(std::string("corrupt gzip data: ") +
                                     (stream->msg != nullptr ? stream->msg : "inflate failed"));
    }
  }
}

}  // namespace newscrawl
