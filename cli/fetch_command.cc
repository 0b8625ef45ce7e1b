// `newscrawl fetch URL... | --input FILE`: fetch politely (robots.txt, per-host delays), extract
// on worker threads, print one JSON line per URL (the article record, or an error record with the
// fetch outcome). Exit 0 when every URL gave a record, 1 when some failed, 2 on usage errors.
#include <unistd.h>

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
#include "common/article.h"
#include "crawler/fetcher.h"
#include "pipeline/article_from_fetch.h"

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

// Shared by the worker threads: output, the record sink and the counters.
class Output {
 public:
  Output(RecordSink* sink, size_t total) : sink_(sink), total_(total) {}

  // Turns one fetch result into one line. Runs on a worker thread (parsing never runs on the
  // fetcher's I/O thread).
  void Handle(FetchResult r, bool raw) {
    bool success = r.outcome == FetchOutcome::kOk || r.outcome == FetchOutcome::kNotModified;
    std::string line;
    if (raw) {
      line = RawLine(r);
    } else if (!success || r.outcome == FetchOutcome::kNotModified) {
      line = ResultMetadata(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      Result<Article> article = pipeline::ArticleFromFetch(r);
      if (article.ok()) {
        std::lock_guard<std::mutex> lock(mu_);
        Result<Article> record = sink_->Emit(std::move(article).value());
        if (record.ok()) return Print(ArticleToJson(*record), true);
        article = record.status();
      }
      nlohmann::json j = ResultMetadata(r);
      j["outcome"] = "extract_failed";
      j["error"] = article.status().message();
      success = false;
      line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    std::lock_guard<std::mutex> lock(mu_);
    Print(line, success);
  }

  void WaitAll(bool progress) {
    std::unique_lock<std::mutex> lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::milliseconds(500), [&] { return done_ == total_; })) {
      if (progress) {
        std::fprintf(stderr, "\rfetched %zu/%zu (%zu failed)", done_, total_, failed_);
      }
    }
    if (progress) std::fprintf(stderr, "\rfetched %zu/%zu (%zu failed)\n", done_, total_, failed_);
  }

  size_t failed() const { return failed_; }

 private:
  void Print(const std::string& line, bool success) {  // mu_ held
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
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
  int jobs = flags.jobs > 0
                 ? flags.jobs
                 : std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 4);
  boost::asio::thread_pool workers(static_cast<size_t>(jobs));
  Output output(sink->get(), flags.urls.size());
  {
    crawler::Fetcher fetcher(FetcherOptionsFor(flags));
    bool raw = flags.raw;
    for (const std::string& url : flags.urls) {
      fetcher.Fetch({url, "", ""}, [&workers, &output, raw](FetchResult r) {
        boost::asio::post(workers, [&output, raw, r = std::move(r)]() mutable {
          output.Handle(std::move(r), raw);
        });
      });
    }
    output.WaitAll(isatty(STDERR_FILENO) && flags.urls.size() >= 10);
  }
  workers.join();
  return output.failed() == 0 ? kExitOk : kExitFailure;
}

CommandRunner SetupFetch(CLI::App& sub) {
  auto flags = std::make_shared<FetchFlags>();
  sub.add_option("urls", flags->urls, "URLs to fetch");
  sub.add_option("--input", flags->input, "Read URLs from FILE, one a line ('-' = stdin)");
  sub.add_flag("--raw", flags->raw, "Print HTTP metadata and the body instead of the article");
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
  AddRecordSinkOptions(sub, &flags->sink);
  return [flags] { return RunFetch(*flags); };
}

}  // namespace
}  // namespace newscrawl::cli

NC_REGISTER_COMMAND(fetch, "fetch", "Fetch URLs politely, extract and print article records",
                    newscrawl::cli::SetupFetch);
