// RecoverUnfinishedWarc (warc/writer.h): an interrupted writer's ".open" file cut back to its last
// whole record, gzip (one member per record) or plain, and closed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "common/text.h"
#include "warc/writer.h"

namespace newscrawl::warc {
namespace {

namespace fs = std::filesystem;

// The end offset of the last whole gzip member (whose record ends with CRLF CRLF) of `fd`.
uint64_t LastWholeMemberEnd(int fd) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return 0;
  std::vector<char> in(256 * 1024);
  char out[64 * 1024];
  uint64_t consumed = 0, good_end = 0;
  std::string tail;  // last decoded bytes of the member
  bool at_member_start = true;
  for (;;) {
    ssize_t n = ::read(fd, in.data(), in.size());
    if (n <= 0) break;
    size_t offset = 0;
    bool stop = false;
    while (offset < static_cast<size_t>(n) && !stop) {
      if (at_member_start && static_cast<unsigned char>(in[offset]) != 0x1f) {
        stop = true;
        break;
      }
      at_member_start = false;
      zs.next_in = reinterpret_cast<Bytef*>(in.data() + offset);
      zs.avail_in = static_cast<uInt>(n - offset);
      zs.next_out = reinterpret_cast<Bytef*>(out);
      zs.avail_out = sizeof out;
      int rc = inflate(&zs, Z_NO_FLUSH);
      size_t used = (n - offset) - zs.avail_in;
      size_t produced = sizeof out - zs.avail_out;
      tail.append(out, produced);
      if (tail.size() > 4) tail.erase(0, tail.size() - 4);
      offset += used;
      consumed += used;
      if (rc == Z_STREAM_END) {
        if (tail == "\r\n\r\n")
          good_end = consumed;
        else
          stop = true;
        inflateReset(&zs);
        tail.clear();
        at_member_start = true;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        stop = true;
      }
    }
    if (stop) break;
  }
  inflateEnd(&zs);
  return good_end;
}

// The end offset of the last whole record of the plain WARC file `fd`: records are followed by
// their header's Content-Length up to the first one that is cut short or not a record.
uint64_t LastWholePlainRecordEnd(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return 0;
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  std::vector<char> buffer(64 * 1024);
  uint64_t at = 0;
  while (at < size) {
    ssize_t n = ::pread(fd, buffer.data(), buffer.size(), static_cast<off_t>(at));
    if (n <= 0) break;
    std::string_view head(buffer.data(), static_cast<size_t>(n));
    const size_t head_end = head.find("\r\n\r\n");
    if (head.rfind("WARC/1.", 0) != 0 || head_end == std::string_view::npos) break;
    head = head.substr(0, head_end + 2);
    uint64_t length = 0;
    bool has_length = false;
    for (size_t line = 0; line < head.size();) {
      size_t eol = head.find("\r\n", line);
      std::string_view field = head.substr(line, eol - line);
      line = eol + 2;
      if (!text::StartsWithIgnoreCase(field, "content-length:")) continue;
      std::string value(text::TrimAsciiSpace(field.substr(15)));
      char* end = nullptr;
      length = std::strtoull(value.c_str(), &end, 10);
      has_length = !value.empty() && end && *end == '\0';
    }
    const uint64_t next = at + head_end + 4 + length + 4;
    char tail[4];
    if (!has_length || next > size || ::pread(fd, tail, 4, static_cast<off_t>(next - 4)) != 4 ||
        std::memcmp(tail, "\r\n\r\n", 4) != 0) {
      break;
    }
    at = next;
  }
  return at;
}

}  // namespace

Result<std::string> RecoverUnfinishedWarc(const std::string& open_path) {
  const std::string suffix = ".open";
  if (open_path.size() <= suffix.size() ||
      open_path.compare(open_path.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return Status::InvalidArgument(open_path + ": not an unfinished WARC (no .open suffix)");
  }
  const std::string final_path = open_path.substr(0, open_path.size() - suffix.size());
  int fd = ::open(open_path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return Status::IoError("cannot open " + open_path + ": " + std::strerror(errno));
  unsigned char magic[2] = {0, 0};
  const bool gzip = ::pread(fd, magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  uint64_t keep = gzip ? LastWholeMemberEnd(fd) : LastWholePlainRecordEnd(fd);
  bool ok = ::ftruncate(fd, static_cast<off_t>(keep)) == 0 && ::fsync(fd) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) return Status::IoError("cannot cut back " + open_path + ": " + std::strerror(err));
  if (keep == 0) {
    ::unlink(open_path.c_str());
    return std::string();
  }
  std::error_code ec;
  if (fs::exists(final_path, ec)) {
    return Status::AlreadyExists("cannot close " + open_path + ": " + final_path + " exists");
  }
  fs::rename(open_path, final_path, ec);
  if (ec) return Status::IoError("cannot rename " + open_path + ": " + ec.message());
  return final_path;
}

}  // namespace newscrawl::warc
