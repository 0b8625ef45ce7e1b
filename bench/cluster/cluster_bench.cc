// cluster_bench: the cost of the cluster path and multi-instance throughput, against a NATS
// JetStream cluster given by URL (bench/cluster/run.sh starts a 3-node one on loopback).
//
//   cluster_bench path URLS N               Claim + Publish of N distinct articles, one thread,
//                                           as the daemon's worker does them: prints microseconds
//                                           per article (median of the per-article times, and
//                                           the mean), claim and publish separately
//   cluster_bench e2e URLS INSTANCES PER_SITE DIR
//                                           INSTANCES in-process daemons (each its own store,
//                                           each a NatsCluster, INSTANCES=0: one daemon without
//                                           a cluster) crawl the loopback news web with
//                                           politeness off until every story is stored; prints
//                                           articles per second from start, and requests per
//                                           instance (WORKERS in the environment: worker
//                                           threads per daemon, default 2)
// URLS: comma-separated nats:// URLs. Every run uses fresh stream/bucket names (a prefix).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/spdlog.h>

#include "bench/cluster/timed_hooks.h"
#include "bench/support/news_web_daemon.h"
#include "cluster/js_requests.h"
#include "cluster/names.h"
#include "cluster/nats_cluster.h"
#include "common/fingerprint.h"
#include "pipeline/daemon.h"
#include "tests/pipeline/news_web.h"

