// End to end: three real `newscrawl run` instances (each with its own store) crawl the loopback
// news web of the daemon tests through a real 3-node NATS JetStream cluster
// (scripts/nats-cluster.sh). Midway, one NATS node is SIGKILLed and restarted, then one
// instance is SIGKILLed (and stays dead); more stories are published after that. The crawl must
// complete on the survivors, and:
//   - ARTICLES (read with a consumer of the test's own) holds every story exactly once;
//   - every story is stored once over the three stores; the only allowed exception is a story the
//     killed instance stored and had not yet published when it died (then its new owner stores
//     it as well): at most one per worker thread of the killed instance;
//   - no host was fetched by two instances at the same time. Precisely, per host: the request
//     log in arrival order splits into maximal runs of requests by one instance (told apart by
//     User-Agent); each run is one ownership period. Two consecutive runs are at least the
//     politeness delay apart (minus a jitter tolerance), and a host has at most kMaxRuns runs
//     (joins, the kill and the broker restart move a host a few times; instances fetching one
//     host "at the same time" would interleave and give dozens of runs);
//   - nothing forbidden by robots.txt or the config was requested.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "cluster/nats_handles.h"
#include "common/url.h"
#include "store/store.h"
#include "tests/cluster/nats_test_cluster.h"
#include "tests/pipeline/crawl_checks.h"
#include "tests/pipeline/news_web.h"
#include "tests/support/child_process.h"

namespace newscrawl::testing {
namespace {

using namespace std::chrono_literals;
using cluster::JsCtxPtr;
using cluster::JsStreamInfoPtr;
using cluster::NatsConnectionPtr;
using cluster::NatsMsgPtr;
using cluster::NatsOptionsPtr;
using cluster::NatsSubscriptionPtr;

const std::string kBinary = std::string(NC_BINARY_DIR) + "/cli/newscrawl";
constexpr int kInstances = 3;
constexpr auto kMinDelay = 50ms;
constexpr auto kTolerance = 10ms;
constexpr int kMaxRuns = 8;

// The status code of GET `path` on 127.0.0.1:`port` (0 when nothing answers).
int HttpStatus(uint16_t port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  int code = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buf[64] = {};
      if (::recv(fd, buf, sizeof buf - 1, 0) > 12) code = std::atoi(buf + 9);  // "HTTP/1.1 200"
    }
  }
  ::close(fd);
  return code;
}

// A reader of the ARTICLES stream: its message count, and every message from the start.
class ArticlesReader {
 public:
  Status Connect(const std::vector<std::string>& urls) {
    natsOptions* opts = nullptr;
    if (natsOptions_Create(&opts) != NATS_OK) return Status::Internal("natsOptions_Create");
    NatsOptionsPtr options(opts);
    std::vector<const char*> servers;
    for (const auto& u : urls) servers.push_back(u.c_str());
    natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size()));
    natsOptions_SetMaxReconnect(opts, -1);
    natsOptions_SetReconnectWait(opts, 100);
    natsConnection* nc = nullptr;
    natsStatus s = natsConnection_Connect(&nc, opts);
    if (s != NATS_OK) return cluster::NatsError(s, "connect");
    conn_.reset(nc);
    jsCtx* js = nullptr;
    s = natsConnection_JetStream(&js, nc, nullptr);
    if (s != NATS_OK) return cluster::NatsError(s, "jetstream");
    js_.reset(js);
    return Status::Ok();
  }
  // Messages in ARTICLES now (0 while the stream does not exist or the broker is busy).
  uint64_t Count() {
    jsStreamInfo* info = nullptr;
    jsErrCode err = static_cast<jsErrCode>(0);
    if (js_GetStreamInfo(&info, js_.get(), "ARTICLES", nullptr, &err) != NATS_OK) return 0;
    JsStreamInfoPtr owned(info);
    return info->State.Msgs;
  }
  struct Message {
    std::string msg_id;
    Article record;
  };
  // Every message, read with an ordered consumer from the first one.
  Result<std::vector<Message>> ReadAll() {
    const uint64_t want = Count();
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = "ARTICLES";
    so.Ordered = true;
    so.Config.DeliverPolicy = js_DeliverAll;
    natsSubscription* sub = nullptr;
    jsErrCode err = static_cast<jsErrCode>(0);
    natsStatus s = js_SubscribeSync(&sub, js_.get(), "articles.>", nullptr, &so, &err);
    if (s != NATS_OK) return cluster::NatsError(s, "subscribe to ARTICLES");
    NatsSubscriptionPtr owned(sub);
    std::vector<Message> out;
    while (out.size() < want) {
      natsMsg* msg = nullptr;
      s = natsSubscription_NextMsg(&msg, sub, 5000);
      if (s != NATS_OK) return cluster::NatsError(s, "reading ARTICLES");
      NatsMsgPtr m(msg);
      const char* id = nullptr;
      natsMsgHeader_Get(msg, "Nats-Msg-Id", &id);
      auto record = ArticleFromJson(
          std::string_view(natsMsg_GetData(msg), static_cast<size_t>(natsMsg_GetDataLength(msg))));
      if (!record.ok()) return record.status();
      out.push_back({id ? id : "", std::move(record).value()});
    }
    return out;
  }

 private:
  NatsConnectionPtr conn_;
  JsCtxPtr js_;
};

