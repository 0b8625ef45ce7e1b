// `extract --warc` (see warc_import.h). Slightly over 400 lines: the Importer class is one
// reader -> workers -> in-order emitter pipeline whose three parts share its queue and counters.
#include "cli/warc_import.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/command.h"
#include "common/text.h"
#include "common/url.h"
#include "config/config.h"
#include "parser/extract.h"
#include "server/log_output.h"
#include "warc/http_response.h"
#include "warc/reader.h"

namespace newscrawl::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr uint64_t kMaxBodyBytes = 10ull << 20;  // the fetcher's default body cap

// What the config says about the site a URL belongs to (found by the hosts of its seeds).
struct SiteRules {
  std::vector<std::string> hosts;
  std::vector<std::string> boilerplate_phrases;
  std::optional<UrlPattern> article_pattern;
};

struct Work {
  uint64_t index = 0;
  std::string url;
  std::string date;
  std::string block;
  const SiteRules* site = nullptr;
};

// A worker's answer for one record: an article, or the reason it was skipped.
struct Outcome {
  std::optional<Article> article;
  std::string skipped;
};

std::string Plural(uint64_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

class Importer {
 public:
  Importer(const WarcImportOutput& output, RecordSink* sink, std::vector<SiteRules> sites,
           std::vector<UrlPattern> match)
      : output_(output), sink_(sink), sites_(std::move(sites)), match_(std::move(match)) {}

  int Run(const std::vector<std::string>& files) {
    int jobs = output_.jobs > 0
                   ? output_.jobs
                   : std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    window_ = static_cast<uint64_t>(jobs) * 4;
    for (const std::string& f : files) {
      std::error_code ec;
      if (f != "-") total_bytes_ += fs::file_size(f, ec);
    }
    progress_ = server::ProgressLine::Enabled();  // a terminal; log lines go above it
    std::vector<std::thread> workers;
    for (int i = 0; i < jobs; ++i) workers.emplace_back([this] { WorkLoop(); });
    for (const std::string& f : files) ReadFile(f);
    {
      std::lock_guard<std::mutex> lock(queue_mu_);
      closed_ = true;
    }
    queue_cv_.notify_all();
    for (std::thread& t : workers) t.join();
    {
      std::lock_guard<std::mutex> lock(emit_mu_);
      std::vector<Outcome> held = std::move(held_);
      held_.clear();
      for (Outcome& outcome : held) Emit(std::move(outcome), /*may_hold=*/false);
    }
    PrintSummary(files.size());
    return failures_ == 0 && damaged_ == 0 ? kExitOk : kExitFailure;
  }

 private:
  void ReadFile(const std::string& path) {
    Result<std::unique_ptr<warc::WarcReader>> reader = warc::WarcReader::Open(path);
    if (!reader.ok()) {
      std::fprintf(stderr, "newscrawl extract: %s\n", reader.status().message().c_str());
      ++failures_;
      return;
    }
    warc::WarcRecord record;
    warc::WarcDamage damage;
    const uint64_t bytes_before = bytes_done_;
    for (;;) {
      warc::WarcReader::Next next = (*reader)->Read(&record, &damage);
      bytes_done_ = bytes_before + (*reader)->bytes_consumed();
      if (next == warc::WarcReader::Next::kEnd) break;
      if (next == warc::WarcReader::Next::kDamage) {
        std::lock_guard<std::mutex> lock(emit_mu_);
        ++damaged_;
        server::ProgressLine::WriteLine(
            stderr, path + ":" + std::to_string(damage.offset) + ": " + damage.reason);
        continue;
      }
      ++records_;
      Dispatch(std::move(record));
      MaybeShowProgress(false);
    }
  }

  void Skip(const std::string& reason) {
    std::lock_guard<std::mutex> lock(emit_mu_);
    ++skipped_[reason];
  }

  // Cheap checks on the reader thread; what passes goes to the workers, in order.
  void Dispatch(warc::WarcRecord record) {
    std::string_view type = record.type();
    if (type != "response") return Skip(type.empty() ? "no_type" : std::string(type));
    if (!text::StartsWithIgnoreCase(record.fields.Get("Content-Type"), "application/http")) {
      return Skip("not_http");
    }
    if (record.block_skipped) return Skip("too_large");
    Work work;
    work.url = std::string(record.fields.Get("WARC-Target-URI"));
    if (work.url.size() > 2 && work.url.front() == '<' && work.url.back() == '>') {
      work.url = work.url.substr(1, work.url.size() - 2);  // WARC 1.0 drafts wrote <uri>
    }
    if (!match_.empty() && std::none_of(match_.begin(), match_.end(),
                                        [&](const UrlPattern& p) { return p.Matches(work.url); })) {
      return Skip("unmatched");
    }
    work.site = SiteFor(work.url);
    if (work.site && work.site->article_pattern && !work.site->article_pattern->Matches(work.url)) {
      return Skip("not_article_url");
    }
    work.date = std::string(record.fields.Get("WARC-Date"));
    work.block = std::move(record.block);
    std::unique_lock<std::mutex> lock(queue_mu_);
    // Bounded memory: at most `window_` records between reading and emitting.
    queue_cv_.wait(lock, [&] { return next_index_ - emitted_ < window_; });
    work.index = next_index_++;
    queue_.push_back(std::move(work));
    queue_cv_.notify_all();
  }

  const SiteRules* SiteFor(const std::string& url) const {
    if (sites_.empty()) return nullptr;
    const std::string host = HostOf(url);
    for (const SiteRules& site : sites_) {
      if (std::find(site.hosts.begin(), site.hosts.end(), host) != site.hosts.end()) return &site;
    }
    return nullptr;
  }

  void WorkLoop() {
    for (;;) {
      Work work;
      {
        std::unique_lock<std::mutex> lock(queue_mu_);
        queue_cv_.wait(lock, [&] { return closed_ || !queue_.empty(); });
        if (queue_.empty()) return;
        work = std::move(queue_.front());
        queue_.pop_front();
      }
      Outcome outcome = Process(work);
      Finish(work.index, std::move(outcome));
    }
  }

  static Outcome Process(const Work& work) {
    Outcome out;
    Result<warc::HttpResponse> response = warc::ParseHttpResponse(work.block, kMaxBodyBytes);
    if (!response.ok()) {
      out.skipped =
          response.status().code() == StatusCode::kResourceExhausted ? "too_large" : "bad_http";
      return out;
    }
    if (response->status < 200 || response->status > 299) return {std::nullopt, "non_2xx"};
    if (!warc::IsHtml(*response)) return {std::nullopt, "non_html"};
    ExtractOptions options;
    options.url = work.url;
    options.charset = response->Charset();
    options.content_type = std::string(response->Header("Content-Type"));
    if (work.site) options.extra_boilerplate_phrases = work.site->boilerplate_phrases;
    Result<Article> article = ExtractArticle(response->body, options);
    if (!article.ok()) return {std::nullopt, "unreadable"};
    article->url = work.url;
    article->fetched_at = work.date;
    article->http.status = response->status;
    article->http.etag = std::string(response->Header("ETag"));
    article->http.last_modified = std::string(response->Header("Last-Modified"));
    out.article = std::move(article).value();
    return out;
  }

  // Records leave in reading order: each result waits here until those before it are out.
  void Finish(uint64_t index, Outcome outcome) {
    std::lock_guard<std::mutex> lock(emit_mu_);
    pending_.emplace(index, std::move(outcome));
    for (auto it = pending_.begin(); it != pending_.end() && it->first == emitted_;
         it = pending_.erase(it)) {
      Emit(std::move(it->second));
      {
        std::lock_guard<std::mutex> queue_lock(queue_mu_);
        ++emitted_;
      }
      queue_cv_.notify_all();
    }
  }

  // Aliases whose canonical page is not stored yet wait for the end of the input (at most
  // kMaxHeldAliases of them, a few KB each; later ones are stored at once).
  void Emit(Outcome outcome, bool may_hold = true) {  // emit_mu_ held
    if (!outcome.article) {
      ++skipped_[outcome.skipped];
      return;
    }
    if (may_hold && held_.size() < kMaxHeldAliases && sink_->ShouldHold(*outcome.article)) {
      held_.push_back(std::move(outcome));
      return;
    }
    const std::string url = outcome.article->url;
    Result<Article> record = sink_->Emit(std::move(*outcome.article));
    Status written = record.ok() ? Status::Ok() : record.status();
    if (written.ok() && output_.out_dir.empty()) {
      const std::string line = output_.text_only ? record->text : ArticleToJson(*record);
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
    } else if (written.ok()) {
      written = WriteText(fs::path(output_.out_dir) / (record->id + ".json"),
                          ArticleToJson(*record) + "\n");
      if (written.ok()) {
        written = WriteText(fs::path(output_.out_dir) / (record->id + ".txt"), record->text + "\n");
      }
    }
    if (!written.ok()) {
      ++failures_;
      std::fprintf(stderr, "newscrawl extract: %s: %s\n", url.c_str(), written.message().c_str());
      return;
    }
    ++articles_;
  }

  static Status WriteText(const fs::path& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << data;
    out.close();
    return out ? Status::Ok() : Status::IoError("cannot write " + path.string());
  }

  static constexpr size_t kMaxHeldAliases = 100'000;
  std::vector<Outcome> held_;  // guarded by emit_mu_

  uint64_t SkippedTotal() const {
    uint64_t n = 0;
    for (const auto& [reason, count] : skipped_) n += count;
    return n;
  }

  void MaybeShowProgress(bool force) {
    if (!progress_) return;
    Clock::time_point now = Clock::now();
    if (!force && now - last_progress_ < std::chrono::milliseconds(500)) return;
    last_progress_ = now;
    double seconds = std::chrono::duration<double>(now - start_).count();
    std::lock_guard<std::mutex> lock(emit_mu_);
    std::string eta;
    if (total_bytes_ > 0 && bytes_done_ > 0) {
      double left = seconds * (static_cast<double>(total_bytes_) / bytes_done_ - 1);
      eta = ", ETA " + std::to_string(static_cast<long>(left)) + " s";
    }
    char line[256];
    std::snprintf(line, sizeof line,
                  "%.1f of %.1f MB, %.0f records/s, %llu extracted (%llu stored), %llu skipped%s",
                  bytes_done_ / 1e6, total_bytes_ / 1e6, seconds > 0 ? records_ / seconds : 0.0,
                  static_cast<unsigned long long>(articles_),
                  static_cast<unsigned long long>(sink_->stored()),
                  static_cast<unsigned long long>(SkippedTotal()), eta.c_str());
    server::ProgressLine::Update(line, force);
  }

  void PrintSummary(size_t files) {
    double seconds = std::chrono::duration<double>(Clock::now() - start_).count();
    std::string reasons;
    for (const auto& [reason, count] : skipped_) {
      reasons += (reasons.empty() ? " (" : ", ") + reason + " " + std::to_string(count);
    }
    if (!reasons.empty()) reasons += ")";
    if (progress_) server::ProgressLine::Finish();
    char line[512];
    std::snprintf(
        line, sizeof line,
        "newscrawl extract: %s from %s, %s extracted (%llu stored), %llu skipped%s, "
        "%llu damaged, %llu failed; %.1f s, %.1f MB/s, %.0f records/s",
        Plural(records_, "record").c_str(), Plural(files, "file").c_str(),
        std::to_string(articles_).c_str(), static_cast<unsigned long long>(sink_->stored()),
        static_cast<unsigned long long>(SkippedTotal()), reasons.c_str(),
        static_cast<unsigned long long>(damaged_), static_cast<unsigned long long>(failures_),
        seconds, seconds > 0 ? bytes_done_ / 1e6 / seconds : 0.0,
        seconds > 0 ? records_ / seconds : 0.0);
    server::ProgressLine::WriteLine(stderr, line);
  }

  const WarcImportOutput& output_;
  RecordSink* sink_;
  const std::vector<SiteRules> sites_;
  const std::vector<UrlPattern> match_;
  const Clock::time_point start_ = Clock::now();
  Clock::time_point last_progress_ = start_;
  bool progress_ = false;
  uint64_t total_bytes_ = 0;
  uint64_t bytes_done_ = 0;  // reader thread only
  uint64_t records_ = 0;     // reader thread only
  uint64_t window_ = 1;

  std::mutex queue_mu_;  // queue_, closed_, next_index_, emitted_
  std::condition_variable queue_cv_;
  std::deque<Work> queue_;
  bool closed_ = false;
  uint64_t next_index_ = 0;
  uint64_t emitted_ = 0;

  std::mutex emit_mu_;  // below; taken before queue_mu_ when both are needed
  std::map<uint64_t, Outcome> pending_;
  std::map<std::string, uint64_t> skipped_;
  uint64_t articles_ = 0;
  uint64_t damaged_ = 0;
  uint64_t failures_ = 0;
};

Result<std::vector<SiteRules>> LoadSiteRules(const std::string& path) {
  std::vector<SiteRules> sites;
  if (path.empty()) return sites;
  Result<Config> config = LoadConfigFile(path);
  if (!config.ok()) return config.status();
  for (const SiteConfig& site : config->sites) {
    SiteRules rules;
    for (const Seed& seed : site.seeds) rules.hosts.push_back(HostOf(seed.url));
    rules.boilerplate_phrases = site.boilerplate_phrases;
    rules.article_pattern = site.article_pattern;
    sites.push_back(std::move(rules));
  }
  return sites;
}

}  // namespace

