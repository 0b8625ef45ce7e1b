// `newscrawl fetch URL... | --input FILE`: fetch politely (robots.txt, per-host delays), extract
// on worker threads, print one article record (schema 1) per line on stdout. A URL that gives no
// article is one line on stderr, "URL: OUTCOME: CAUSE"; with --errors-json it is also a failure
// record on stdout (README, "newscrawl fetch"). Exit 0 when every URL gave a record, 1 when some
// failed, 2 on usage errors.
#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cli/command.h"
#include "cli/record_sink.h"
#include "cli/warc_fetch.h"
#include "common/article.h"
#include "crawler/fetcher.h"
#include "pipeline/article_from_fetch.h"
#include "server/log_output.h"

namespace newscrawl::cli {
namespace {

using crawler::FetchOutcome;
using crawler::FetchResult;

struct FetchFlags {
  std::vector<std::string> urls;
  std::string input;
  bool raw = false;
  double delay_seconds = 1.0;
  int per_host = 1;
  bool no_robots = false;
  bool allow_private = false;
  std::string user_agent;
  std::string proxy;
  double timeout_seconds = 30;
  int max_in_flight = 256;
  int retries = 2;
  int jobs = 0;
  bool errors_json = false;
  std::string warc;  // --warc FILE: also archive every response
  RecordSinkOptions sink;
};

Status ReadUrlList(const std::string& path, std::vector<std::string>* urls) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return Status::IoError("cannot open " + path);
    in = &file;
  }
  std::string line;
  while (std::getline(*in, line)) {
    size_t begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos || line[begin] == '#') continue;
    size_t end = line.find_last_not_of(" \t\r");
    urls->push_back(line.substr(begin, end - begin + 1));
  }
  return Status::Ok();
}

nlohmann::json ResultMetadata(const FetchResult& r) {
  return {{"url", r.url},
          {"final_url", r.final_url},
          {"outcome", crawler::FetchOutcomeName(r.outcome)},
          {"status", r.status},
          {"error", r.error.empty() ? nlohmann::json() : nlohmann::json(r.error)},
          {"redirects", r.redirects},
          {"attempts", r.attempts},
          {"seconds", r.seconds}};
}

