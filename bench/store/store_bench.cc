// store_bench: ingest, lookup-by-URL and export throughput of store::Store (see run.sh).
//
//   store_bench ingest --db DIR --count N [--first I] [--threads T] [--cache-mb M]
//   store_bench lookup --db DIR --count N [--lookups L] [--cache-mb M]
//   store_bench export --db DIR [--limit N] [--cache-mb M]
//
// Article i has URL https://site-<i % 1000>.example/news/<i>.html and ~5 KB of generated text
// (800 words from a 20,000-word synthetic vocabulary). Every 20th article is an exact copy of an
// earlier one under its own URL, every 20th (offset 1) an edited copy (one sentence replaced),
// so ingest exercises all dedup paths. Prints one "key: value" line per figure.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "common/fingerprint.h"
#include "store/change_feed.h"
#include "store/near_dup.h"
#include "store/store.h"

namespace newscrawl::store {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU seconds used so far by the whole process (all threads, RocksDB's background jobs too).
// On a shared, loaded machine this is the figure that does not depend on the neighbours.
double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

long PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A pronounceable synthetic word for vocabulary index w.
std::string Word(uint64_t w) {
  static const char* kSyllables[] = {"ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "an",
                                     "el", "is", "or", "un", "ba", "de", "fi", "go", "hu",
                                     "ja", "ke", "li", "mo", "nu", "pa", "qe", "ri", "so"};
  constexpr uint64_t kN = sizeof(kSyllables) / sizeof(kSyllables[0]);
  std::string out;
  uint64_t h = Mix(w);
  int syllables = 2 + static_cast<int>(h % 3);
  for (int i = 0; i < syllables; ++i, h /= kN) out += kSyllables[h % kN];
  return out;
}

const std::vector<std::string>& Vocabulary() {
  static const std::vector<std::string> vocab = [] {
    std::vector<std::string> v;
    for (uint64_t w = 0; w < 20000; ++w) v.push_back(Word(w));
    return v;
  }();
  return vocab;
}

void AppendSentence(uint64_t seed, std::string* out) {
  const auto& vocab = Vocabulary();
  uint64_t h = seed;
  int words = 12 + static_cast<int>(Mix(seed) % 8);
  for (int i = 0; i < words; ++i) {
    h = Mix(h);
    if (i) out->push_back(' ');
    out->append(vocab[h % vocab.size()]);
  }
  out->append(". ");
}

// ~5 KB: 8 paragraphs of 5 sentences.
std::string TextOf(uint64_t article, uint64_t edited_sentence = ~0ULL) {
  std::string text;
  text.reserve(6000);
  for (uint64_t p = 0; p < 8; ++p) {
    if (p) text += '\n';
    for (uint64_t s = 0; s < 5; ++s) {
      uint64_t n = p * 5 + s;
      AppendSentence(n == edited_sentence ? Mix(article ^ 0xabcdef) : article * 64 + n, &text);
    }
  }
  return text;
}

std::string UrlOf(uint64_t i) {
  return "https://site-" + std::to_string(i % 1000) + ".example/news/" + std::to_string(i) +
         ".html";
}

Article ArticleOf(uint64_t i) {
  Article a;
  a.url = UrlOf(i);
  a.title = "Headline number " + std::to_string(i);
  a.site = "site-" + std::to_string(i % 1000);
  a.published_at = "2026-11-25T08:00:00+00:00";
  if (i % 20 == 0 && i >= 20) {
    a.text = TextOf(i - 7);  // exact copy
  } else if (i % 20 == 1 && i >= 20) {
    a.text = TextOf(i - 9, 17);  // edited copy
  } else {
    a.text = TextOf(i);
  }
  return a;
}

struct Flags {
  std::string mode, db;
  uint64_t count = 100000, first = 0, lookups = 200000, limit = 0;
  int threads = 2;
  size_t cache_mb = 256;
};

std::unique_ptr<Store> OpenOrDie(const Flags& f) {
  StoreOptions options;
  options.cache_bytes = f.cache_mb << 20;
  auto store = Store::Open(f.db, options);
  if (!store.ok()) {
    std::fprintf(stderr, "store_bench: %s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(store).value();
}

int Ingest(const Flags& f) {
  auto store = OpenOrDie(f);
  std::atomic<uint64_t> next{f.first};
  std::atomic<uint64_t> events[4] = {};
  const uint64_t end = f.first + f.count;
  auto start = Clock::now();
  const double cpu_start = ProcessCpuSeconds();
  auto worker = [&] {
    for (uint64_t i = next++; i < end; i = next++) {
      auto r = store->Ingest(ArticleOf(i));
      if (!r.ok()) {
        std::fprintf(stderr, "store_bench: %s\n", r.status().ToString().c_str());
        std::exit(1);
      }
      ++events[static_cast<int>(r->event)];
      if (f.count >= 100000 && (i - f.first + 1) % 100000 == 0)
        std::fprintf(stderr, "  %llu articles, %.0f s\n",
                     static_cast<unsigned long long>(i - f.first + 1), Seconds(start));
    }
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < f.threads; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  double secs = Seconds(start);
  double cpu = ProcessCpuSeconds() - cpu_start;
  std::printf("ingest_articles: %llu\n", static_cast<unsigned long long>(f.count));
  std::printf("ingest_threads: %d\n", f.threads);
  std::printf("ingest_seconds: %.2f\n", secs);
  std::printf("ingest_per_second: %.0f\n", f.count / secs);
  std::printf("ingest_cpu_us_per_article: %.1f (all threads incl. RocksDB background)\n",
              cpu / f.count * 1e6);
  std::printf("ingest_per_second_if_2_idle_cores: %.0f\n", f.count / (cpu / 2));
  std::printf("ingest_events: new=%llu duplicate=%llu version=%llu none=%llu\n",
              static_cast<unsigned long long>(events[1].load()),
              static_cast<unsigned long long>(events[3].load()),
              static_cast<unsigned long long>(events[2].load()),
              static_cast<unsigned long long>(events[0].load()));
  std::printf("ingest_peak_rss_mb: %ld (cache %zu MB)\n", PeakRssMb(), f.cache_mb);
  return 0;
}

// The CPU cost outside RocksDB: generating the texts, the fingerprints Ingest computes (one
// FingerprintText inside MakeNearDupProbe) and the record JSON. Texts are generated first, so
// each figure is the cost of that step alone.
int Fingerprint(const Flags& f) {
  double start = ProcessCpuSeconds();
  std::vector<Article> articles;
  articles.reserve(f.count);
  for (uint64_t i = 0; i < f.count; ++i) articles.push_back(ArticleOf(i));
  const double generate = ProcessCpuSeconds() - start;
  uint64_t sink = 0;
  start = ProcessCpuSeconds();
  for (const Article& a : articles) sink += ContentHash(a.text).size();
  const double content_hash = ProcessCpuSeconds() - start;
  start = ProcessCpuSeconds();
  for (const Article& a : articles) sink += MakeNearDupProbe(a).signature.size();
  const double probe = ProcessCpuSeconds() - start;
  start = ProcessCpuSeconds();
  for (const Article& a : articles) sink += ArticleToJson(a).size();
  const double json = ProcessCpuSeconds() - start;
  std::printf("fingerprint_articles: %llu (checksum %llu)\n",
              static_cast<unsigned long long>(f.count), static_cast<unsigned long long>(sink));
  std::printf("(CPU time per article)\n");
  std::printf("generate_us_per_article: %.1f\n", generate / f.count * 1e6);
  std::printf("content_hash_alone_us_per_article: %.1f\n", content_hash / f.count * 1e6);
  std::printf("near_dup_probe_us_per_article: %.1f (content hash included)\n",
              probe / f.count * 1e6);
  std::printf("record_json_us_per_article: %.1f\n", json / f.count * 1e6);
  return 0;
}

int Lookup(const Flags& f) {
  auto store = OpenOrDie(f);
  std::mt19937_64 rng(42);
  std::vector<std::string> urls;
  urls.reserve(f.lookups);
  for (uint64_t i = 0; i < f.lookups; ++i) urls.push_back(UrlOf(rng() % f.count));
  std::vector<double> micros;
  micros.reserve(f.lookups);
  auto start = Clock::now();
  for (const auto& url : urls) {
    auto t0 = Clock::now();
    auto a = store->GetByUrl(url);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
    if (!a.ok()) {
      std::fprintf(stderr, "store_bench: %s: %s\n", url.c_str(), a.status().ToString().c_str());
      return 1;
    }
  }
  double secs = Seconds(start);
  std::sort(micros.begin(), micros.end());
  auto pct = [&](double p) { return micros[static_cast<size_t>(p * (micros.size() - 1))]; };
  std::printf("lookup_store_articles: %llu\n", static_cast<unsigned long long>(f.count));
  std::printf("lookup_count: %zu\n", micros.size());
  std::printf("lookup_per_second: %.0f\n", micros.size() / secs);
  std::printf("lookup_p50_us: %.1f\nlookup_p99_us: %.1f\nlookup_max_us: %.1f\n", pct(0.5),
              pct(0.99), micros.back());
  std::printf("lookup_peak_rss_mb: %ld (cache %zu MB)\n", PeakRssMb(), f.cache_mb);
  return 0;
}

int Export(const Flags& f) {
  auto store = OpenOrDie(f);
  FILE* out = std::fopen("/dev/null", "w");
  std::string buffer;
  uint64_t records = 0, bytes = 0;
  auto start = Clock::now();
  Status s = store->ForEachChange(0, f.limit, [&](const ChangeEvent& e, std::string_view json) {
    AppendFeedLine(e, json, &buffer);
    buffer.push_back('\n');
    ++records;
    if (buffer.size() >= (1u << 20)) {
      bytes += std::fwrite(buffer.data(), 1, buffer.size(), out);
      buffer.clear();
    }
    return true;
  });
  bytes += std::fwrite(buffer.data(), 1, buffer.size(), out);
  std::fclose(out);
  double secs = Seconds(start);
  if (!s.ok()) {
    std::fprintf(stderr, "store_bench: %s\n", s.ToString().c_str());
    return 1;
  }
  std::printf("export_records: %llu\n", static_cast<unsigned long long>(records));
  std::printf("export_per_second: %.0f\n", records / secs);
  std::printf("export_mb_per_second: %.0f\n", bytes / secs / 1e6);
  std::printf("export_peak_rss_mb: %ld (cache %zu MB)\n", PeakRssMb(), f.cache_mb);
  return 0;
}

}  // namespace
}  // namespace newscrawl::store

int main(int argc, char** argv) {
  using newscrawl::store::Flags;
  Flags f;
  if (argc < 2) {
    std::fprintf(stderr, "usage: store_bench ingest|lookup|export --db DIR [options]\n");
    return 2;
  }
  f.mode = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--db")
      f.db = v;
    else if (k == "--count")
      f.count = std::stoull(v);
    else if (k == "--first")
      f.first = std::stoull(v);
    else if (k == "--lookups")
      f.lookups = std::stoull(v);
    else if (k == "--limit")
      f.limit = std::stoull(v);
    else if (k == "--threads")
      f.threads = std::stoi(v);
    else if (k == "--cache-mb")
      f.cache_mb = std::stoull(v);
    else {
      std::fprintf(stderr, "store_bench: unknown flag %s\n", k.c_str());
      return 2;
    }
  }
  if (f.db.empty()) return 2;
  if (f.mode == "ingest") return newscrawl::store::Ingest(f);
  if (f.mode == "fingerprint") return newscrawl::store::Fingerprint(f);
  if (f.mode == "lookup") return newscrawl::store::Lookup(f);
  if (f.mode == "export") return newscrawl::store::Export(f);
  std::fprintf(stderr, "store_bench: unknown mode %s\n", f.mode.c_str());
  return 2;
}
