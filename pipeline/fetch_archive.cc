#include "pipeline/fetch_archive.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/beast/http/status.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "common/text.h"
#include "common/url.h"

namespace newscrawl::pipeline {
namespace {

// The status line as HTTP/1.1 (curl reports an HTTP/2 answer as "HTTP/2 200").
std::string StatusLine(int status) {
  auto reason = boost::beast::http::obsolete_reason(
      boost::beast::http::int_to_status(static_cast<unsigned>(status)));
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason.data(), reason.size()) +
         "\r\n";
}

std::string RebuiltRequest(const Url& url, const std::string& user_agent) {
  std::string target = url.path.empty() ? "/" : url.path;
  if (url.has_query) target += "?" + url.query;
  std::string host = url.host + (url.port.empty() ? "" : ":" + url.port);
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: " + host +
                        "\r\nUser-Agent: " + user_agent +
                        "\r\nAccept: */*\r\nAccept-Encoding: gzip, deflate, br\r\n";
  return request + "\r\n";
}

// The captured head with the framing of the wire replaced by the stored payload's: the status
// line as HTTP/1.1 when it was not HTTP/1.x, Transfer-Encoding, Content-Encoding and
// Content-Length kept as X-Archive-Orig-* fields, and (unless there is no body: a 304) a
// Content-Length of `payload_size`.
std::string StoredHead(const crawler::FetchResult& result, bool has_body, size_t payload_size) {
  std::string_view head = result.response_head;
  std::string out;
  out.reserve(head.size() + 64);
  bool first = true;
  while (!head.empty()) {
    size_t end = head.find('\n');
    std::string_view line = head.substr(0, end == std::string_view::npos ? head.size() : end + 1);
    head.remove_prefix(line.size());
    std::string_view bare = text::TrimAsciiSpace(line);
    if (first) {
      first = false;
      out += text::StartsWithIgnoreCase(bare, "HTTP/1.") ? std::string(bare) + "\r\n"
                                                         : StatusLine(result.status);
      continue;
    }
    if (bare.empty()) break;  // the blank line ending the head
    if (text::StartsWithIgnoreCase(bare, "transfer-encoding:") ||
        text::StartsWithIgnoreCase(bare, "content-encoding:") ||
        text::StartsWithIgnoreCase(bare, "content-length:")) {
      out += "X-Archive-Orig-";
    }
    out.append(bare);
    out += "\r\n";
  }
  if (has_body) out += "Content-Length: " + std::to_string(payload_size) + "\r\n";
  return out + "\r\n";
}

std::string RebuiltHead(const crawler::FetchResult& result, bool has_body) {
  std::string head = StatusLine(result.status);
  if (!result.content_type.empty()) head += "Content-Type: " + result.content_type + "\r\n";
  if (!result.etag.empty()) head += "ETag: " + result.etag + "\r\n";
  if (!result.last_modified.empty()) head += "Last-Modified: " + result.last_modified + "\r\n";
  if (has_body) head += "Content-Length: " + std::to_string(result.body.size()) + "\r\n";
  return head + "\r\n";
}

bool KindNamed(const std::string& name, UrlKind* kind) {
  static const std::pair<const char*, UrlKind> kNames[] = {{"articles", UrlKind::kArticle},
                                                           {"feeds", UrlKind::kFeed},
                                                           {"sitemaps", UrlKind::kSitemap},
                                                           {"sections", UrlKind::kSection},
                                                           {"robots", UrlKind::kRobots}};
  for (const auto& [n, k] : kNames) {
    if (name == n) {
      *kind = k;
      return true;
    }
  }
  return false;
}

}  // namespace

warc::WarcExchange ExchangeFor(const crawler::FetchResult& result, const std::string& user_agent) {
  warc::WarcExchange ex;
  Result<Url> url = ParseUrl(result.final_url);
  if (result.status <= 0 || result.attempts == 0 || !url.ok()) return ex;
  ex.target_uri = result.final_url;
  ex.date = result.fetched_at;
  ex.ip_address = result.ip_address;
  ex.request = result.request_head.empty() ? RebuiltRequest(*url, user_agent) : result.request_head;
  ex.not_modified = result.outcome == crawler::FetchOutcome::kNotModified;
  const bool has_body = !ex.not_modified;
  ex.response_head = result.response_head.empty()
                         ? RebuiltHead(result, has_body)
                         : StoredHead(result, has_body, result.body.size());
  if (has_body) ex.payload = result.body;
  ex.truncated = result.truncated;
  return ex;
}

FetchArchiveOptions FetchArchiveOptionsFor(const Config& config) {
  FetchArchiveOptions options;
  options.writer.directory = config.warc.dir;
  options.writer.max_file_bytes = config.warc.max_file_size;
  options.writer.gzip = config.warc.compress;
  if (!config.cluster.instance_name.empty()) options.writer.instance = config.cluster.instance_name;
  options.writer.info = {{"operator-user-agent", config.identity.user_agent}};
  options.user_agent = config.identity.user_agent;
  options.kinds.clear();
  for (const std::string& name : config.warc.kinds) {
    UrlKind kind;
    if (KindNamed(name, &kind)) options.kinds.insert(kind);  // the config validated the names
  }
  return options;
}

