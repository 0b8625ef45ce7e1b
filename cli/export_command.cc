// `newscrawl export`: the change feed as NDJSON on stdout (docs/change-feed.md).
//
// One line per event, in seq order: the stored article record (schema 1) plus "event". Starts
// after --after SEQ, else after the --consumer cursor, else at the beginning. With --consumer the
// cursor is advanced after each chunk of lines has been flushed to stdout (at-least-once: a
// crash between the flush and the cursor write repeats that chunk). --follow keeps waiting for
// new events until SIGINT/SIGTERM; a closed stdout (EPIPE) ends the export quietly.
#include <signal.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/command.h"
#include "cli/store_flag.h"
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
};

enum class WriteResult { kOk, kClosed, kFailed };

WriteResult Flush(std::string* buffer) {
  if (!buffer->empty() && std::fwrite(buffer->data(), 1, buffer->size(), stdout) != buffer->size())
    return errno == EPIPE ? WriteResult::kClosed : WriteResult::kFailed;
  buffer->clear();
  if (std::fflush(stdout) != 0) return errno == EPIPE ? WriteResult::kClosed : WriteResult::kFailed;
  return WriteResult::kOk;
}

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
    if (flags.limit != 0 && written >= flags.limit) break;
    if (!drained) continue;
    if (!flags.follow) break;
    store.WaitForChanges(after, std::chrono::milliseconds(flags.poll_ms));
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
                 "Named cursor kept in the store: resume where this consumer stopped");
  sub.add_option("--limit", flags->limit, "Stop after N events (0: no limit)");
  sub.add_option("--poll-ms", flags->poll_ms, "With --follow: how often to look for new events")
      ->check(CLI::Range(10, 60000));
  return [flags] { return RunExport(*flags); };
}

}  // namespace
}  // namespace newscrawl::cli

NC_REGISTER_COMMAND(export, "export", "Write the change feed as NDJSON to stdout",
                    newscrawl::cli::SetupExport);
