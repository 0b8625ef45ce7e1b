// `newscrawl extract`: one HTML page -> one article record (JSON line) or its text; or a whole
// directory of <id>.html pages (batch mode) -> <id>.json + <id>.txt files (--out-dir) and/or the
// store (--db; records on stdout when there is no --out-dir). A page stored needs its URL: from
// --urls FILE, else the page's own canonical URL (rel=canonical / og:url); batch mode checks that
// every page has one before it extracts or stores anything.
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli/command.h"
#include "cli/record_sink.h"
#include "cli/warc_import.h"
#include "common/article.h"
#include "parser/charset.h"
#include "parser/extract.h"
#include "server/log_output.h"

namespace newscrawl::cli {
namespace {

namespace fs = std::filesystem;

struct ExtractFlags {
  std::string input;
  std::string url;
  std::string charset;
  std::string format = "json";
  std::string out_dir;
  std::string urls_file;  // batch: TSV "file name<TAB>URL" lines
  int jobs = 0;           // 0: one per core, at most 4
  RecordSinkOptions sink;
  WarcImportFlags warc;
};

Result<std::string> ReadAll(const std::string& path) {
  if (path == "-") {
    std::string data((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return data;
  }
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return Status::IoError("cannot open " + path + ": " + std::strerror(errno));
  std::string data(static_cast<size_t>(std::max<std::streamoff>(in.tellg(), 0)), '\0');
  in.seekg(0);
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (in.bad() || static_cast<size_t>(in.gcount()) != data.size()) {
    return Status::IoError("cannot read " + path);
  }
  return data;
}

Status WriteFile(const fs::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::IoError("cannot write " + path.string() + ": " + std::strerror(errno));
  out << data;
  out.close();
  if (!out) return Status::IoError("cannot write " + path.string());
  return Status::Ok();
}

// The --urls file: "<file name><TAB><URL>" per line (blank lines and '#' comments skipped). The
// file name is the page's name in the input directory. InvalidArgument names the bad line.
Result<std::map<std::string, std::string>> ReadUrlsFile(const std::string& path) {
  auto text = ReadAll(path);
  if (!text.ok()) return text.status();
  std::map<std::string, std::string> urls;
  std::istringstream lines(*text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    const std::string name = line.substr(0, tab);
    const std::string url = tab == std::string::npos ? "" : line.substr(tab + 1);
    if (name.empty() || url.find("://") == std::string::npos)
      return Status::InvalidArgument(path + ":" + std::to_string(number) +
                                     ": expected \"<file name><TAB><absolute URL>\"");
    urls[name] = url;
  }
  return urls;
}

// The page's own canonical URL (rel=canonical, og:url), read from its first 64 KB (the head);
// empty when it names none that is absolute.
std::string OwnCanonicalUrl(const fs::path& page, const std::string& charset) {
  std::ifstream in(page, std::ios::binary);
  std::string head(64 * 1024, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  ExtractOptions options;
  options.charset = charset;
  auto article = ExtractArticle(head, options);
  if (!article.ok() || article->canonical_url.find("://") == std::string::npos) return "";
  return article->canonical_url;
}

ExtractOptions OptionsFor(const ExtractFlags& flags) {
  ExtractOptions options;
  options.url = flags.url;
  options.charset = flags.charset;
  return options;
}

int RunSingle(const ExtractFlags& flags) {
  Result<std::string> bytes = ReadAll(flags.input);
  if (!bytes.ok()) {
    std::fprintf(stderr, "newscrawl extract: %s\n", bytes.status().message().c_str());
    return kExitFailure;
  }
  Result<Article> article = ExtractArticle(*bytes, OptionsFor(flags));
  if (!article.ok()) {
    std::fprintf(stderr, "newscrawl extract: %s: %s\n", flags.input.c_str(),
                 article.status().message().c_str());
    return kExitFailure;
  }
  Result<std::unique_ptr<RecordSink>> sink = RecordSink::Open(flags.sink);
  if (!sink.ok()) {
    std::fprintf(stderr, "newscrawl extract: %s\n", sink.status().message().c_str());
    return kExitFailure;
  }
  Result<Article> record = (*sink)->Emit(std::move(article).value());
  if (!record.ok()) {
    std::fprintf(stderr, "newscrawl extract: %s: %s\n", flags.input.c_str(),
                 record.status().message().c_str());
    return kExitFailure;
  }
  const std::string out = flags.format == "text" ? record->text : ArticleToJson(*record);
  std::fwrite(out.data(), 1, out.size(), stdout);
  std::fputc('\n', stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitFailure;
}

// Batch mode: extraction runs on `jobs` threads (ExtractArticle is thread-safe); the record sink
// is not, so Emit and the file writes of each page happen under one mutex.
int RunBatch(const ExtractFlags& flags) {
  std::error_code ec;
  if (!fs::is_directory(flags.input, ec)) {
    std::fprintf(stderr, "newscrawl extract: --out-dir needs an input directory; %s is not one\n",
                 flags.input.c_str());
    return kExitUsage;
  }
  const bool to_files = !flags.out_dir.empty();
  if (to_files) fs::create_directories(flags.out_dir, ec);
  if (to_files && (ec || !fs::is_directory(flags.out_dir))) {
    std::fprintf(stderr, "newscrawl extract: cannot create output directory %s: %s\n",
                 flags.out_dir.c_str(), ec.message().c_str());
    return kExitFailure;
  }
  std::vector<fs::path> pages;
  for (const fs::directory_entry& entry : fs::directory_iterator(flags.input, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".html") {
      pages.push_back(entry.path());
    }
  }
  if (ec) {
    std::fprintf(stderr, "newscrawl extract: cannot list %s: %s\n", flags.input.c_str(),
                 ec.message().c_str());
    return kExitFailure;
  }
  std::sort(pages.begin(), pages.end());
  // The URL of every page: --urls, else (to store it) the page's own canonical URL; checked for
  // all pages before anything is extracted or stored.
  std::map<std::string, std::string> listed;
  if (!flags.urls_file.empty()) {
    auto read = ReadUrlsFile(flags.urls_file);
    if (!read.ok()) {
      std::fprintf(stderr, "newscrawl extract: --urls: %s\n", read.status().message().c_str());
      return kExitUsage;
    }
    listed = std::move(read).value();
  }
  std::vector<std::string> page_urls(pages.size());
  std::vector<std::string> missing;
  for (size_t i = 0; i < pages.size(); ++i) {
    auto it = listed.find(pages[i].filename().string());
    if (it != listed.end()) {
      page_urls[i] = it->second;
    } else if (!flags.sink.db_path.empty() && flags.url.empty()) {
      page_urls[i] = OwnCanonicalUrl(pages[i], flags.charset);
      if (page_urls[i].empty()) missing.push_back(pages[i].filename().string());
    }
  }
  if (!missing.empty()) {
    std::string names;
    for (size_t i = 0; i < missing.size() && i < 3; ++i) names += (i ? ", " : "") + missing[i];
    if (missing.size() > 3) names += ", ...";
    std::fprintf(stderr,
                 "newscrawl extract: %zu of %zu pages have no URL to store them under (%s): "
                 "list them in --urls FILE (lines \"<file name><TAB><URL>\"), or give only pages "
                 "that name their own URL (<link rel=canonical> or og:url); nothing was stored\n",
                 missing.size(), pages.size(), names.c_str());
    return kExitUsage;
  }
  Result<std::unique_ptr<RecordSink>> sink = RecordSink::Open(flags.sink);
  if (!sink.ok()) {
    std::fprintf(stderr, "newscrawl extract: %s\n", sink.status().message().c_str());
    return kExitFailure;
  }
  int jobs = flags.jobs > 0
                 ? flags.jobs
                 : std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, 4);
  jobs = std::min<int>(jobs, std::max<size_t>(pages.size(), 1));
  std::atomic<size_t> next{0};
  std::atomic<int> failures{0};
  size_t done = 0;  // under emit_mutex
  std::mutex emit_mutex;
  // Stores (or prints) page i's article and writes its files (emit_mutex held).
  auto emit = [&](size_t i, Result<Article> article) {
    const fs::path& page = pages[i];
    if (article.ok()) article = (*sink)->Emit(std::move(article).value());
    const std::string id = page.stem().string();
    Status written = article.status();
    if (written.ok() && to_files) {
      written = WriteFile(fs::path(flags.out_dir) / (id + ".json"), ArticleToJson(*article) + "\n");
      if (written.ok())
        written = WriteFile(fs::path(flags.out_dir) / (id + ".txt"), article->text + "\n");
    } else if (written.ok()) {
      const std::string out = flags.format == "text" ? article->text : ArticleToJson(*article);
      server::ProgressLine::WriteLine(stdout, out);
    }
    if (!written.ok()) {
      ++failures;
      server::ProgressLine::WriteLine(
          stderr, "newscrawl extract: " + page.string() + ": " + written.message());
    }
    server::ProgressLine::Update("extracted " + std::to_string(++done) + "/" +
                                 std::to_string(pages.size()) + " (" +
                                 std::to_string(failures.load()) + " failed)");
  };
  // Aliases (AMP, print) whose canonical article is not stored yet wait until every other page
  // is stored: the canonical page, when it is among them, is stored first (docs/change-feed.md).
  std::vector<std::pair<size_t, Article>> held;
  auto worker = [&] {
    for (size_t i = next++; i < pages.size(); i = next++) {
      ExtractOptions options = OptionsFor(flags);
      if (!page_urls[i].empty()) options.url = page_urls[i];
      Result<std::string> bytes = ReadAll(pages[i].string());
      Result<Article> article = bytes.ok() ? ExtractArticle(*bytes, options) : bytes.status();
      std::lock_guard<std::mutex> lock(emit_mutex);
      if (article.ok() && (*sink)->ShouldHold(*article)) {
        held.emplace_back(i, std::move(article).value());
        continue;
      }
      emit(i, std::move(article));
    }
  };
  std::vector<std::thread> threads;
  for (int t = 1; t < jobs; ++t) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  for (auto& [i, article] : held) emit(i, std::move(article));
  server::ProgressLine::Finish();
  std::fprintf(stderr, "newscrawl extract: %zu pages, %d failed\n", pages.size(), failures.load());
  return failures.load() == 0 ? kExitOk : kExitFailure;
}

CommandRunner SetupExtract(CLI::App& sub) {
  auto flags = std::make_shared<ExtractFlags>();
  sub.add_option("input", flags->input,
                 "HTML file, '-' for stdin, or a directory (batch: with --out-dir and/or --db)");
  sub.add_option("--url", flags->url, "URL the page came from (links, dates, site)");
  sub.add_option("--charset", flags->charset, "charset of the page (as an HTTP header would say)")
      ->check(CLI::Validator(
          [](std::string& label) {
            return CanonicalCharsetName(label).empty()
                       ? "unknown charset \"" + label + "\" (e.g. utf-8, windows-1258, gb18030)"
                       : std::string();
          },
          "CHARSET"));
  sub.add_option("--format", flags->format, "json (the article record) or text (the body only)")
      ->check(CLI::IsMember({"json", "text"}));
  sub.add_option("--out-dir", flags->out_dir,
                 "batch: write <id>.json and <id>.txt here for every <id>.html of the input dir");
  sub.add_option("--urls", flags->urls_file,
                 "batch: TAB-separated lines \"<file name> <URL>\" giving each page's URL "
                 "(else, with --db, the page's own rel=canonical / og:url)");
  sub.add_option("--jobs", flags->jobs, "batch: extraction threads (default: one per core, max 4)")
      ->check(CLI::Range(0, 64));
  AddRecordSinkOptions(sub, &flags->sink);
  AddWarcImportOptions(sub, &flags->warc);
  return [flags] {
    if (!flags->warc.files.empty()) {
      return RunWarcImport(flags->warc,
                           {flags->out_dir, flags->format == "text", flags->jobs, flags->sink});
    }
    if (flags->input.empty()) {
      std::fprintf(stderr, "newscrawl extract: give an HTML file, a directory or --warc FILE...\n");
      return kExitUsage;
    }
    if (!flags->out_dir.empty()) return RunBatch(*flags);
    std::error_code ec;
    if (flags->input != "-" && fs::is_directory(flags->input, ec)) {
      if (!flags->sink.db_path.empty()) return RunBatch(*flags);
      std::fprintf(stderr,
                   "newscrawl extract: %s is a directory; use --out-dir DIR or --db DIR for batch "
                   "mode\n",
                   flags->input.c_str());
      return kExitUsage;
    }
    return RunSingle(*flags);
  };
}

}  // namespace
}  // namespace newscrawl::cli

NC_REGISTER_COMMAND(extract, "extract", "Extract the article from an HTML page (or a directory)",
                    newscrawl::cli::SetupExtract);