struct FetchArchive::Queue {
  std::mutex mu;
  // The writer sleeps until a batch is queued (kWakeBytes) or kWakeEvery has passed, so a crawl
  // does not pay a thread wake-up per page; producers wait on `room` when the queue is full.
  std::condition_variable batch;
  std::condition_variable room;
  std::deque<warc::WarcExchange> exchanges;
  uint64_t bytes = 0;  // of the exchanges queued
  uint64_t written = 0;
  bool closing = false;
  bool failed = false;  // a write failed: the writer keeps the error for Close()
  std::thread thread;
};

namespace {
constexpr uint64_t kWakeBytes = 256 << 10;
constexpr std::chrono::milliseconds kWakeEvery{50};

uint64_t SizeOf(const warc::WarcExchange& ex) {
  return ex.request.size() + ex.response_head.size() + ex.payload.size();
}
}  // namespace

Result<std::unique_ptr<FetchArchive>> FetchArchive::Open(FetchArchiveOptions options) {
  Result<std::unique_ptr<warc::WarcWriter>> writer = warc::WarcWriter::Open(options.writer);
  if (!writer.ok()) return writer.status();
  std::unique_ptr<FetchArchive> archive(
      new FetchArchive(std::move(options), std::move(writer).value()));
  archive->queue_->thread = std::thread([a = archive.get()] { a->WriterLoop(); });
  return archive;
}

Result<std::unique_ptr<FetchArchive>> FetchArchive::OpenForConfig(const Config& config) {
  if (config.warc.dir.empty()) return std::unique_ptr<FetchArchive>();
  Result<std::unique_ptr<FetchArchive>> archive = Open(FetchArchiveOptionsFor(config));
  if (!archive.ok()) return archive.status().WithContext("warc");
  for (const std::string& path : (*archive)->recovered_files())
    spdlog::warn("warc: closed {} left unfinished by an earlier run", path);
  return archive;
}

FetchArchive::FetchArchive(FetchArchiveOptions options, std::unique_ptr<warc::WarcWriter> writer)
    : options_(std::move(options)), writer_(std::move(writer)), queue_(std::make_unique<Queue>()) {}

FetchArchive::~FetchArchive() {
  Status s = Close();
  if (!s.ok()) spdlog::error("warc: {}", s.ToString());
}

void FetchArchive::Attach(crawler::FetcherOptions* options, crawler::FetcherEnv* env) {
  options->capture_exchange = true;
  if (Wants(UrlKind::kRobots)) {
    env->on_robots_fetch = [this](const crawler::FetchResult& result) {
      Record(result, UrlKind::kRobots);
    };
  }
}

void FetchArchive::Record(const crawler::FetchResult& result, UrlKind kind) {
  if (!Wants(kind)) return;
  warc::WarcExchange ex = ExchangeFor(result, options_.user_agent);
  if (ex.target_uri.empty()) return;
  const uint64_t size = SizeOf(ex);
  Queue& q = *queue_;
  std::unique_lock<std::mutex> lock(q.mu);
  // One exchange larger than the bound still goes through (alone).
  q.room.wait(lock, [&] {
    return q.closing || q.failed || q.bytes == 0 || q.bytes + size <= options_.max_queued_bytes;
  });
  if (q.closing || q.failed) return;
  const uint64_t wake_at = WakeBytes();
  const bool wake = q.bytes < wake_at && q.bytes + size >= wake_at;
  q.bytes += size;
  q.exchanges.push_back(std::move(ex));
  if (wake) q.batch.notify_one();
}

void FetchArchive::WriterLoop() {
  Queue& q = *queue_;
  const uint64_t wake_at = WakeBytes();
  std::unique_lock<std::mutex> lock(q.mu);
  for (;;) {
    q.batch.wait_for(lock, kWakeEvery, [&] { return q.closing || q.bytes >= wake_at; });
    if (q.exchanges.empty()) {
      if (q.closing) return;  // drained
      continue;
    }
    std::deque<warc::WarcExchange> batch;
    batch.swap(q.exchanges);
    lock.unlock();
    uint64_t batch_bytes = 0, written = 0;
    bool ok = true;
    for (const warc::WarcExchange& ex : batch) {
      batch_bytes += SizeOf(ex);
      if (ok) ok = writer_->Write(ex).ok();  // the writer keeps the first error for Close()
      if (ok) ++written;
    }
    lock.lock();
    q.bytes -= batch_bytes;  // counted until written: producers wait for room meanwhile
    q.written += written;
    if (!ok) {
      q.failed = true;
      q.bytes = 0;
      q.exchanges.clear();
    }
    q.room.notify_all();
  }
}

Status FetchArchive::Close() {
  {
    std::lock_guard<std::mutex> lock(queue_->mu);
    queue_->closing = true;
    queue_->batch.notify_all();
    queue_->room.notify_all();
  }
  if (queue_->thread.joinable()) queue_->thread.join();
  return writer_->Close();
}

uint64_t FetchArchive::WakeBytes() const {
  return std::clamp<uint64_t>(options_.max_queued_bytes / 2, 1, kWakeBytes);
}

uint64_t FetchArchive::written() const {
  std::lock_guard<std::mutex> lock(queue_->mu);
  return queue_->written;
}

}  // namespace newscrawl::pipeline
