// Near-duplicate quality benchmark: recall of (band index + verification) on variants of real
// article texts, false merges among distinct articles, SimHash distance distribution.
//
//   dedup_quality [EVAL_DIR]   (default: ../shared/eval/scrapinghub beside the repository)
//
// Reads EVAL_DIR/*.txt (ground-truth article texts) and EVAL_DIR/urls.tsv at run time.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/dedup/variants.h"
#include "common/fingerprint.h"
#include "common/near_duplicate.h"
#include "common/url.h"

namespace newscrawl::bench {
namespace {

struct Doc {
  std::string id;
  std::string url;
  std::string text;
  NearDupSignature signature;
};

struct VariantDoc {
  size_t source;
  std::string kind;
  NearDupSignature signature;
};

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<Doc> LoadDocs(const std::filesystem::path& dir) {
  std::map<std::string, std::string> urls;
  std::ifstream tsv(dir / "urls.tsv");
  for (std::string line; std::getline(tsv, line);) {
    size_t tab = line.find('\t');
    if (tab != std::string::npos) urls[line.substr(0, tab)] = line.substr(tab + 1);
  }
  std::vector<Doc> docs;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".txt") continue;
    Doc doc;
    doc.id = entry.path().stem().string();
    doc.url = urls.count(doc.id) ? urls[doc.id] : "";
    doc.text = ReadFile(entry.path());
    docs.push_back(std::move(doc));
  }
  std::sort(docs.begin(), docs.end(), [](const Doc& a, const Doc& b) { return a.id < b.id; });
  return docs;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5)];
}

using Index = std::unordered_map<std::string, std::vector<size_t>>;

Index BuildIndex(const std::vector<NearDupSignature>& signatures, const NearDupOptions& options) {
  Index index;
  for (size_t i = 0; i < signatures.size(); ++i) {
    for (std::string& key : NearDupIndexKeys(signatures[i], options)) index[key].push_back(i);
  }
  return index;
}

std::set<size_t> Candidates(const Index& index, const NearDupSignature& s,
                            const NearDupOptions& options) {
  std::set<size_t> out;
  for (const std::string& key : NearDupIndexKeys(s, options)) {
    auto it = index.find(key);
    if (it != index.end()) out.insert(it->second.begin(), it->second.end());
  }
  return out;
}

void PrintDistances(const std::vector<Doc>& docs, const std::vector<VariantDoc>& variants) {
  std::map<std::string, std::vector<double>> by_kind;
  std::map<std::string, std::vector<double>> containment;
  for (const VariantDoc& v : variants) {
    const NearDupSignature& o = docs[v.source].signature;
    double d = HammingDistance(o.simhash, v.signature.simhash);
    by_kind[v.kind].push_back(d);
    by_kind["ALL"].push_back(d);
    containment[v.kind].push_back(ScoreNearDuplicate(o, v.signature).containment);
    containment["ALL"].push_back(ScoreNearDuplicate(o, v.signature).containment);
  }
  std::printf(
      "\nSimHash-64 (5-word shingles) distance, original vs variant, and shingle containment\n");
  std::printf("%-12s %5s  %4s %4s %4s %4s %4s  | <=3   4-6  7-10 11-15  16+ | cont p5   min\n",
              "kind", "n", "min", "p50", "p90", "p99", "max");
  for (auto& [kind, d] : by_kind) {
    int buckets[5] = {0, 0, 0, 0, 0};
    for (double x : d) buckets[x <= 3 ? 0 : x <= 6 ? 1 : x <= 10 ? 2 : x <= 15 ? 3 : 4]++;
    std::printf("%-12s %5zu  %4.0f %4.0f %4.0f %4.0f %4.0f  | %4d %5d %5d %5d %4d |   %.3f %.3f\n",
                kind.c_str(), d.size(), Percentile(d, 0), Percentile(d, 0.5), Percentile(d, 0.9),
                Percentile(d, 0.99), Percentile(d, 1), buckets[0], buckets[1], buckets[2],
                buckets[3], buckets[4], Percentile(containment[kind], 0.05),
                Percentile(containment[kind], 0));
  }
  std::vector<double> distinct, distinct_containment;
  for (size_t i = 0; i < docs.size(); ++i) {
    for (size_t j = i + 1; j < docs.size(); ++j) {
      distinct.push_back(HammingDistance(docs[i].signature.simhash, docs[j].signature.simhash));
      distinct_containment.push_back(
          ScoreNearDuplicate(docs[i].signature, docs[j].signature).containment);
    }
  }
  std::printf(
      "distinct pairs %zu: SimHash distance min %.0f p1 %.0f p50 %.0f; containment p99 %.3f max "
      "%.3f\n",
      distinct.size(), Percentile(distinct, 0), Percentile(distinct, 0.01),
      Percentile(distinct, 0.5), Percentile(distinct_containment, 0.99),
      Percentile(distinct_containment, 1));
  std::printf(
      "SimHash alone: recall at distance <=3 %.3f, <=6 %.3f, <=10 %.3f (distinct pairs that close: "
      "%d)\n",
      std::count_if(by_kind["ALL"].begin(), by_kind["ALL"].end(), [](double x) { return x <= 3; }) /
          static_cast<double>(by_kind["ALL"].size()),
      std::count_if(by_kind["ALL"].begin(), by_kind["ALL"].end(), [](double x) { return x <= 6; }) /
          static_cast<double>(by_kind["ALL"].size()),
      std::count_if(by_kind["ALL"].begin(), by_kind["ALL"].end(),
                    [](double x) { return x <= 10; }) /
          static_cast<double>(by_kind["ALL"].size()),
      static_cast<int>(
          std::count_if(distinct.begin(), distinct.end(), [](double x) { return x <= 10; })));
}