void AddWarcImportOptions(CLI::App& sub, WarcImportFlags* flags) {
  sub.add_option("--warc", flags->files,
                 "Read the HTML response records of these WARC files (.warc or .warc.gz; '-' = "
                 "stdin) instead of an HTML page");
  sub.add_option("--match", flags->match,
                 "--warc: keep only URLs matching PATTERN (config syntax: glob, or regex:...); "
                 "repeatable");
  sub.add_option("--config", flags->config_path,
                 "--warc: apply this config's site rules (boilerplate phrases, article patterns)");
}

int RunWarcImport(const WarcImportFlags& flags, const WarcImportOutput& output) {
  std::vector<UrlPattern> match;
  for (const std::string& text : flags.match) {
    Result<UrlPattern> pattern = CompileUrlPattern(text);
    if (!pattern.ok()) {
      std::fprintf(stderr, "newscrawl extract: --match %s: %s\n", text.c_str(),
                   pattern.status().message().c_str());
      return kExitUsage;
    }
    match.push_back(std::move(pattern).value());
  }
  Result<std::vector<SiteRules>> sites = LoadSiteRules(flags.config_path);
  if (!sites.ok()) {
    std::fprintf(stderr, "newscrawl extract: %s\n", sites.status().message().c_str());
    return kExitUsage;
  }
  if (!output.out_dir.empty()) {
    std::error_code ec;
    fs::create_directories(output.out_dir, ec);
    if (!fs::is_directory(output.out_dir, ec)) {
      std::fprintf(stderr, "newscrawl extract: cannot create output directory %s\n",
                   output.out_dir.c_str());
      return kExitFailure;
    }
  }
  Result<std::unique_ptr<RecordSink>> sink = RecordSink::Open(output.sink);
  if (!sink.ok()) {
    std::fprintf(stderr, "newscrawl extract: %s\n", sink.status().message().c_str());
    return kExitFailure;
  }
  Importer importer(output, sink->get(), std::move(sites).value(), std::move(match));
  int rc = importer.Run(flags.files);
  if (std::fflush(stdout) != 0) rc = kExitFailure;
  return rc;
}

}  // namespace newscrawl::cli
