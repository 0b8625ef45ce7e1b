#include "warc/writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <random>

#include "common/text.h"
#include "warc/digest.h"

namespace newscrawl::warc {
namespace {

namespace fs = std::filesystem;

constexpr char kOpenSuffix[] = ".open";
constexpr char kVersion[] = "WARC/1.1";

std::string NewRecordId() {
  thread_local std::mt19937_64 rng{std::random_device{}() ^
                                   (static_cast<uint64_t>(std::random_device{}()) << 32)};
  uint64_t hi = rng(), lo = rng();
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // RFC 4122 variant
  char buf[64];
  using ull = unsigned long long;
  std::snprintf(buf, sizeof buf, "<urn:uuid:%08llx-%04llx-%04llx-%04llx-%012llx>",
                static_cast<ull>(hi >> 32), static_cast<ull>((hi >> 16) & 0xFFFF),
                static_cast<ull>(hi & 0xFFFF), static_cast<ull>(lo >> 48),
                static_cast<ull>(lo & 0xFFFFFFFFFFFFull));
  return buf;
}

std::tm UtcTime(int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return tm;
}

std::string WarcDate(int64_t unix_ms) {
  std::tm tm = UtcTime(unix_ms);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// A deflate stream per thread, reset for every member: deflateInit2 allocates and clears about
// 270 KB of state, which cost more than compressing a typical page (it was most of what
// `fetch --warc` added per page).
class Deflater {
 public:
  Deflater() {
    // Level 1: the writer runs beside fetching; level 6 cost a quarter of `fetch` throughput.
    // memLevel 6: deflateReset clears the hash table for every member, 64 KiB at the default
    // memLevel 8 (more than most records), 16 KiB at 6, at a cost in ratio of well under 1%.
    ok_ = deflateInit2(&zs_, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 6, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~Deflater() {
    if (ok_) deflateEnd(&zs_);
  }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  // Appends one gzip member holding `data` to *out.
  Status AppendMember(std::string_view data, std::string* out) {
    if (!ok_ || deflateReset(&zs_) != Z_OK)
      return Status::ResourceExhausted("WARC writer: zlib could not start a gzip member");
    // Deflated into a buffer kept between members: growing `out` by the bound would clear it.
    const size_t bound = deflateBound(&zs_, data.size());
    if (buffer_.size() < bound) buffer_.resize(bound);
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs_.avail_in = static_cast<uInt>(data.size());
    zs_.next_out = reinterpret_cast<Bytef*>(buffer_.data());
    zs_.avail_out = static_cast<uInt>(buffer_.size());
    // deflateBound guarantees room for everything in one call.
    if (deflate(&zs_, Z_FINISH) != Z_STREAM_END)
      return Status::Internal("WARC writer: zlib did not finish a gzip member");
    out->append(buffer_.data(), zs_.total_out);
    if (buffer_.size() > (4u << 20)) buffer_ = std::string();  // not kept after a huge page
    return Status::Ok();
  }

 private:
  z_stream zs_{};
  bool ok_ = false;
  std::string buffer_;
};

using Fields = std::vector<std::pair<std::string, std::string>>;

// Appends a whole record ("WARC/1.1", fields, Content-Length, the block `head` + `body`, CRLF
// CRLF) to *out, as one gzip member when `gzip`.
Status AppendRecord(const Fields& fields, std::string_view head, std::string_view body, bool gzip,
                    std::string* out) {
  thread_local std::string scratch;  // the record before compression; capacity kept
  std::string& text = gzip ? scratch : *out;
  if (gzip) text.clear();
  size_t size = 64 + head.size() + body.size();
  for (const auto& [name, value] : fields) size += name.size() + value.size() + 4;
  text.reserve(text.size() + size);
  text.append(kVersion).append("\r\n");
  for (const auto& [name, value] : fields) text.append(name).append(": ").append(value) += "\r\n";
  text.append("Content-Length: ").append(std::to_string(head.size() + body.size()));
  text.append("\r\n\r\n").append(head).append(body).append("\r\n\r\n");
  if (!gzip) return Status::Ok();
  thread_local Deflater deflater;
  Status s = deflater.AppendMember(text, out);
  if (text.capacity() > (4u << 20)) text = std::string();  // not kept after a huge page
  return s;
}

Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(std::string("WARC write failed: ") + std::strerror(errno));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

struct WarcWriter::Impl {
  WarcWriterOptions options;
  const Clock* clock = nullptr;
  mutable std::mutex mu;
  int fd = -1;
  std::string open_path;
  std::string final_path;
  uint64_t size = 0;
  uint64_t exchanges = 0;  // in the current file
  int sequence = 0;
  Status failed = Status::Ok();
  std::vector<std::string> closed;
  std::vector<std::string> recovered;

  std::string NextName() {
    std::tm tm = UtcTime(clock->UnixNowMs());
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm);
    char name[512];
    std::snprintf(name, sizeof name, "%s-%s%03d-%05d-%s%s", options.prefix.c_str(), stamp,
                  static_cast<int>(clock->UnixNowMs() % 1000), sequence++, options.instance.c_str(),
                  options.gzip ? ".warc.gz" : ".warc");
    return name;
  }

  Status OpenFile() {  // mu held
    std::string name = options.file_name;
    for (int attempt = 0; name.empty(); ++attempt) {
      if (attempt > 1000) return Status::AlreadyExists("no free WARC file name");
      std::string candidate = NextName();
      const fs::path path = fs::path(options.directory) / candidate;
      std::error_code ec;
      if (!fs::exists(path, ec) && !fs::exists(path.string() + kOpenSuffix, ec)) name = candidate;
    }
    final_path = (fs::path(options.directory) / name).string();
    open_path = final_path + kOpenSuffix;
    fd = ::open(open_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return Status::IoError("cannot create " + open_path + ": " + std::strerror(errno));
    std::string info =
        "software: newscrawl/0.1.0\r\nformat: WARC File Format 1.1\r\n"
        "conformsTo: http://iipc.github.io/warc-specifications/specifications/"
        "warc-format/warc-1.1/\r\n";
    info += "instance: " + options.instance + "\r\n";
    for (const auto& [k, v] : options.info) info += k + ": " + v + "\r\n";
    std::string record;
    Status s = AppendRecord({{"WARC-Type", "warcinfo"},
                             {"WARC-Record-ID", NewRecordId()},
                             {"WARC-Date", WarcDate(clock->UnixNowMs())},
                             {"WARC-Filename", name},
                             {"Content-Type", "application/warc-fields"},
                             {"WARC-Block-Digest", Sha1Digest(info)}},
                            info, "", options.gzip, &record);
    size = 0;
    exchanges = 0;
    if (!s.ok()) return s;
    s = WriteAll(fd, record);
    if (s.ok()) size = record.size();
    return s;
  }

  Status CloseFile() {  // mu held
    if (fd < 0) return Status::Ok();
    bool synced = ::fsync(fd) == 0;
    int err = errno;
    ::close(fd);
    fd = -1;
    if (!synced) return Status::IoError("cannot sync " + open_path + ": " + std::strerror(err));
    std::error_code ec;
    fs::rename(open_path, final_path, ec);
    if (ec) return Status::IoError("cannot rename " + open_path + ": " + ec.message());
    closed.push_back(final_path);
    return Status::Ok();
  }
};

WarcWriter::WarcWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

WarcWriter::~WarcWriter() { (void)Close(); }

Result<std::unique_ptr<WarcWriter>> WarcWriter::Open(WarcWriterOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->clock = options.clock ? options.clock : &SystemClock();
  if (options.directory.empty()) options.directory = ".";
  std::error_code ec;
  fs::create_directories(options.directory, ec);
  if (!fs::is_directory(options.directory, ec)) {
    return Status::IoError("cannot create WARC directory " + options.directory);
  }
  // Only this instance's files (or the fixed name): another instance may share the directory.
  // Both kinds of file: the gzip setting may have changed since.
  const std::string own_gzip = "-" + options.instance + ".warc.gz" + kOpenSuffix;
  const std::string own_plain = "-" + options.instance + ".warc" + kOpenSuffix;
  for (const fs::directory_entry& entry : fs::directory_iterator(options.directory, ec)) {
    const std::string name = entry.path().filename().string();
    bool mine = options.file_name.empty()
                    ? name.compare(0, options.prefix.size() + 1, options.prefix + "-") == 0 &&
                          (text::EndsWithIgnoreCase(name, own_gzip) ||
                           text::EndsWithIgnoreCase(name, own_plain))
                    : name == options.file_name + kOpenSuffix;
    if (!mine) continue;
    Result<std::string> recovered = RecoverUnfinishedWarc(entry.path().string());
    if (!recovered.ok()) return recovered.status();
    if (!recovered->empty()) impl->recovered.push_back(*recovered);
  }
  if (!options.file_name.empty() && fs::exists(fs::path(options.directory) / options.file_name)) {
    return Status::AlreadyExists(
        (fs::path(options.directory) / options.file_name).string() + " exists; not overwriting it" +
        (impl->recovered.empty() ? "" : " (closed from an interrupted run)"));
  }
  impl->options = std::move(options);
  Status s = impl->OpenFile();
  if (!s.ok()) return s;
  return std::make_unique<WarcWriter>(std::move(impl));
}

Status WarcWriter::Write(const WarcExchange& ex) {
  const std::string request_id = NewRecordId();
  const std::string response_id = NewRecordId();
  const std::string date = ex.date.empty() ? WarcDate(impl_->clock->UnixNowMs()) : ex.date;
  Fields common = {{"WARC-Date", date}, {"WARC-Target-URI", ex.target_uri}};
  if (!ex.ip_address.empty()) common.emplace_back("WARC-IP-Address", ex.ip_address);

  Fields request = {{"WARC-Type", "request"}, {"WARC-Record-ID", request_id}};
  request.insert(request.end(), common.begin(), common.end());
  request.emplace_back("WARC-Concurrent-To", response_id);
  request.emplace_back("Content-Type", "application/http; msgtype=request");
  request.emplace_back("WARC-Block-Digest", Sha1Digest(ex.request));

  Fields response = {{"WARC-Type", ex.not_modified ? "revisit" : "response"},
                     {"WARC-Record-ID", response_id}};
  response.insert(response.end(), common.begin(), common.end());
  response.emplace_back("WARC-Concurrent-To", request_id);
  response.emplace_back("Content-Type", "application/http; msgtype=response");
  if (ex.not_modified) {
    response.emplace_back("WARC-Profile",
                          "http://netpreserve.org/warc/1.1/revisit/server-not-modified");
  } else {
    response.emplace_back("WARC-Payload-Digest", Sha1Digest(ex.payload));
  }
  response.emplace_back("WARC-Block-Digest", Sha1Digest(ex.response_head, ex.payload));
  if (ex.truncated) response.emplace_back("WARC-Truncated", "length");
  std::string bytes;
  Status built = AppendRecord(request, ex.request, "", impl_->options.gzip, &bytes);
  if (built.ok())
    built = AppendRecord(response, ex.response_head, ex.payload, impl_->options.gzip, &bytes);
  if (!built.ok()) return built;

  std::lock_guard<std::mutex> lock(impl_->mu);
  if (!impl_->failed.ok()) return impl_->failed;
  if (impl_->fd < 0) return Status::FailedPrecondition("WARC writer is closed");
  if (impl_->options.file_name.empty() && impl_->exchanges > 0 &&
      impl_->size + bytes.size() > impl_->options.max_file_bytes) {
    Status s = impl_->CloseFile();
    if (s.ok()) s = impl_->OpenFile();
    if (!s.ok()) return impl_->failed = s;
  }
  Status s = WriteAll(impl_->fd, bytes);
  if (!s.ok()) return impl_->failed = s;
  impl_->size += bytes.size();
  ++impl_->exchanges;
  return Status::Ok();
}

Status WarcWriter::Close() {
  std::lock_guard<std::mutex> lock(impl_->mu);
  if (!impl_->failed.ok()) {
    if (impl_->fd >= 0) ::close(impl_->fd);  // left as .open: recovered on the next start
    impl_->fd = -1;
    return impl_->failed;
  }
  return impl_->CloseFile();
}

std::vector<std::string> WarcWriter::closed_files() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->closed;
}

std::vector<std::string> WarcWriter::recovered_files() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->recovered;
}

}  // namespace newscrawl::warc