struct Outcome {
  int found = 0, total = 0;
  std::vector<std::string> misses;                      // one line per missed variant
  std::map<std::string, std::pair<int, int>> per_kind;  // found, total
  int false_variant = 0;    // a variant merged with another article (index + verification)
  int false_distinct = 0;   // distinct originals verified as duplicates (all pairs)
  int false_same_site = 0;  // same-host pairs with a shared site template (index + verification)
  int candidate_pairs = 0;  // distinct originals sharing a band key
  int same_site_pairs = 0;
};

Outcome Evaluate(const std::vector<Doc>& docs, const std::vector<VariantDoc>& variants,
                 const std::vector<std::pair<NearDupSignature, NearDupSignature>>& same_site,
                 const NearDupOptions& options) {
  Outcome out;
  std::vector<NearDupSignature> originals;
  for (const Doc& d : docs) originals.push_back(d.signature);
  Index index = BuildIndex(originals, options);
  for (const VariantDoc& v : variants) {
    bool found = false;
    for (size_t c : Candidates(index, v.signature, options)) {
      if (!IsNearDuplicate(originals[c], v.signature, options)) continue;
      if (c == v.source) {
        found = true;
      } else {
        ++out.false_variant;
      }
    }
    ++out.total, out.found += found;
    if (!found) {
      NearDupScore score = ScoreNearDuplicate(originals[v.source], v.signature);
      char line[200];
      std::snprintf(
          line, sizeof(line),
          "  missed %-11s article %3zu: %4zu vs %4zu shingles, containment %.3f, %s",
          v.kind.c_str(), v.source, originals[v.source].shingles.size(),
          v.signature.shingles.size(), score.containment,
          Candidates(index, v.signature, options).count(v.source) ? "candidate" : "no candidate");
      out.misses.push_back(line);
    }
    auto& [kind_found, kind_total] = out.per_kind[v.kind];
    ++kind_total, kind_found += found;
  }
  for (size_t i = 0; i < originals.size(); ++i) {
    std::set<size_t> candidates = Candidates(index, originals[i], options);
    out.candidate_pairs += static_cast<int>(
        std::count_if(candidates.begin(), candidates.end(), [i](size_t c) { return c > i; }));
    for (size_t j = i + 1; j < originals.size(); ++j) {
      out.false_distinct += IsNearDuplicate(originals[i], originals[j], options);
    }
  }
  for (const auto& [a, b] : same_site) {
    ++out.same_site_pairs;
    Index pair_index = BuildIndex({a}, options);
    if (!Candidates(pair_index, b, options).empty() && IsNearDuplicate(a, b, options)) {
      ++out.false_same_site;
    }
  }
  return out;
}

void PrintOutcome(const NearDupOptions& o, const Outcome& r) {
  std::printf("bands=%2d rows=%d keys=%2d cont>=%.2f ratio>=%.2f | recall %.3f (%d/%d) |", o.bands,
              o.rows, o.bands, o.min_containment, o.min_size_ratio,
              static_cast<double>(r.found) / r.total, r.found, r.total);
  for (const auto& [kind, ft] : r.per_kind) {
    std::printf(" %s %.2f", kind.c_str(), static_cast<double>(ft.first) / ft.second);
  }
  std::printf(
      " | false merges: variants %d, distinct %d, same-site+template %d/%d | candidate distinct "
      "pairs %d\n",
      r.false_variant, r.false_distinct, r.false_same_site, r.same_site_pairs, r.candidate_pairs);
}