class ClusterE2eTest : public ::testing::Test {
 protected:
  struct Instance {
    std::string name;
    std::filesystem::path dir;
    pid_t pid = -1;
    bool killed = false;
    uint16_t api_port = 0;
  };

  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(kBinary)) << "build the newscrawl target first";
    dir_ = std::filesystem::path(::testing::TempDir()) / "cluster_e2e";
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Status s = nats_.Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  void TearDown() override {
    for (auto& in : instances_)
      if (in.pid > 0 && !in.killed) WaitExit(in.pid, 0ms);
    nats_.Stop();
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  // Config of instance `i`: the news web's daemon config, its own store, API port and
  // User-Agent, and the cluster section.
  std::string Config(const NewsWeb& web, Instance& in) {
    const std::string bind = NewsWeb::FreeBind();
    in.api_port = static_cast<uint16_t>(std::stoi(bind.substr(bind.rfind(':') + 1)));
    std::string yaml = web.ConfigYaml((in.dir / "db").string(), "50ms", bind);
    const std::string ua = "newscrawl-test/0.1";
    yaml.replace(yaml.find(ua), ua.size(), ua + " (" + in.name + ")");
    yaml += "cluster:\n  enabled: true\n  instance_name: " + in.name + "\n  lease_ttl: 5s\n" +
            "  replicas: 3\n  nats_urls:\n";
    for (const auto& u : nats_.urls()) yaml += "    - \"" + u + "\"\n";
    return yaml;
  }

  void StartInstance(const NewsWeb& web, Instance& in) {
    std::filesystem::create_directories(in.dir);
    const std::string config = (in.dir / "newscrawl.yaml").string();
    std::ofstream(config) << Config(web, in);
    in.pid = SpawnLogged({kBinary, "run", "--config", config, "--min-poll", "300ms", "--max-poll",
                          "2s", "--lease", "5s", "--workers", "2", "--drain-timeout", "5s"},
                         (in.dir / "log.txt").string());
  }

  static std::string InstanceOf(const TestRequest& r) {
    auto ua = r.headers.find("user-agent");
    if (ua == r.headers.end()) return "?";
    auto open = ua->second.find(" (");
    auto close = ua->second.find(')', open);
    return open == std::string::npos ? "?" : ua->second.substr(open + 2, close - open - 2);
  }

  bool WaitForArticles(ArticlesReader& reader, uint64_t want, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (reader.Count() >= want) return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  std::string Logs() {
    std::string out;
    for (const auto& in : instances_) {
      std::string log = ReadFile((in.dir / "log.txt").string());
      if (log.size() > 3000) log = "..." + log.substr(log.size() - 3000);
      out += "--- " + in.name + (in.killed ? " (killed)" : "") + "\n" + log;
    }
    return out;
  }

  std::filesystem::path dir_;
  cluster::testing::NatsTestCluster nats_;
  std::vector<Instance> instances_;
};

TEST_F(ClusterE2eTest, ThreeInstancesSurviveAnInstanceAndABrokerNodeDying) {
  NewsWeb web(/*per_site=*/40, /*syndicate_every=*/8);
  for (int i = 0; i < kInstances; ++i)
    instances_.push_back({"i" + std::to_string(i + 1), dir_ / ("i" + std::to_string(i + 1))});
  for (auto& in : instances_) StartInstance(web, in);
  ArticlesReader reader;
  Status s = reader.Connect(nats_.urls());
  ASSERT_TRUE(s.ok()) << s.ToString();

  // 1. A quarter in: a NATS node dies and comes back.
  const uint64_t first = web.Stories().size();
  ASSERT_TRUE(WaitForArticles(reader, first / 4, 90s)) << reader.Count() << "\n" << Logs();
  ASSERT_TRUE(nats_.KillNode(1).ok());
  std::this_thread::sleep_for(2s);
  s = nats_.StartNode(1);
  ASSERT_TRUE(s.ok()) << s.ToString();

  // 2. Half-way: the instance that fetched most recently is SIGKILLed and stays dead.
  ASSERT_TRUE(WaitForArticles(reader, first / 2, 90s)) << reader.Count() << "\n" << Logs();
  std::map<std::string, int> recent;
  auto requests = web.server().Requests();
  for (size_t i = requests.size() > 30 ? requests.size() - 30 : 0; i < requests.size(); ++i)
    ++recent[InstanceOf(requests[i])];
  std::string victim = instances_[0].name;
  for (const auto& [name, n] : recent)
    if (name != "?" && n > recent[victim]) victim = name;
  for (auto& in : instances_) {
    if (in.name != victim) continue;
    ASSERT_EQ(::kill(in.pid, SIGKILL), 0);
    ::waitpid(in.pid, nullptr, 0);
    in.killed = true;
  }
  const auto killed_at = std::chrono::steady_clock::now();

  // 3. New stories after both failures; the survivors finish everything.
  web.Publish(4);
  const uint64_t stories = web.Stories().size();
  ASSERT_TRUE(WaitForArticles(reader, stories, 120s))
      << reader.Count() << " of " << stories << " published\n"
      << Logs();
  std::this_thread::sleep_for(1500ms);  // aliases and copies are looked at, nothing more is sent
  // Survivors are connected to NATS again after the node restart: ready (checked every second).
  for (auto& in : instances_) {
    if (in.killed) continue;
    EXPECT_EQ(HttpStatus(in.api_port, "/readyz"), 200) << in.name;
  }
  for (auto& in : instances_) {
    if (in.killed) continue;
    ASSERT_EQ(::kill(in.pid, SIGTERM), 0);
    EXPECT_EQ(WaitExit(in.pid, 30s), 0) << in.name << "\n" << Logs();
    in.pid = -1;
  }

  // ARTICLES: every story exactly once.
  auto messages = reader.ReadAll();
  ASSERT_TRUE(messages.ok()) << messages.status().ToString();
  std::map<std::string, int> sent;  // canonical URL -> messages
  std::set<std::string> msg_ids;
  for (const auto& m : *messages) {
    EXPECT_TRUE(msg_ids.insert(m.msg_id).second) << "msg id twice: " << m.msg_id;
    EXPECT_EQ(m.msg_id, m.record.id + "." + std::to_string(m.record.version));
    ++sent[m.record.canonical_url];
  }
  // Stores: kNew events per canonical URL over the three stores.
  std::map<std::string, int> stored;
  std::map<std::string, std::string> stored_by;
  for (const auto& in : instances_) {
    store::StoreOptions options;
    options.create_if_missing = false;
    auto st = store::Store::Open((in.dir / "db").string(), options);
    ASSERT_TRUE(st.ok()) << in.name << ": " << st.status().ToString();
    ASSERT_TRUE((*st)->Verify().ok()) << in.name;
    ASSERT_TRUE((*st)
                    ->ForEachChange(0, 0,
                                    [&](const store::ChangeEvent& e, std::string_view json) {
                                      auto a = ArticleFromJson(json);
                                      EXPECT_TRUE(a.ok());
                                      if (e.kind != store::EventKind::kNew) return true;
                                      ++stored[a->canonical_url];
                                      stored_by[a->canonical_url] += in.name + " ";
                                      return true;
                                    })
                    .ok());
  }
  int stored_twice = 0;
  for (const auto& story : web.Stories()) {
    const std::string url = CanonicalizeUrl(story.url).value();
    const std::string copy =
        story.syndicated_copy.empty() ? "" : CanonicalizeUrl(story.syndicated_copy).value();
    const int n_sent = sent[url] + (copy.empty() ? 0 : sent[copy]);
    EXPECT_EQ(n_sent, 1) << story.url << " published " << n_sent << " times";
    const int n_stored = stored[url] + (copy.empty() ? 0 : stored[copy]);
    EXPECT_GE(n_stored, 1) << story.url << " never stored";
    EXPECT_LE(n_stored, 2) << story.url << " stored by " << stored_by[url] << stored_by[copy];
    if (n_stored == 2) {
      ++stored_twice;
      EXPECT_NE((stored_by[url] + stored_by[copy]).find(victim), std::string::npos)
          << story.url << " stored twice, not by the killed " << victim;
    }
  }
  EXPECT_LE(stored_twice, 2) << "more than the killed instance's in-flight ingests\n" << Logs();
  EXPECT_EQ(messages->size(), stories);

  // One instance per host at a time.
  for (int host = 0; host < NewsWeb::kSites; ++host) {
    auto log = web.server().RequestsFor(host);
    std::sort(log.begin(), log.end(), [](const TestRequest& a, const TestRequest& b) {
      return a.received_at < b.received_at;
    });
    std::vector<std::string> runs;
    for (size_t i = 0; i < log.size(); ++i) {
      const std::string who = InstanceOf(log[i]);
      if (who == victim) {
        EXPECT_LT(log[i].received_at, killed_at) << "request after SIGKILL";
      }
      if (i > 0 && who == InstanceOf(log[i - 1])) continue;
      runs.push_back(who);
      if (i > 0) {
        EXPECT_GE(log[i].received_at - log[i - 1].received_at, kMinDelay - kTolerance)
            << "host " << host << ": " << InstanceOf(log[i - 1]) << " then " << who
            << " without the politeness gap";
      }
    }
    // Failover: the victim's last host is fetched by a survivor within lease_ttl (5 s) + a renew
    // round (1.7 s) + the settle time (1.4 s), plus slack for a loaded machine.
    for (size_t i = 1; i < log.size(); ++i) {
      if (InstanceOf(log[i - 1]) != victim || InstanceOf(log[i]) == victim) continue;
      if (log[i].received_at < killed_at) continue;
      const auto ms =
          std::chrono::duration_cast<std::chrono::milliseconds>(log[i].received_at - killed_at);
      std::printf("host %d: taken over %lld ms after the SIGKILL\n", host,
                  static_cast<long long>(ms.count()));
      EXPECT_LE(ms, 15s) << "host " << host;
    }
    std::string order;
    for (const auto& r : runs) order += r + " ";
    EXPECT_LE(runs.size(), static_cast<size_t>(kMaxRuns))
        << "host " << host << " fetched by interleaved instances: " << order;
    std::printf("host %d: %zu requests, owners in turn: %s\n", host, log.size(), order.c_str());
  }
  EXPECT_TRUE(NothingForbiddenRequested(web));
  std::printf("%zu stories, %zu messages, %d stored twice (killed: %s)\n", stories,
              messages->size(), stored_twice, victim.c_str());
}

}  // namespace
}  // namespace newscrawl::testing