namespace {

using namespace std::chrono_literals;
using newscrawl::Article;
using newscrawl::cluster::NatsCluster;
using newscrawl::cluster::NatsClusterOptions;
using newscrawl::pipeline::Daemon;
using newscrawl::pipeline::DaemonOptions;
using Clock = std::chrono::steady_clock;

std::vector<std::string> SplitUrls(const std::string& urls) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= urls.size()) {
    size_t comma = urls.find(',', start);
    out.push_back(urls.substr(start, comma == std::string::npos ? comma : comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

int g_workers = 2;  // WORKERS in the environment

std::string Prefix() { return "B" + std::to_string(::getpid()) + "_"; }

NatsClusterOptions ClusterOptions(const std::string& urls, const std::string& name,
                                  const std::string& prefix) {
  NatsClusterOptions o;
  o.urls = SplitUrls(urls);
  o.instance_name = name;
  o.name_prefix = prefix;
  o.replicas = static_cast<int>(o.urls.size() >= 3 ? 3 : 1);
  o.lease_ttl = 5000ms;
  o.url_max_bytes = int64_t{64} << 20;  // every run makes its own streams: reserve little
  return o;
}

// A news-like article of ~300 words, distinct per n.
Article MakeArticle(int n, std::mt19937& rng) {
  static const char* kWords[] = {"the",   "city",   "council", "voted", "on",    "new",
                                 "plan",  "for",    "roads",   "after", "weeks", "of",
                                 "talks", "market", "prices",  "rose",  "today", "river",
                                 "flood", "school", "budget",  "team",  "won",   "match"};
  Article a;
  a.url = "https://bench.example/news/" + std::to_string(n) + ".html";
  a.canonical_url = a.url;
  a.site = "bench";
  a.title = "Story " + std::to_string(n);
  for (int p = 0; p < 6; ++p) {
    for (int w = 0; w < 50; ++w) a.text += std::string(kWords[rng() % 24]) + " ";
    a.text += std::to_string(n * 10 + p) + "\n";
  }
  return a;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

int Path(const std::string& urls, int n) {
  NatsCluster cluster(ClusterOptions(urls, "bench", Prefix()));
  auto started = cluster.Start(
      [](const newscrawl::pipeline::FrontierEntry&, bool) { return newscrawl::Status::Ok(); });
  if (!started.ok()) {
    std::fprintf(stderr, "%s\n", started.ToString().c_str());
    return 1;
  }
  std::mt19937 rng(42);
  std::vector<Article> articles;
  std::vector<newscrawl::TextFingerprints> texts;  // as the daemon computes them before claiming
  for (int i = 0; i < n; ++i) {
    articles.push_back(MakeArticle(i, rng));
    newscrawl::FillFingerprints(&articles.back());
    texts.push_back(newscrawl::FingerprintText(articles.back().text));
  }
  std::vector<double> claim_us, publish_us, total_us;
  int stored = 0;
  const auto loop_start = Clock::now();
  for (int i = 0; i < n; ++i) {
    Article& a = articles[i];
    auto t0 = Clock::now();
    auto decision = cluster.Claim(a, texts[i]);
    auto t1 = Clock::now();
    if (!decision.ok()) {
      std::fprintf(stderr, "claim: %s\n", decision.status().ToString().c_str());
      return 1;
    }
    if (decision->verdict != newscrawl::pipeline::ClaimVerdict::kStore) continue;
    ++stored;
    a.version = 1;
    a.seq = static_cast<uint64_t>(i + 1);
    newscrawl::Status s =
        cluster.Publish(a, newscrawl::ArticleToJson(a), newscrawl::store::EventKind::kNew);
    auto t2 = Clock::now();
    if (!s.ok()) {
      std::fprintf(stderr, "publish: %s\n", s.ToString().c_str());
      return 1;
    }
    claim_us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    publish_us.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
    total_us.push_back(std::chrono::duration<double, std::micro>(t2 - t0).count());
  }
  // Publish may return before the broker confirmed: the run ends when every PubAck is in.
  newscrawl::Status flushed = cluster.Flush();
  const double overall_us =
      std::chrono::duration<double, std::micro>(Clock::now() - loop_start).count() / n;
  if (!flushed.ok()) {
    std::fprintf(stderr, "flush: %s\n", flushed.ToString().c_str());
    return 1;
  }
  double sum = 0;
  for (double t : total_us) sum += t;
  std::printf(
      "cluster path: %d articles stored of %d: claim %.0f us + publish %.0f us = %.0f us per "
      "article (median; mean %.0f us); all confirmed: %.0f us per article overall\n",
      stored, n, Median(claim_us), Median(publish_us), Median(total_us),
      total_us.empty() ? 0.0 : sum / total_us.size(), overall_us);
  // The near-duplicate index this instance built (every article of the run is in it).
  const std::string metrics = newscrawl::MetricsRegistry::Default().RenderPrometheus();
  auto gauge = [&](const std::string& name) {
    const size_t at = metrics.find("\n" + name + " ");
    return at == std::string::npos ? 0.0 : std::atof(metrics.c_str() + at + name.size() + 2);
  };
  const double entries = gauge("newscrawl_cluster_claim_index_entries");
  if (entries > 0)
    std::printf("near-duplicate index: %.0f entries, %.0f bytes each (~300 words per article)\n",
                entries, gauge("newscrawl_cluster_claim_index_bytes") / entries);
  cluster.Stop();
  return stored == n ? 0 : 1;
}

// Round trips on the cluster's own connection type: what one request costs on loopback, what
// many KV puts (a claim before the claim log: 19) or claim log publishes sent together cost, and
// what a claim sends now (two KV creates and one log publish).
int RoundTrips(const std::string& urls, int n) {
  using namespace newscrawl::cluster;
  const std::string prefix = Prefix();
  NatsCluster cluster(ClusterOptions(urls, "rtt", prefix));  // makes the buckets
  if (auto s = cluster.Start([](const auto&, bool) { return newscrawl::Status::Ok(); }); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  const std::string bucket = NamesFor(prefix).claims_bucket;
  int key = 0;
  for (bool send_asap : {false, true}) {
    NatsConnectOptions co;
    co.urls = SplitUrls(urls);
    co.send_asap = send_asap;  // what the cluster uses; without it nats.c's flusher waits 1 ms
    auto conn = ConnectJetStream(co);
    if (!conn.ok()) return 1;
    auto requests = std::move(AsyncRequests::Start(conn->conn.get())).value();
    std::printf("round trips %s SendAsap:\n", send_asap ? "with" : "without");
    auto time_batch = [&](const char* what, int batch, auto make) {
      std::vector<double> us;
      for (int i = 0; i < n; ++i) {
        std::vector<AsyncRequests::Ticket> tickets;
        auto t0 = Clock::now();
        for (int b = 0; b < batch; ++b) tickets.push_back(requests->Send(make()));
        requests->Wait(tickets, Clock::now() + 5s);
        us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
      }
      std::printf("  %s x %d: %.0f us (median of %d)\n", what, batch, Median(us), n);
    };
    auto fresh_put = [&] {
      return KvPutRequest(bucket, "x." + std::to_string(++key), "v", uint64_t{0});
    };
    auto get = [&] { return KvGetRequest(bucket, "x.1"); };
    newscrawl::cluster::JsRequest info;
    info.subject = "$JS.API.INFO";
    time_batch("JetStream API info (no replication)", 1, [&] { return info; });
    time_batch("KV get (stream leader)", 1, get);
    time_batch("KV create-only put (R3)", 1, fresh_put);
    time_batch("KV create-only put (R3)", 19, fresh_put);
    time_batch("KV get (stream leader)", 19, get);
    // The claim log: a plain stream publish (no per-subject expectation) against a KV put.
    const ClusterNames names = NamesFor(prefix);
    auto log_publish = [&] {
      JsRequest r;
      r.subject = names.claimlog_subject;
      r.body = std::string(1200, 's');  // a signature of ~300 words
      return r;
    };
    time_batch("claim log publish (R3 stream)", 1, log_publish);
    time_batch("claim log publish (R3 stream)", 19, log_publish);
    // What one claim of a new article sends now: u. and c. creates and its log message.
    int part = 0;
    time_batch("claim: 2 KV create-only puts + 1 log publish", 3,
               [&] { return ++part % 3 == 0 ? log_publish() : fresh_put(); });
    requests.reset();
  }
  cluster.Stop();
  return 0;
}

DaemonOptions Options(const newscrawl::testing::NewsWeb& web, const std::string& db,
                      const std::string& name) {
  DaemonOptions options = newscrawl::bench::NewsWebDaemonOptions(web, db, 8, name);
  options.workers = g_workers;
  options.cluster_settle = 200ms;
  options.cluster_park = 500ms;
  return options;
}

uint64_t NewEvents(const newscrawl::store::Store& store) {
  uint64_t n = 0;
  (void)store.ForEachChange(0, 0, [&](const newscrawl::store::ChangeEvent& e, std::string_view) {
    if (e.kind == newscrawl::store::EventKind::kNew) ++n;
    return true;
  });
  return n;
}

int EndToEnd(const std::string& urls, int instances, int per_site, const std::string& dir) {
  std::filesystem::remove_all(dir);
  newscrawl::testing::NewsWeb web(per_site, /*syndicate_every=*/0, /*server_threads=*/2);
  const uint64_t want = web.Stories().size();
  const std::string prefix = Prefix();
  newscrawl::MetricsRegistry metrics;  // keeps the process default registry out of it
  auto start = Clock::now();
  std::vector<std::unique_ptr<Daemon>> daemons;
  std::vector<std::shared_ptr<newscrawl::bench::TimedHooks>> timed;
  const int n = std::max(instances, 1);
  for (int i = 0; i < n; ++i) {
    const std::string name = "i" + std::to_string(i + 1);
    DaemonOptions options = Options(web, dir + "/" + name, name);
    options.metrics = &metrics;
    if (instances > 0) {
      NatsClusterOptions co = ClusterOptions(urls, name, prefix);
      co.metrics = &metrics;
      timed.push_back(
          std::make_shared<newscrawl::bench::TimedHooks>(std::make_shared<NatsCluster>(co)));
      options.cluster = timed.back();
    }
    auto daemon = Daemon::Start(std::move(options));
    if (!daemon.ok()) {
      std::fprintf(stderr, "%s\n", daemon.status().ToString().c_str());
      return 1;
    }
    daemons.push_back(std::move(daemon).value());
  }
  // Start-up (joining the cluster: streams, buckets, the first lease round) is outside the timed
  // window, for the daemon without a cluster too: what is compared is the crawl.
  const double startup = std::chrono::duration<double>(Clock::now() - start).count();
  start = Clock::now();
  // Instances started first may have stored some already: the rate counts what the window saw.
  uint64_t stored_before = 0;
  for (auto& d : daemons) stored_before += NewEvents(*d->store());
  uint64_t stored = 0;
  while (Clock::now() - start < 300s) {
    stored = 0;
    for (auto& d : daemons) stored += NewEvents(*d->store());
    if (stored >= want) break;
    std::this_thread::sleep_for(20ms);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& d : daemons) d->Stop(1s);
  std::map<std::string, int> requests;
  for (const auto& r : web.server().Requests()) {
    auto ua = r.headers.find("user-agent");
    std::string who = ua == r.headers.end() ? "?" : ua->second;
    auto open = who.find(" (");
    ++requests[open == std::string::npos ? who : who.substr(open + 2, who.find(')') - open - 2)];
  }
  std::string split;
  for (const auto& [who, k] : requests) split += " " + who + "=" + std::to_string(k);
  std::printf(
      "e2e %s: %llu articles in %.2f s = %.0f articles/s (after a start-up of %.2f s, "
      "not timed); requests:%s\n",
      instances == 0 ? "single (no cluster)"
                     : (std::to_string(instances) + " instance(s) in a cluster").c_str(),
      static_cast<unsigned long long>(stored - stored_before), seconds,
      (stored - stored_before) / seconds, startup, split.c_str());
  // Where each instance's time in the cluster went (summed over its threads).
  for (auto& t : timed) std::printf("  cluster calls: %s\n", t->Summary().c_str());
  return stored >= want ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  if (const char* w = std::getenv("WORKERS")) g_workers = std::max(1, std::atoi(w));
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "path" && argc == 4) return Path(argv[2], std::atoi(argv[3]));
  if (mode == "rtt" && argc == 4) return RoundTrips(argv[2], std::atoi(argv[3]));
  if (mode == "e2e" && argc == 6)
    return EndToEnd(argv[2], std::atoi(argv[3]), std::atoi(argv[4]), argv[5]);
  std::fprintf(stderr, "usage: cluster_bench path URLS N | e2e URLS INSTANCES PER_SITE DIR\n");
  return 2;
}