int Run(const std::filesystem::path& dir) {
  std::vector<Doc> docs = LoadDocs(dir);
  if (docs.size() < 2) {
    std::fprintf(stderr, "dedup_quality: no article texts (*.txt) in %s\n", dir.c_str());
    return 1;
  }
  NearDupOptions defaults;
  std::vector<std::string> texts;
  for (Doc& d : docs) {
    d.signature = NearDupSignatureOf(d.text, defaults);
    texts.push_back(d.text);
  }
  std::vector<VariantDoc> variants;
  for (size_t i = 0; i < docs.size(); ++i) {
    std::vector<std::string> others;
    for (size_t j = 0; j < docs.size(); ++j) {
      if (j != i) others.push_back(docs[j].text);
    }
    Rng rng(1000 + i);
    for (Variant& v : MakeVariants(docs[i].text, others, &rng)) {
      variants.push_back({i, v.kind, NearDupSignatureOf(v.text, defaults)});
    }
  }
  // Distinct articles of one site, each with the site's template (nav, share line, ~60 words of
  // "most read" titles) leaking into the extracted text: they must stay apart.
  std::vector<std::pair<NearDupSignature, NearDupSignature>> same_site;
  int same_host_pairs = 0;
  Rng template_rng(7);
  for (size_t i = 0; i < docs.size(); ++i) {
    for (size_t j = i + 1; j < docs.size(); ++j) {
      bool same_host = !docs[i].url.empty() && SameSite(docs[i].url, docs[j].url);
      same_host_pairs += same_host;
      // Same-host pairs, plus every 7th pair of other sites, so the check has weight.
      if (!same_host && (i * docs.size() + j) % 7 != 0) continue;
      std::string site_template = MakeSiteTemplate(texts, 60, &template_rng);
      same_site.emplace_back(NearDupSignatureOf(docs[i].text + "\n" + site_template, defaults),
                             NearDupSignatureOf(docs[j].text + "\n" + site_template, defaults));
    }
  }
  std::printf(
      "dedup_quality: %zu articles from %s, %zu variants, %zu distinct pairs, %d same-host pairs, "
      "%zu template pairs\n",
      docs.size(), dir.c_str(), variants.size(), docs.size() * (docs.size() - 1) / 2,
      same_host_pairs, same_site.size());
  PrintDistances(docs, variants);
  std::vector<double> template_containment;
  for (const auto& [a, b] : same_site)
    template_containment.push_back(ScoreNearDuplicate(a, b).containment);
  std::printf("distinct articles sharing a 60-word site template: containment p99 %.3f max %.3f\n",
              Percentile(template_containment, 0.99), Percentile(template_containment, 1));

  std::printf(
      "\nBand index (MinHash, OPH) + verification by shingle containment: parameter sweep\n");
  for (int rows : {2, 3, 4}) {
    for (int bands : {10, 16, 20, 25}) {
      NearDupOptions o = defaults;
      o.rows = rows, o.bands = bands;
      PrintOutcome(o, Evaluate(docs, variants, same_site, o));
    }
  }
  for (double c : {0.5, 0.6, 0.75, 0.8}) {
    NearDupOptions o = defaults;
    o.min_containment = c;
    PrintOutcome(o, Evaluate(docs, variants, same_site, o));
  }

  // Cost per article of what the store computes at ingest (signature + keys). CPU time of this
  // process, so that other load on the machine does not count.
  std::vector<double> runs;
  size_t bytes = 0, keys = 0;
  for (const Doc& d : docs) bytes += d.text.size();
  for (int run = 0; run < 5; ++run) {
    std::clock_t start = std::clock();
    for (const Doc& d : docs) keys += NearDupIndexKeys(NearDupSignatureOf(d.text)).size();
    double seconds = static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
    runs.push_back(seconds * 1e6 / static_cast<double>(docs.size()));
  }
  std::printf(
      "\nsignature + keys (CPU time): median of 5 runs %.1f us per article, %.1f us per KB "
      "(mean text %zu bytes; %zu keys)\n",
      Percentile(runs, 0.5), Percentile(runs, 0.5) * 1024.0 * docs.size() / bytes,
      bytes / docs.size(), keys / 5);

  Outcome chosen = Evaluate(docs, variants, same_site, defaults);
  std::printf("\nCHOSEN (NearDupOptions defaults): ");
  PrintOutcome(defaults, chosen);
  for (const std::string& miss : chosen.misses) std::printf("%s\n", miss.c_str());
  int false_merges = chosen.false_variant + chosen.false_distinct + chosen.false_same_site;
  double recall = static_cast<double>(chosen.found) / chosen.total;
  std::printf(
      "near-duplicate recall %.3f, false merges %d: target (recall >= 0.95, 0 false merges) %s\n",
      recall, false_merges, recall >= 0.95 && false_merges == 0 ? "MET" : "NOT MET");
  return recall >= 0.95 && false_merges == 0 ? 0 : 1;
}

}  // namespace
}  // namespace newscrawl::bench

int main(int argc, char** argv) {
  std::filesystem::path dir =
      argc > 1 ? std::filesystem::path(argv[1])
               : std::filesystem::path(NC_SOURCE_DIR) / ".." / "shared" / "eval" / "scrapinghub";
  return newscrawl::bench::Run(dir);
}