std::string RawLine(const FetchResult& r) {
  nlohmann::json j = ResultMetadata(r);
  j["content_type"] = r.content_type;
  j["charset"] = r.charset;
  j["etag"] = r.etag;
  j["last_modified"] = r.last_modified;
  j["content_encoding"] = r.content_encoding;
  j["truncated"] = r.truncated;
  j["fetched_at"] = r.fetched_at;
  j["body"] = r.body;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

crawler::FetcherOptions FetcherOptionsFor(const FetchFlags& flags) {
  crawler::FetcherOptions o;
  if (!flags.user_agent.empty()) o.user_agent = flags.user_agent;
  o.proxy = flags.proxy;
  o.min_host_delay = std::chrono::milliseconds(static_cast<long long>(flags.delay_seconds * 1000));
  o.max_connections_per_host = flags.per_host;
  o.respect_robots = !flags.no_robots;
  o.allow_loopback = o.allow_private = flags.allow_private;
  o.total_timeout = std::chrono::milliseconds(static_cast<long long>(flags.timeout_seconds * 1000));
  o.first_byte_timeout = std::min(o.first_byte_timeout, o.total_timeout);
  o.connect_timeout = std::min(o.connect_timeout, o.total_timeout);
  o.max_in_flight = static_cast<size_t>(flags.max_in_flight);
  o.max_retries = flags.retries;
  return o;
}

// The failure record of --errors-json: the fetch metadata with "schema" and the cause.
std::string FailureRecord(const FetchResult& r, const std::string& outcome,
                          const std::string& cause) {
  nlohmann::json j = ResultMetadata(r);
  j["schema"] = kArticleSchemaVersion;
  j["outcome"] = outcome;
  j["error"] = cause;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Shared by the worker threads: output, the record sink and the counters.
class Output {
 public:
  Output(RecordSink* sink, size_t total, bool errors_json)
      : sink_(sink), total_(total), errors_json_(errors_json) {}

  // Turns one fetch result into one line. Runs on a worker thread (parsing never runs on the
  // fetcher's I/O thread).
  void Handle(FetchResult r, bool raw) {
    bool success = r.outcome == FetchOutcome::kOk || r.outcome == FetchOutcome::kNotModified;
    if (raw) {
      std::string line = RawLine(r);
      std::lock_guard<std::mutex> lock(mu_);
      if (!success) PrintFailure(r, crawler::FetchOutcomeName(r.outcome), r.error);
      return Print(line, success);
    }
    std::string outcome = crawler::FetchOutcomeName(r.outcome);
    std::string cause = r.error;
    if (r.outcome == FetchOutcome::kNotModified && cause.empty()) cause = "HTTP 304: no body";
    if (r.outcome == FetchOutcome::kOk) {
      Result<Article> article = pipeline::ArticleFromFetch(r);
      if (article.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        Result<Article> record = sink_->Emit(std::move(article).value());
        if (record.ok()) return Print(ArticleToJson(*record), true);
        article = record.status();
      }
      outcome = "extract_failed";
      cause = article.status().message();
      success = false;
    }
    std::lock_guard<std::mutex> lock(mu_);
    PrintFailure(r, outcome, cause);
    if (!errors_json_) return Count(success);
    Print(FailureRecord(r, outcome, cause), success);
  }

  // Waits for every URL; the progress line (a terminal only, server/log_output.h) when several.
  void WaitAll() {
    const bool progress = total_ > 1;
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return done_ == total_; }))
      if (progress) server::ProgressLine::Update(ProgressText());
    if (!progress) return;
    server::ProgressLine::Update(ProgressText(), /*force=*/true);
    server::ProgressLine::Finish();
  }

  size_t failed() const { return failed_; }

 private:
  std::string ProgressText() const {  // mu_ held
    return "fetched " + std::to_string(done_) + "/" + std::to_string(total_) + " (" +
           std::to_string(failed_) + " failed)";
  }
  // "URL: OUTCOME: CAUSE" on stderr (above the progress line, if any). mu_ held.
  void PrintFailure(const FetchResult& r, const std::string& outcome, const std::string& cause) {
    server::ProgressLine::WriteLine(
        stderr, r.url + ": " + outcome + ": " + (cause.empty() ? outcome : cause));
  }
  void Print(const std::string& line, bool success) {  // mu_ held
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    Count(success);
  }
  void Count(bool success) {  // mu_ held
    if (!success) ++failed_;
    if (++done_ == total_) {
      std::fflush(stdout);
      cv_.notify_all();
    }
  }

  RecordSink* sink_;
  std::mutex mu_;
  std::condition_variable cv_;
  size_t total_;
  const bool errors_json_;
  size_t done_ = 0;
  size_t failed_ = 0;
};

