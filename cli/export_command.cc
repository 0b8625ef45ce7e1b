// `newscrawl export`: the change feed as NDJSON on stdout (docs/change-feed.md).
//
// One line per event, in seq order: the stored article record (schema 1) plus "event". Starts
// after --after SEQ, else after the --consumer cursor, else at the beginning. With --consumer the
// cursor is advanced after each chunk of lines has been flushed to stdout (at-least-once: a
// crash between the flush and the cursor write repeats that chunk). --follow keeps waiting for
// new events until SIGINT/SIGTERM; a closed stdout (EPIPE) ends the export quietly.
//
// --from-nats URL[,URL...] reads the cluster's ARTICLES stream instead of a store
// (cluster/article_reader.h): the same lines, from every instance. With --consumer NAME the
// JetStream consumer is durable: a later run resumes after the last line acknowledged; messages
// are acknowledged (and confirmed by the server) after they were flushed to stdout, so a crash in
// between repeats them (at-least-once; de-duplicate by id + version).
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/command.h"
#include "cli/store_flag.h"
#include "cluster/article_reader.h"
#include "server/log_output.h"
#include "store/change_feed.h"
#include "store/store.h"

namespace newscrawl::cli {
namespace {

std::atomic<bool> g_stop{false};

void OnStopSignal(int) { g_stop.store(true); }

void InstallSignalHandlers() {
  struct sigaction sa = {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a closed stdout becomes EPIPE from fwrite/fflush
}

struct ExportFlags {
  std::string db;
  int64_t after = -1;
  bool follow = false;
  std::string consumer;
  uint64_t limit = 0;
  int poll_ms = 500;
  std::string from_nats;  // comma-separated NATS URLs; empty = read the store
};

enum class WriteResult { kOk, kClosed, kFailed };

WriteResult Flush(std::string* buffer) {
  if (!buffer->empty() && std::fwrite(buffer->data(), 1, buffer->size(), stdout) != buffer->size())
    return errno == EPIPE ? WriteResult::kClosed : WriteResult::kFailed;
  buffer->clear();
  if (std::fflush(stdout) != 0) return errno == EPIPE ? WriteResult::kClosed : WriteResult::kFailed;
  return WriteResult::kOk;
}

// The progress line on a terminal's stderr (server/log_output.h); ended when the export returns.
void ShowProgress(uint64_t written, uint64_t last_seq) {
  server::ProgressLine::Update("exported " + std::to_string(written) + " events (last seq " +
                               std::to_string(last_seq) + ")");
}
struct EndProgressLine {
  ~EndProgressLine() { server::ProgressLine::Finish(); }
};

int RunExport(const ExportFlags& flags) {
  const std::string path = ResolveStorePath(flags.db, "export");
  if (path.empty()) return kExitUsage;
  store::StoreOptions options;
  options.create_if_missing = false;
  // Without a cursor to write, follow the store read-only: works next to a running daemon.
  options.read_only = flags.consumer.empty();
  options.cache_bytes = 64u << 20;
  auto opened = store::Store::Open(path, options);
  if (!opened.ok()) {
    std::fprintf(stderr, "newscrawl export: %s\n", opened.status().message().c_str());
    if (opened.status().code() == StatusCode::kFailedPrecondition && !flags.consumer.empty())
      std::fprintf(stderr,
                   "newscrawl export: --consumer needs write access for its cursor; without it, "
                   "pass --after SEQ (the last seq you processed) to read next to the daemon\n");
    return kExitFailure;
  }
  store::Store& store = *opened.value();
  uint64_t after = 0;
  if (flags.after >= 0) {
    after = static_cast<uint64_t>(flags.after);
  } else if (!flags.consumer.empty()) {
    auto cursor = store.GetCursor(flags.consumer);
    if (!cursor.ok()) {
      std::fprintf(stderr, "newscrawl export: %s\n", cursor.status().message().c_str());
      return kExitFailure;
    }
    after = cursor.value();
  }
  InstallSignalHandlers();
  std::setvbuf(stdout, nullptr, _IOFBF, 1 << 20);
  EndProgressLine end_progress;

  constexpr size_t kChunk = 1024;  // events per read; the cursor advances per chunk
  uint64_t written = 0;
  std::string buffer;
  while (!g_stop.load()) {
    size_t want = kChunk;
    if (flags.limit != 0) want = std::min<uint64_t>(want, flags.limit - written);
    uint64_t last = after;
    WriteResult w = WriteResult::kOk;
    Status read =
        store.ForEachChange(after, want, [&](const store::ChangeEvent& e, std::string_view json) {
          store::AppendFeedLine(e, json, &buffer);
          buffer.push_back('\n');
          last = e.seq;
          if (buffer.size() >= (1u << 20)) w = Flush(&buffer);
          return w == WriteResult::kOk;
        });
    if (!read.ok()) {
      std::fprintf(stderr, "newscrawl export: %s\n", read.message().c_str());
      return kExitFailure;
    }
    if (w == WriteResult::kOk) w = Flush(&buffer);
    // The cursor never moves past lines that did not reach stdout.
    if (w == WriteResult::kClosed) return kExitOk;  // the reader went away: not an error
    if (w == WriteResult::kFailed) {
      std::fprintf(stderr, "newscrawl export: writing to stdout failed: %s\n",
                   std::strerror(errno));
      return kExitFailure;
    }
    if (last != after && !flags.consumer.empty()) {
      Status saved = store.SetCursor(flags.consumer, last);
      if (!saved.ok()) {
        std::fprintf(stderr, "newscrawl export: %s\n", saved.message().c_str());
        return kExitFailure;
      }
    }
    const bool drained = last - after < want;
    written += last - after;  // seqs are gap-free: one line per seq
    after = last;
    ShowProgress(written, after);
    if (flags.limit != 0 && written >= flags.limit) break;
    if (!drained) continue;
    if (!flags.follow) break;
    store.WaitForChanges(after, std::chrono::milliseconds(flags.poll_ms));
  }
  return kExitOk;
}

std::vector<std::string> SplitUrls(const std::string& list) {
  std::vector<std::string> urls;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    std::string url = list.substr(start, comma == std::string::npos ? comma : comma - start);
    if (!url.empty()) urls.push_back(url);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return urls;
}

int RunExportFromNats(const ExportFlags& flags) {
  if (flags.after >= 0) {
    std::fprintf(stderr,
                 "newscrawl export: --after is a store sequence number; with --from-nats use "
                 "--consumer NAME to resume\n");
    return kExitUsage;
  }
  cluster::ArticleReaderOptions options;
  options.urls = SplitUrls(flags.from_nats);
  options.consumer = flags.consumer;
  for (const std::string& url : options.urls) {
    if (url.rfind("nats://", 0) != 0 && url.rfind("tls://", 0) != 0) {
      std::fprintf(stderr, "newscrawl export: NATS URL '%s' must start with nats:// or tls://\n",
                   url.c_str());
      return kExitUsage;
    }
  }
  if (options.urls.empty()) {
    std::fprintf(stderr, "newscrawl export: --from-nats needs at least one URL\n");
    return kExitUsage;
  }
  auto opened = cluster::ArticleReader::Open(options);
  if (!opened.ok()) {
    std::fprintf(stderr, "newscrawl export: %s\n", opened.status().message().c_str());
    return opened.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  cluster::ArticleReader& reader = *opened.value();
  InstallSignalHandlers();
  std::setvbuf(stdout, nullptr, _IOFBF, 1 << 20);
  EndProgressLine end_progress;
  uint64_t written = 0;
  std::string buffer;
  // Without --follow, the stream counts as drained when nothing arrives for this long.
  const auto wait = std::chrono::milliseconds(flags.follow ? flags.poll_ms : 1000);
  while (!g_stop.load()) {
    int want = 256;
    if (flags.limit != 0) want = static_cast<int>(std::min<uint64_t>(want, flags.limit - written));
    auto lines = reader.Next(want, wait);
    if (!lines.ok()) {
      std::fprintf(stderr, "newscrawl export: %s\n", lines.status().message().c_str());
      return kExitFailure;
    }
    if (lines->empty()) {
      if (!flags.follow) break;
      continue;
    }
    for (const auto& line : *lines) {
      buffer.append(line.json);
      buffer.push_back('\n');
    }
    WriteResult w = Flush(&buffer);
    if (w == WriteResult::kClosed) return kExitOk;  // unacknowledged: delivered again later
    if (w == WriteResult::kFailed) {
      std::fprintf(stderr, "newscrawl export: writing to stdout failed: %s\n",
                   std::strerror(errno));
      return kExitFailure;
    }
    Status acked = reader.Ack();
    if (!acked.ok()) {
      std::fprintf(stderr, "newscrawl export: %s\n", acked.message().c_str());
      return kExitFailure;
    }
    written += lines->size();
    ShowProgress(written, lines->back().stream_seq);
    if (flags.limit != 0 && written >= flags.limit) break;
  }
  return kExitOk;
}

CommandRunner SetupExport(CLI::App& sub) {
  auto flags = std::make_shared<ExportFlags>();
  AddStoreFlag(sub, &flags->db);
  sub.add_option("--after", flags->after,
                 "Start after this seq (default: the consumer's cursor, else 0)")
      ->check(CLI::NonNegativeNumber);
  sub.add_flag("--follow", flags->follow, "Keep waiting for new events until SIGINT/SIGTERM");
  sub.add_option("--consumer", flags->consumer,
                 "Named cursor kept in the store (with --from-nats: a durable JetStream "
                 "consumer): resume where this consumer stopped");
  sub.add_option("--limit", flags->limit, "Stop after N events (0: no limit)");
  sub.add_option("--poll-ms", flags->poll_ms, "With --follow: how often to look for new events")
      ->check(CLI::Range(10, 60000));
  sub.add_option("--from-nats", flags->from_nats,
                 "Read the cluster's ARTICLES stream from these NATS servers "
                 "(nats://host:port[,...]) instead of a store");
  return
      [flags] { return flags->from_nats.empty() ? RunExport(*flags) : RunExportFromNats(*flags); };
}

}  // namespace
}  // namespace newscrawl::cli

NC_REGISTER_COMMAND(export, "export", "Write the change feed as NDJSON to stdout",
                    newscrawl::cli::SetupExport);
