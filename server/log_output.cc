#include "server/log_output.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <mutex>

namespace newscrawl::server {
namespace {

// The progress line's state, shared by ProgressLine and the terminal sink.
struct Progress {
  std::mutex mu;
  std::FILE* out = nullptr;  // null: disabled
  std::string text;
  bool shown = false;  // `text` is on the screen, the cursor at its end
  std::chrono::steady_clock::time_point last_draw;

  void Clear() {  // mu held
    if (shown) std::fputs("\r\033[K", out);
    shown = false;
  }
  void Draw() {  // mu held
    if (text.empty()) return;
    std::fputs("\r\033[K", out);
    std::fwrite(text.data(), 1, text.size(), out);
    std::fflush(out);
    shown = true;
    last_draw = std::chrono::steady_clock::now();
  }
};

Progress& TheProgress() {
  static Progress* progress = new Progress();  // never destroyed: used by loggers until exit
  return *progress;
}

std::string FormatTime(spdlog::log_clock::time_point time) {
  auto seconds = spdlog::log_clock::to_time_t(time);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()) % 1000;
  std::tm tm{};
  localtime_r(&seconds, &tm);
  char head[32], zone[8];
  std::strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm);
  std::strftime(zone, sizeof zone, "%z", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03d%s", head, static_cast<int>(millis.count()), zone);
  return out;
}

const char* ColourOf(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
    case spdlog::level::err:
      return "\033[31m";
    case spdlog::level::warn:
      return "\033[33m";
    case spdlog::level::info:
      return "\033[32m";
    default:
      return "\033[36m";
  }
}

class StderrSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  StderrSink(LogStyle style, std::FILE* out) : style_(style), out_(out) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string_view message(msg.payload.data(), msg.payload.size());
    std::string time = style_ == LogStyle::kJournal ? std::string() : FormatTime(msg.time);
    std::string line = FormatLogLine(style_, msg.level, time, message);
    if (style_ == LogStyle::kTerminal) {
      // Colour the level word: it follows the timestamp and one space.
      size_t level_end = line.find(' ', time.size() + 1);
      line.insert(level_end, "\033[0m");
      line.insert(time.size() + 1, ColourOf(msg.level));
      Progress& progress = TheProgress();
      std::lock_guard<std::mutex> lock(progress.mu);
      if (progress.out == out_) progress.Clear();
      std::fwrite(line.data(), 1, line.size(), out_);
      if (progress.out == out_) progress.Draw();
      return;
    }
    std::fwrite(line.data(), 1, line.size(), out_);
  }
  void flush_() override { std::fflush(out_); }

 private:
  const LogStyle style_;
  std::FILE* const out_;
};

}  // namespace

LogStyle LogStyleFor(const char* journal_stream, unsigned long long stderr_dev,
                     unsigned long long stderr_ino, bool stderr_is_tty) {
  if (journal_stream != nullptr) {
    unsigned long long dev = 0, ino = 0;
    char tail = 0;
    if (std::sscanf(journal_stream, "%llu:%llu%c", &dev, &ino, &tail) == 2 && dev == stderr_dev &&
        ino == stderr_ino)
      return LogStyle::kJournal;
  }
  return stderr_is_tty ? LogStyle::kTerminal : LogStyle::kPlain;
}

LogStyle DetectLogStyle() {
  struct stat st {};
  bool have_stat = fstat(STDERR_FILENO, &st) == 0;
  return LogStyleFor(have_stat ? std::getenv("JOURNAL_STREAM") : nullptr,
                     static_cast<unsigned long long>(st.st_dev),
                     static_cast<unsigned long long>(st.st_ino), isatty(STDERR_FILENO) == 1);
}

int JournalPriority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::trace:
    case spdlog::level::debug:
      return 7;
    case spdlog::level::info:
      return 6;
    case spdlog::level::warn:
      return 4;
    case spdlog::level::err:
      return 3;
    case spdlog::level::critical:
      return 2;
    default:
      return 6;
  }
}

std::string FormatLogLine(LogStyle style, spdlog::level::level_enum level,
                          std::string_view timestamp, std::string_view message) {
  std::string line;
  line.reserve(message.size() + 48);
  if (style == LogStyle::kJournal) {
    line += '<';
    line += std::to_string(JournalPriority(level));
    line += '>';
  } else {
    line.append(timestamp);
    line += ' ';
    auto name = spdlog::level::to_string_view(level);
    line.append(name.data(), name.size());
    line += ' ';
  }
  // One event, one line: a message of several lines (a reload's errors) is joined with "; ".
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r'))
    message.remove_suffix(1);
  for (size_t i = 0; i < message.size(); ++i) {
    char c = message[i];
    if (c == '\r') continue;
    if (c == '\n') {
      line += "; ";
      continue;
    }
    line += c;
  }
  line += '\n';
  return line;
}

std::shared_ptr<spdlog::logger> MakeLogger(const std::string& name, LogStyle style,
                                           std::FILE* out) {
  return std::make_shared<spdlog::logger>(name, std::make_shared<StderrSink>(style, out));
}

void ProgressLine::Enable(std::FILE* out) {
  Progress& progress = TheProgress();
  std::lock_guard<std::mutex> lock(progress.mu);
  progress.out = out;
}

bool ProgressLine::Enabled() {
  Progress& progress = TheProgress();
  std::lock_guard<std::mutex> lock(progress.mu);
  return progress.out != nullptr;
}

void ProgressLine::Update(std::string text, bool force) {
  Progress& progress = TheProgress();
  std::lock_guard<std::mutex> lock(progress.mu);
  if (progress.out == nullptr) return;
  progress.text = std::move(text);
  if (force || !progress.shown ||
      std::chrono::steady_clock::now() - progress.last_draw >= std::chrono::milliseconds(100))
    progress.Draw();
}

void ProgressLine::WriteLine(std::FILE* out, std::string_view line) {
  Progress& progress = TheProgress();
  std::lock_guard<std::mutex> lock(progress.mu);
  const bool below = progress.out == out;
  if (below) progress.Clear();
  std::fwrite(line.data(), 1, line.size(), out);
  std::fputc('\n', out);
  if (below) progress.Draw();
}

void ProgressLine::Finish() {
  Progress& progress = TheProgress();
  std::lock_guard<std::mutex> lock(progress.mu);
  if (progress.out == nullptr || progress.text.empty()) return;
  progress.Draw();
  std::fputc('\n', progress.out);
  std::fflush(progress.out);
  progress.text.clear();
  progress.shown = false;
}

}  // namespace newscrawl::server