int RunFetch(FetchFlags& flags) {
  if (!flags.input.empty()) {
    Status s = ReadUrlList(flags.input, &flags.urls);
    if (!s.ok()) {
      std::fprintf(stderr, "newscrawl fetch: %s\n", s.message().c_str());
      return kExitUsage;
    }
  }
  if (flags.urls.empty()) {
    std::fprintf(stderr, "newscrawl fetch: no URLs: give URL arguments or --input FILE\n");
    return kExitUsage;
  }
  Result<std::unique_ptr<RecordSink>> sink = RecordSink::Open(flags.sink);
  if (!sink.ok()) {
    std::fprintf(stderr, "newscrawl fetch: %s\n", sink.status().message().c_str());
    return kExitFailure;
  }
  crawler::FetcherOptions fetcher_options = FetcherOptionsFor(flags);
  crawler::FetcherEnv fetcher_env;
  std::unique_ptr<pipeline::FetchArchive> archive;
  if (!flags.warc.empty()) {
    auto opened = OpenFetchWarc(flags.warc, &fetcher_options, &fetcher_env);
    if (!opened.ok()) {
      std::fprintf(stderr, "newscrawl fetch: --warc: %s\n", opened.status().message().c_str());
      return kExitUsage;
    }
    archive = std::move(opened).value();
  }
  int jobs = flags.jobs > 0
                 ? flags.jobs
                 : std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 4);
  boost::asio::thread_pool workers(static_cast<size_t>(jobs));
  Output output(sink->get(), flags.urls.size(), flags.errors_json);
  {
    crawler::Fetcher fetcher(fetcher_options, nullptr, std::move(fetcher_env));
    bool raw = flags.raw;
    for (const std::string& url : flags.urls) {
      fetcher.Fetch({url, "", ""}, [&workers, &output, raw, a = archive.get()](FetchResult r) {
        boost::asio::post(workers, [&output, raw, a, r = std::move(r)]() mutable {
          if (a) a->Record(r, pipeline::UrlKind::kArticle);
          output.Handle(std::move(r), raw);
        });
      });
    }
    output.WaitAll();
  }
  workers.join();
  Status archived = archive ? archive->Close() : Status::Ok();
  if (!archived.ok())
    std::fprintf(stderr, "newscrawl fetch: --warc: %s\n", archived.message().c_str());
  return output.failed() == 0 && archived.ok() ? kExitOk : kExitFailure;
}

CommandRunner SetupFetch(CLI::App& sub) {
  auto flags = std::make_shared<FetchFlags>();
  sub.add_option("urls", flags->urls, "URLs to fetch");
  sub.add_option("--input", flags->input, "Read URLs from FILE, one a line ('-' = stdin)");
  sub.add_flag("--raw", flags->raw, "Print HTTP metadata and the body instead of the article");
  sub.add_flag("--errors-json", flags->errors_json,
               "Also print a failure record (schema 1, with outcome and error) on stdout for each "
               "URL that gave no article");
  sub.add_option("--delay", flags->delay_seconds, "Seconds between requests to one host")
      ->default_val(1.0)
      ->check(CLI::Range(0.0, 3600.0));
  sub.add_option("--per-host", flags->per_host, "Connections at once to one host")
      ->default_val(1)
      ->check(CLI::Range(1, 64));
  sub.add_flag("--no-robots", flags->no_robots,
               "Ignore robots.txt (only for testing against your own servers)");
  sub.add_flag("--allow-private", flags->allow_private,
               "Allow loopback and private destination addresses (tests, local benchmarks)");
  sub.add_option("--user-agent", flags->user_agent, "User-Agent, with a contact URL");
  sub.add_option("--proxy", flags->proxy, "HTTP(S) proxy URL");
  sub.add_option("--timeout", flags->timeout_seconds, "Seconds allowed for one transfer")
      ->default_val(30.0)
      ->check(CLI::Range(0.1, 3600.0));
  sub.add_option("--max-in-flight", flags->max_in_flight, "Transfers at once over all hosts")
      ->default_val(256)
      ->check(CLI::Range(1, 10000));
  sub.add_option("--retries", flags->retries, "Retries after 5xx, 429 and network errors")
      ->default_val(2)
      ->check(CLI::Range(0, 10));
  sub.add_option("--jobs", flags->jobs, "Extraction threads (default: cores, at most 4)")
      ->check(CLI::Range(1, 64));
  sub.add_option("--warc", flags->warc, "Also write what was fetched to this WARC file (.warc.gz)");
  AddRecordSinkOptions(sub, &flags->sink);
  return [flags] { return RunFetch(*flags); };
}

}  // namespace
}  // namespace newscrawl::cli

NC_REGISTER_COMMAND(fetch, "fetch", "Fetch URLs politely, extract and print article records",
                    newscrawl::cli::SetupFetch);
