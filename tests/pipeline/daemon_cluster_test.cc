// Two in-process daemons sharing an in-memory fake cluster (no NATS): the pipeline side of
// pipeline/cluster_hooks.h. Hosts are split between the instances, discovered URLs reach their
// host's owner, claims keep every story stored once across both stores, every stored record is
// published once, a host handed over mid-crawl is fetched by one instance at a time, and broker
// trouble keeps URLs pending without losing anything.
#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "common/fingerprint.h"
#include "common/url.h"
#include "pipeline/cluster_host_key.h"
#include "pipeline/daemon.h"
#include "tests/pipeline/crawl_checks.h"
#include "tests/pipeline/news_web.h"

namespace newscrawl::pipeline {
namespace {

using namespace std::chrono_literals;
using testing::NewsWeb;

// The shared "broker": host ownership set by the test, routing straight into the owner's sink
// (every routed URL kept per host and replayed to a new owner), create-only claims, a published
// log keyed by id.version, and switchable failures.
class FakeBroker {
 public:
  void SetOwner(const std::string& host_key, int instance) {
    std::vector<FrontierEntry> replay;
    ClusterHooks::UrlSink sink;
    {
      std::lock_guard<std::mutex> lock(mu_);
      owner_[host_key] = instance;
      replay = routed_[host_key];
      auto it = sinks_.find(instance);
      if (it != sinks_.end()) sink = it->second;
    }
    if (sink)
      for (const auto& e : replay)
        if (!ClaimedByLiveInstance(e.url)) EXPECT_TRUE(sink(e, /*replayed=*/true).ok());
  }
  bool Owns(int instance, std::string_view host_key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = owner_.find(std::string(host_key));
    return it != owner_.end() && it->second == instance;
  }
  void Join(int instance, ClusterHooks::UrlSink sink) {
    std::lock_guard<std::mutex> lock(mu_);
    sinks_[instance] = std::move(sink);
  }
  void Leave(int instance) {
    std::lock_guard<std::mutex> lock(mu_);
    sinks_.erase(instance);
  }
  Status Route(const FrontierEntry& entry) {
    if (down_.load()) return Status::Unavailable("fake broker down");
    const std::string key = ClusterHostKey(entry.url);
    ClusterHooks::UrlSink sink;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++routes_;
      routed_[key].push_back(entry);
      auto owner = owner_.find(key);
      if (owner == owner_.end()) return Status::Ok();  // kept for whoever takes the host
      auto it = sinks_.find(owner->second);
      if (it == sinks_.end()) return Status::Ok();
      sink = it->second;
    }
    return sink(entry, /*replayed=*/false);
  }
  // Claims hold (id, instance): the same instance gets kStore again (crash retry); another one
  // gets kDuplicate while the holder lives, and takes a dead holder's claim over.
  Result<ClaimDecision> Claim(int instance, const Article& a) {
    if (down_.load()) return Status::Unavailable("fake broker down");
    std::lock_guard<std::mutex> lock(mu_);
    EXPECT_FALSE(a.id.empty());
    EXPECT_FALSE(a.content_hash.empty());
    EXPECT_EQ(a.id, ArticleIdFor(a.canonical_url));
    for (const auto& [key, reason] :
         {std::pair{"u:" + a.canonical_url, "url"}, std::pair{"c:" + a.content_hash, "content"}}) {
      auto it = claims_.find(key);
      if (it == claims_.end()) continue;
      const auto& [id, holder] = it->second;
      if (id != a.id || (holder != instance && sinks_.count(holder)))
        return ClaimDecision{ClaimVerdict::kDuplicate, id, reason};
    }
    claims_["u:" + a.canonical_url] = {a.id, instance};
    claims_["c:" + a.content_hash] = {a.id, instance};
    return ClaimDecision{};
  }
  Status Publish(int instance, const Article& record, store::EventKind event) {
    if (down_.load() || fail_publish_.load())
      return Status::Unavailable("fake broker: no publish ack");
    std::lock_guard<std::mutex> lock(mu_);
    const std::string msg_id = record.id + "." + std::to_string(record.version);
    if (published_.count(msg_id)) return Status::Ok();  // de-duplicated by msg id
    published_[msg_id] = {instance, event, record};
    return Status::Ok();
  }

  struct Message {
    int instance;
    store::EventKind event;
    Article record;
  };
  std::map<std::string, Message> Published() {
    std::lock_guard<std::mutex> lock(mu_);
    return published_;
  }
  size_t PublishedCount() {
    std::lock_guard<std::mutex> lock(mu_);
    return published_.size();
  }

