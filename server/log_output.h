// Where and how the newscrawl binary's log lines go (spdlog, always on stderr; stdout is for
// records), and the progress line of batch commands that shares stderr with them.
//
// Three shapes, chosen once at start-up by DetectLogStyle():
//   - kJournal: stderr is the journal stream systemd set up (JOURNAL_STREAM names stderr's
//     device:inode). Each line is "<N>message": the sd-daemon(3) priority prefix (3 error,
//     4 warning, 6 info, 7 debug, ...) so `journalctl -p warning` filters; no colour, no
//     timestamp (journald adds its own).
//   - kTerminal: stderr is a TTY. "2026-12-07T08:53:18.123+0000 warning message", the level
//     coloured. A progress line (ProgressLine) stays below the log lines: a log line clears it,
//     is written, and the progress line is drawn again under it.
//   - kPlain: anything else (a pipe, a file). The terminal shape without colour.
// In every shape one event is one line: newlines inside a message become "; " (a multi-error
// config reload stays one journal entry, with one priority).
//
// Thread safety: the sink and ProgressLine are safe to use from any thread.
#pragma once

#include <spdlog/common.h>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace spdlog {
class logger;
}

namespace newscrawl::server {

enum class LogStyle { kJournal, kTerminal, kPlain };

// Picks the style for stderr from the environment (JOURNAL_STREAM) and isatty(2).
LogStyle DetectLogStyle();
// The pure part of DetectLogStyle(): `journal_stream` is $JOURNAL_STREAM (nullptr when unset),
// "DEV:INODE" in decimal; `stderr_dev`/`stderr_ino` are fstat(2) of stderr. A JOURNAL_STREAM that
// does not name stderr (stderr redirected by hand inside a service) does not count.
LogStyle LogStyleFor(const char* journal_stream, unsigned long long stderr_dev,
                     unsigned long long stderr_ino, bool stderr_is_tty);

// The sd-daemon priority of a spdlog level: trace/debug 7, info 6, warn 4, err 3, critical 2.
int JournalPriority(spdlog::level::level_enum level);

// One log event as the line written for `style` (with the trailing '\n'). `timestamp` is the
// already formatted time, ignored for kJournal. Colour codes are added by the sink, not here.
std::string FormatLogLine(LogStyle style, spdlog::level::level_enum level,
                          std::string_view timestamp, std::string_view message);

// A logger named `name` writing to `out` (stderr in the binary, a temporary file in tests) in
// `style`. The caller makes it the default logger.
std::shared_ptr<spdlog::logger> MakeLogger(const std::string& name, LogStyle style, std::FILE* out);

// The one progress line of a batch command ("extracted 120/992 (3 failed)"), drawn on stderr
// only when stderr is a terminal (kTerminal); otherwise every call is a no-op, so commands call
// it unconditionally. Log lines written through MakeLogger()'s kTerminal logger appear above it.
class ProgressLine {
 public:
  // Enables drawing on `out` (done by the binary when the log style is kTerminal).
  static void Enable(std::FILE* out);
  static bool Enabled();
  // Replaces the progress text and draws it. Cheap enough to call per item: redraws at most
  // every 100 ms (and always when `force`).
  static void Update(std::string text, bool force = false);
  // Draws the last text a final time, ends the line and forgets it.
  static void Finish();
  // Writes `line` and a newline to `out`; when the progress line is drawn on `out`, above it.
  // For a command's own per-item messages ("URL: http_4xx: HTTP 404").
  static void WriteLine(std::FILE* out, std::string_view line);
};

}  // namespace newscrawl::server