  std::atomic<bool> down_{false};
  std::atomic<bool> fail_publish_{false};

 private:
  std::mutex mu_;
  std::map<std::string, int> owner_;
  std::map<int, ClusterHooks::UrlSink> sinks_;
  std::map<std::string, std::vector<FrontierEntry>> routed_;
  bool ClaimedByLiveInstance(const std::string& url) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = claims_.find("u:" + url);
    return it != claims_.end() && sinks_.count(it->second.second) > 0;
  }

  std::map<std::string, std::pair<std::string, int>> claims_;  // key -> (id, instance)
  std::map<std::string, Message> published_;
  uint64_t routes_ = 0;
};

// One instance's view of the broker.
class FakeCluster : public ClusterHooks {
 public:
  FakeCluster(FakeBroker* broker, int instance) : broker_(broker), instance_(instance) {}
  Status Start(UrlSink sink) override {
    broker_->Join(instance_, std::move(sink));
    return Status::Ok();
  }
  void Stop() override { broker_->Leave(instance_); }
  bool OwnsHost(std::string_view host) override { return broker_->Owns(instance_, host); }
  Status Route(const FrontierEntry& entry) override { return broker_->Route(entry); }
  Result<ClaimDecision> Claim(const Article& article, const TextFingerprints&) override {
    return broker_->Claim(instance_, article);
  }
  Status Publish(const Article& record, std::string_view record_json,
                 store::EventKind event) override {
    EXPECT_EQ(record_json, ArticleToJson(record));  // the record as stored
    return broker_->Publish(instance_, record, event);
  }

 private:
  FakeBroker* const broker_;
  const int instance_;
};

class DaemonClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("daemon_cluster_" +
            std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Instance `i` of the fake cluster: its own store, its own User-Agent (to tell instances apart
  // in the server's request log).
  DaemonOptions Options(const NewsWeb& web, int i) {
    auto config = LoadConfigString(
        web.ConfigYaml((dir_ / ("db" + std::to_string(i))).string(), "20ms", NewsWeb::FreeBind()),
        "test.yaml");
    EXPECT_TRUE(config.ok()) << config.status().ToString();
    DaemonOptions options;
    options.config = *config;
    options.config.identity.user_agent =
        "newscrawl-test/0.1 (instance " + std::to_string(i) + "; +http://127.0.0.1/)";
    for (auto& site : options.config.sites) {
      site.min_poll_interval = 300ms;
      site.max_poll_interval = 2s;
    }
    options.workers = 2;
    options.tick = 10ms;
    options.lease = 5s;
    options.metrics = &metrics_[i];
    options.cluster = std::make_shared<FakeCluster>(&broker_, i);
    options.cluster_settle = 300ms;
    options.cluster_park = 500ms;
    return options;
  }
  static int InstanceOf(const testing::TestRequest& r) {
    auto ua = r.headers.find("user-agent");
    if (ua == r.headers.end()) return -1;
    auto at = ua->second.find("(instance ");
    return at == std::string::npos ? -1 : ua->second[at + 10] - '0';
  }
  std::string HostKey(const NewsWeb& web, int site) { return ClusterHostKey(web.Base(site)); }

  // Every story has exactly one kNew event over all stores and exactly one published kNew
  // message; nothing is stored by two instances; the published records are the stored ones.
  void ExpectStoredAndPublishedOnce(const NewsWeb& web, const std::vector<Daemon*>& daemons) {
    std::map<std::string, int> new_events;  // canonical URL -> count over all stores
    std::map<std::string, std::string> stored_id;
    for (Daemon* d : daemons) {
      ASSERT_TRUE(d->store()
                      ->ForEachChange(0, 0,
                                      [&](const store::ChangeEvent& e, std::string_view json) {
                                        auto a = ArticleFromJson(json);
                                        EXPECT_TRUE(a.ok());
                                        if (e.kind == store::EventKind::kNew)
                                          ++new_events[a->canonical_url];
                                        stored_id[a->id] = a->canonical_url;
                                        return true;
                                      })
                      .ok());
      EXPECT_TRUE(d->store()->Verify().ok());
    }
    auto published = broker_.Published();
    std::map<std::string, int> published_new;
    for (const auto& [msg_id, m] : published) {
      EXPECT_EQ(m.event, store::EventKind::kNew) << msg_id;
      EXPECT_EQ(msg_id, m.record.id + ".1");
      EXPECT_TRUE(stored_id.count(m.record.id)) << "published but not stored: " << msg_id;
      ++published_new[m.record.canonical_url];
    }
    for (const auto& story : web.Stories()) {
      const std::string url = CanonicalizeUrl(story.url).value();
      const std::string copy =
          story.syndicated_copy.empty() ? "" : CanonicalizeUrl(story.syndicated_copy).value();
      const int stored = new_events[url] + (copy.empty() ? 0 : new_events[copy]);
      EXPECT_EQ(stored, 1) << story.url << " stored " << stored << " times over the cluster";
      const int sent = published_new[url] + (copy.empty() ? 0 : published_new[copy]);
      EXPECT_EQ(sent, 1) << story.url << " published " << sent << " times";
    }
    EXPECT_EQ(published.size(), web.Stories().size());
  }

  bool WaitForPublished(size_t want, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (broker_.PublishedCount() >= want) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::filesystem::path dir_;
  FakeBroker broker_;
  MetricsRegistry metrics_[2];
};

TEST(ClusterHostKeyTest, HostPlusNonDefaultPort) {
  EXPECT_EQ(ClusterHostKey("https://Example.COM/a?b"), "example.com");
  EXPECT_EQ(ClusterHostKey("http://example.com:80/a"), "example.com");
  EXPECT_EQ(ClusterHostKey("https://example.com:443/"), "example.com");
  EXPECT_EQ(ClusterHostKey("http://127.0.0.1:8081/x"), "127.0.0.1:8081");
  EXPECT_EQ(ClusterHostKey("https://example.com:80/"), "example.com:80");
  EXPECT_EQ(ClusterHostKey("not a url"), "");
}

TEST_F(DaemonClusterTest, HostsSplitUrlsRoutedStoriesStoredAndPublishedOnce) {
  NewsWeb web(/*per_site=*/30, /*syndicate_every=*/5);
  // alpha and gamma are instance 0's, beta is instance 1's.
  broker_.SetOwner(HostKey(web, 0), 0);
  broker_.SetOwner(HostKey(web, 1), 1);
  broker_.SetOwner(HostKey(web, 2), 0);
  auto a = Daemon::Start(Options(web, 0));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = Daemon::Start(Options(web, 1));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const size_t stories = web.Stories().size();
  ASSERT_TRUE(WaitForPublished(stories, 60s))
      << broker_.PublishedCount() << " of " << stories << "; " << (*a)->StatusLine() << " | "
      << (*b)->StatusLine();
  std::this_thread::sleep_for(1s);  // aliases and copies finish
  (*a)->Stop(5s);
  (*b)->Stop(5s);

  ExpectStoredAndPublishedOnce(web, {a->get(), b->get()});
  // Each host was fetched by its owner only.
  for (const auto& r : web.server().Requests())
    EXPECT_EQ(InstanceOf(r), r.host == 1 ? 1 : 0) << r.target << " on host " << r.host;
  EXPECT_TRUE(testing::NothingForbiddenRequested(web));
  // Instance 0 found beta's URLs nowhere (beta's home page is polled by 1), but routed its own;
  // syndicated copies on gamma lost their content claim to the alpha originals (or won it).
  const DaemonCounters ca = (*a)->counters(), cb = (*b)->counters();
  EXPECT_GT(ca.routed, 0u);
  EXPECT_GT(cb.routed, 0u);
  EXPECT_GT(ca.received + cb.received, stories);
  EXPECT_GT(ca.parked, 0u);  // beta's seeds, which instance 0 also knows
  EXPECT_GT(cb.parked, 0u);
  // 6 syndicated copies (30 / 5) on gamma, and their print aliases.
  EXPECT_GE(ca.cluster_duplicates, 6u);
  EXPECT_EQ(ca.deferred + cb.deferred, 0u);
  // Articles stay with their host's owner.
  (void)(*b)->frontier()->ForEach([&](const FrontierEntry& e) {
    if (e.kind == UrlKind::kArticle) EXPECT_EQ(ClusterHostKey(e.url), HostKey(web, 1)) << e.url;
    return true;
  });
  EXPECT_NE(
      metrics_[0].RenderPrometheus().find("newscrawl_dedup_hits_total{kind=\"cluster_content\"}"),
      std::string::npos);
  EXPECT_NE(metrics_[1].RenderPrometheus().find("newscrawl_cluster_urls_parked_total"),
            std::string::npos);
}

TEST_F(DaemonClusterTest, HandoverMidCrawlOneInstanceAtATimePerHost) {
  NewsWeb web(/*per_site=*/60, /*syndicate_every=*/0);
  for (int site = 0; site < NewsWeb::kSites; ++site) broker_.SetOwner(HostKey(web, site), 0);
  auto a = Daemon::Start(Options(web, 0));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  auto b = Daemon::Start(Options(web, 1));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE(WaitForPublished(40, 60s)) << (*a)->StatusLine();
  // beta moves to instance 1 (its routed URLs are replayed to it), mid-crawl.
  broker_.SetOwner(HostKey(web, 1), 1);
  const size_t stories = web.Stories().size();
  ASSERT_TRUE(WaitForPublished(stories, 60s))
      << broker_.PublishedCount() << " of " << stories << "; " << (*a)->StatusLine() << " | "
      << (*b)->StatusLine();
  std::this_thread::sleep_for(1s);
  (*a)->Stop(5s);
  (*b)->Stop(5s);
  ExpectStoredAndPublishedOnce(web, {a->get(), b->get()});

  // Per host, the request log in arrival order splits into runs of one instance each: one run
  // for alpha and gamma (instance 0 throughout), at most two for beta (0, then 1). Consecutive
  // requests of different instances are at least the politeness delay apart.
  for (int host = 0; host < NewsWeb::kSites; ++host) {
    auto requests = web.server().RequestsFor(host);
    std::sort(requests.begin(), requests.end(),
              [](const auto& x, const auto& y) { return x.received_at < y.received_at; });
    int runs = 0;
    for (size_t i = 0; i < requests.size(); ++i) {
      if (i > 0 && InstanceOf(requests[i]) == InstanceOf(requests[i - 1])) continue;
      ++runs;
      if (i > 0)
        EXPECT_GE(requests[i].received_at - requests[i - 1].received_at, 20ms)
            << "host " << host << ": handover without a gap";
    }
    EXPECT_EQ(runs, host == 1 ? 2 : 1) << "host " << host;
  }
  EXPECT_GT((*b)->counters().received, 0u);
}

TEST_F(DaemonClusterTest, BrokerTroubleAndRestartLoseNothing) {
  NewsWeb web(/*per_site=*/20, /*syndicate_every=*/0);
  for (int site = 0; site < NewsWeb::kSites; ++site) broker_.SetOwner(HostKey(web, site), 0);
  // 1. Publishing fails: articles are stored, nothing reaches the stream; then a stop (as if
  //    the instance had crashed between ingest and publish).
  broker_.fail_publish_ = true;
  uint64_t stored_first = 0;
  {
    auto a = Daemon::Start(Options(web, 0));
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (testing::CountNewEvents(*(*a)->store()) < 5 &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    (*a)->Stop(2s);
    stored_first = testing::CountNewEvents(*(*a)->store());
    ASSERT_GE(stored_first, 5u);
    EXPECT_GT((*a)->counters().deferred, 0u);
  }
  EXPECT_EQ(broker_.PublishedCount(), 0u);
  // 2. Restart with a working broker: the stored events are published first (from the change
  //    feed), then the crawl goes on; a broker outage midway only delays it.
  broker_.fail_publish_ = false;
  auto a = Daemon::Start(Options(web, 0));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_GE(broker_.PublishedCount(), stored_first);  // before Start returned
  ASSERT_TRUE(WaitForPublished(stored_first + 10, 30s)) << (*a)->StatusLine();
  broker_.down_ = true;
  std::this_thread::sleep_for(1500ms);
  broker_.down_ = false;
  const size_t stories = web.Stories().size();
  ASSERT_TRUE(WaitForPublished(stories, 60s))
      << broker_.PublishedCount() << " of " << stories << "; " << (*a)->StatusLine();
  std::this_thread::sleep_for(500ms);
  (*a)->Stop(5s);
  EXPECT_TRUE(testing::CrawlComplete(*(*a)->store(), web));
  ExpectStoredAndPublishedOnce(web, {a->get()});
  EXPECT_GT((*a)->counters().deferred, 0u);
  const std::string text = metrics_[0].RenderPrometheus();
  EXPECT_NE(text.find("newscrawl_cluster_deferred_total{step=\"publish\"}"), std::string::npos);
  EXPECT_TRUE(text.find("newscrawl_cluster_deferred_total{step=\"claim\"}") != std::string::npos ||
              text.find("newscrawl_cluster_deferred_total{step=\"route\"}") != std::string::npos)
      << text;
}

}  // namespace
}  // namespace newscrawl::pipeline
