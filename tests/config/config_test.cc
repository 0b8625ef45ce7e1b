// Config loading: defaults, every section, FILE:LINE:COLUMN errors, typo suggestions, the example.
#include "config/config.h"

#include <cstdlib>
#include <sstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace newscrawl {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

const char kMinimal[] =
    "sites:\n"
    "  - name: example\n"
    "    seeds:\n"
    "      - feed: https://example.org/rss\n";

Config LoadOk(const std::string& yaml) {
  Result<Config> config = LoadConfigString(yaml, "test.yaml");
  EXPECT_TRUE(config.ok()) << config.status().message();
  return config.ok() ? std::move(config).value() : Config();
}

// The error text for `yaml`, which must fail.
std::string LoadError(const std::string& yaml) {
  Result<Config> config = LoadConfigString(yaml, "test.yaml");
  EXPECT_FALSE(config.ok()) << "loaded:\n" << yaml;
  if (config.ok()) return "";
  EXPECT_EQ(config.status().code(), StatusCode::kInvalidArgument);
  return config.status().message();
}

TEST(ConfigTest, DefaultsFromTheIssue) {
  Config config = LoadOk(kMinimal);
  EXPECT_EQ(config.http_api.bind, "127.0.0.1:8080");
  EXPECT_EQ(config.http_api.bearer_token, "");
  EXPECT_EQ(config.politeness.per_host_connections, 1u);
  EXPECT_EQ(config.politeness.min_delay, seconds(1));
  EXPECT_EQ(config.politeness.crawl_delay_cap, seconds(30));
  EXPECT_EQ(config.politeness.robots_cache_ttl, hours(24));
  EXPECT_EQ(config.limits.max_body_size, 10u * 1024 * 1024);
  EXPECT_FALSE(config.allow_private_addresses);
  EXPECT_FALSE(config.cluster.enabled);
  EXPECT_EQ(config.log_level, "info");
  EXPECT_EQ(config.identity.RobotsToken(), "newscrawl");
  ASSERT_EQ(config.sites.size(), 1u);
  EXPECT_EQ(config.sites[0].seeds[0].type, SeedType::kFeed);
  EXPECT_EQ(config.sites[0].min_poll_interval, minutes(2));
  EXPECT_EQ(config.Summary(), "1 site, 1 seed, storage /var/lib/newscrawl, API 127.0.0.1:8080");
}

TEST(ConfigTest, EverySection) {
  Config config = LoadOk(R"yaml(
storage_path: /data/nc
log_level: debug
allow_private_addresses: true
http_api: {bind: "[::1]:9090", bearer_token: "0123456789abcdef0123"}
identity: {user_agent: "bot/1 (+mailto:ops@example.org)", robots_token: mybot, proxy: "http://p:3128"}
politeness: {per_host_connections: 2, min_delay: 1500ms, crawl_delay_cap: 1m, robots_cache_ttl: 12h}
limits: {max_body_size: 2MiB, max_decoded_size: 5MB, connect_timeout: 5s, total_timeout: 1m30s}
cluster: {enabled: true, nats_urls: ["nats://a:4222"], instance_name: one}
sites:
  - name: news-1
    seeds: [{feed: "https://a.example/rss"}, {sitemap: "https://a.example/s.xml"},
            {section: "https://a.example/world/"}, {home: "https://a.example/"}]
    use_robots_sitemaps: false
    allow: ["https://a.example/*"]
    deny: ['regex:/(video|tag)/']
    article_pattern: 'regex:-\d+\.html$'
    boilerplate_phrases: ["Tin liên quan"]
    min_poll_interval: 30s
    max_poll_interval: 2h
    recheck_window: 1d
    stale_after: 12h
    max_new_urls_per_poll: 50
    min_delay: 5s
)yaml");
  EXPECT_EQ(config.storage_path, "/data/nc");
  EXPECT_EQ(config.log_level, "debug");
  EXPECT_TRUE(config.allow_private_addresses);
  EXPECT_EQ(config.http_api.bind, "[::1]:9090");
  EXPECT_EQ(config.identity.RobotsToken(), "mybot");
  EXPECT_EQ(config.identity.proxy, "http://p:3128");
  EXPECT_EQ(config.politeness.per_host_connections, 2u);
  EXPECT_EQ(config.politeness.min_delay, milliseconds(1500));
  EXPECT_EQ(config.politeness.crawl_delay_cap, minutes(1));
  EXPECT_EQ(config.limits.max_body_size, 2u * 1024 * 1024);
  EXPECT_EQ(config.limits.max_decoded_size, 5'000'000u);
  EXPECT_EQ(config.limits.total_timeout, seconds(90));
  EXPECT_TRUE(config.cluster.enabled);
  ASSERT_EQ(config.sites.size(), 1u);
  const SiteConfig& site = config.sites[0];
  ASSERT_EQ(site.seeds.size(), 4u);
  EXPECT_EQ(site.seeds[1].type, SeedType::kSitemap);
  EXPECT_EQ(site.seeds[2].type, SeedType::kSection);
  EXPECT_EQ(site.seeds[3].type, SeedType::kHome);
  EXPECT_FALSE(site.use_robots_sitemaps);
  ASSERT_EQ(site.allow.size(), 1u);
  EXPECT_TRUE(site.allow[0].Matches("https://a.example/x/y.html"));
  EXPECT_FALSE(site.allow[0].Matches("https://b.example/x"));
  ASSERT_EQ(site.deny.size(), 1u);
  EXPECT_TRUE(site.deny[0].Matches("https://a.example/video/1"));
  ASSERT_TRUE(site.article_pattern.has_value());
  EXPECT_TRUE(site.article_pattern->Matches("https://a.example/story-123.html"));
  EXPECT_FALSE(site.article_pattern->Matches("https://a.example/world/"));
  EXPECT_EQ(site.recheck_window, hours(24));
  EXPECT_EQ(site.max_new_urls_per_poll, 50u);
  EXPECT_EQ(site.min_delay, seconds(5));
  EXPECT_EQ(config.Summary(),
            "1 site, 4 seeds, storage /data/nc, API [::1]:9090, cluster instance one");
}

struct ErrorCase {
  const char* yaml;
  const char* error;  // the exact FILE:LINE:COLUMN prefix and message (substring)
};

const ErrorCase kErrors[] = {
    {"", "test.yaml:1:1: the config file is empty"},
    {"sites: [", "test.yaml:1:1: end of sequence flow not found"},  // yaml-cpp's mark
    {"storage_pth: /x\n",
     "test.yaml:1:1: unknown key 'storage_pth' in config (did you mean "
     "'storage_path'?)"},
    {"politeness:\n  min_dealy: 1s\n",
     "test.yaml:2:3: unknown key 'min_dealy' in politeness "
     "(did you mean 'min_delay'?)"},
    {"zzz: 1\n", "unknown key 'zzz' in config (known keys: storage_path"},
    {"log_level: info\nlog_level: debug\n", "test.yaml:2:1: duplicate key 'log_level'"},
    {"log_level: loud\n", "test.yaml:1:12: log_level must be one of"},
    {"politeness:\n  min_delay: 30\n",
     "test.yaml:2:14: min_delay: bad duration '30': missing unit"},
    {"politeness:\n  min_delay: 3 parsecs\n", "unknown unit 'parsecs'"},
    {"politeness:\n  per_host_connections: 0\n",
     "test.yaml:2:25: per_host_connections must be a whole number from 1 to 16, got '0'"},
    {"limits:\n  max_body_size: 10 MiBs\n", "test.yaml:2:18: max_body_size: bad size '10 MiBs'"},
    {"limits:\n  max_body_size: 2GiB\n", "max_body_size must be between"},
    {"limits: {connect_timeout: 30s, total_timeout: 10s}\n",
     "total_timeout must not be below connect_timeout"},
    {"http_api:\n  bind: localhost\n",
     "test.yaml:2:9: bind needs a host and a port, got 'localhost'"},
    {"http_api: {bind: '127.0.0.1:99999'}\n",
     "bind port must be a number from 1 to 65535, got '99999'"},
    {"http_api:\n  bind: api.example.com:8080\n",
     "test.yaml:2:9: bind host 'api.example.com' must be an IPv4 address, [IPv6 address] or "
     "localhost (host names are not resolved)"},
    {"http_api: {bind: '[nope]:8080'}\n", "bind host 'nope' is not an IPv6 address"},
    {"http_api: {bind: '::1:8080'}\n", "bind host '::1' must be an IPv4 address"},
    {"http_api: {bind: '300.1.1.1:8080'}\n", "bind host '300.1.1.1' must be an IPv4 address"},
    {"http_api: {bearer_token: short}\n", "bearer_token is too short"},
    {"identity:\n  user_agent: newscrawl\n",
     "test.yaml:2:15: user_agent must contain a contact URL"},
    {"allow_private_addresses: maybe\n", "allow_private_addresses must be true or false"},
    {"http_api: [1, 2]\n", "test.yaml:1:11: http_api must be a map"},
    {"sites: {name: x}\n", "sites must be a list"},
    {"sites:\n  - seeds: [{feed: 'https://a.example/'}]\n", "test.yaml:2:5: a site needs a name"},
    {"sites:\n  - name: Big Site\n    seeds: [{feed: 'https://a.example/'}]\n",
     "test.yaml:2:11: a site needs a name"},
    {"sites:\n  - name: a\n    seeds: [{feed: 'https://a.example/'}]\n"
     "  - name: a\n    seeds: [{feed: 'https://b.example/'}]\n",
     "test.yaml:4:11: duplicate site name 'a'"},
    {"sites:\n  - name: a\n", "test.yaml:2:5: site 'a' has no seeds"},
    {"sites:\n  - name: a\n    seeds: []\n", "test.yaml:3:12: seeds must be a non-empty list"},
    {"sites:\n  - name: a\n    seeds:\n      - rss: https://a.example/\n",
     "test.yaml:4:9: unknown key 'rss' in seed"},
    {"sites:\n  - name: a\n    seeds:\n      - feed: /relative.rss\n",
     "test.yaml:4:15: a feed seed needs an absolute http(s) URL"},
    {"sites:\n  - name: a\n    seeds:\n      - feed: ftp://a.example/x\n", "absolute http(s) URL"},
    {"sites:\n  - name: a\n    seeds:\n      - {feed: 'https://a.example/', home: "
     "'https://a.example/'}\n",
     "a seed has exactly one key"},
    {"sites:\n  - name: a\n    seeds: [{feed: 'https://a.example/'}]\n    deny: ['regex:(']\n",
     "test.yaml:4:12: invalid regular expression '('"},
    {"sites:\n  - name: a\n    seeds: [{feed: 'https://a.example/'}]\n    article_pattern: ''\n",
     "empty URL pattern"},
    {"sites:\n  - name: a\n    seeds: [{feed: 'https://a.example/'}]\n"
     "    min_poll_interval: 1h\n    max_poll_interval: 5m\n",
     "test.yaml:5:24: max_poll_interval must not be below min_poll_interval"},
    {"sites:\n  - name: a\n    seeds: [{feed: 'https://a.example/'}]\n    min_poll_interval: 1s\n",
     "min_poll_interval must be at least 10000 ms"},
    {"politeness: {min_delay: 2s}\nsites:\n  - name: a\n    seeds: [{feed: 'https://a.example/'}]\n"
     "    min_delay: 1s\n",
     "test.yaml:5:16: a site's min_delay can only be longer than politeness.min_delay"},
    {"sites:\n  - name: a\n    seeds: [{feed: 'https://a.example/'}]\n    polling: 5m\n",
     "test.yaml:4:5: unknown key 'polling' in site"},
    {"cluster: {enabled: true}\n", "cluster.enabled needs at least one of nats_urls"},
    {"cluster: {enabled: true, nats_urls: ['nats://a:4222']}\n", "needs an instance_name"},
    {"cluster: {nats_urls: ['http://a:4222']}\n", "must start with nats:// or tls://"},
    {"cluster: {shards: 0}\n", "test.yaml:1:19: shards"},
    {"cluster: {lease_ttl: 1s}\n", "lease_ttl must be at least 2000 ms"},
    {"cluster: {replicas: 7}\n", "test.yaml:1:21: replicas"},
    {"cluster: {instance_name: 'a b'}\n", "instance_name may only hold letters, digits"},
    {"warc: {dir: ''}\n", "test.yaml:1:13: warc.dir must not be empty"},
    {"warc: {dir: /w, max_file_size: 1KiB}\n",
     "test.yaml:1:32: max_file_size must be between 1048576 and"},
    {"warc: {dir: /w, max_file_size: lots}\n", "test.yaml:1:32: max_file_size: "},
    {"warc:\n  dir: /w\n  kinds: [articles, pages]\n",
     "test.yaml:3:21: unknown warc kind 'pages' (expected articles, feeds, sitemaps, sections or "
     "robots)"},
    {"warc: {dir: /w, kinds: []}\n", "test.yaml:1:24: warc.kinds needs at least one kind"},
    {"warc: {dir: /w, kind: [feeds]}\n",
     "test.yaml:1:17: unknown key 'kind' in warc (did you mean 'kinds'?)"},
};

TEST(ConfigTest, WarcIsOffByDefaultAndKeepsArticlesWhenOn) {
  Config defaults = LoadOk(kMinimal);
  EXPECT_EQ(defaults.warc.dir, "");
  EXPECT_EQ(defaults.warc.max_file_size, 1ull << 30);
  EXPECT_EQ(defaults.warc.kinds, std::vector<std::string>{"articles"});
  EXPECT_TRUE(defaults.warc.compress);

  Config on = LoadOk(std::string(kMinimal) + "warc: {dir: /data/warc}\n");
  EXPECT_EQ(on.warc.dir, "/data/warc");
  EXPECT_EQ(on.warc.kinds, std::vector<std::string>{"articles"});
  EXPECT_EQ(on.Summary(),
            "1 site, 1 seed, storage /var/lib/newscrawl, API 127.0.0.1:8080, WARC to /data/warc");

  Config all = LoadOk(std::string(kMinimal) +
                      "warc:\n  dir: /w\n  max_file_size: 100MiB\n"
                      "  kinds: [articles, feeds, sitemaps, sections, robots]\n"
                      "  compress: false\n");
  EXPECT_EQ(all.warc.max_file_size, 100ull << 20);
  EXPECT_FALSE(all.warc.compress);
  EXPECT_EQ(all.warc.kinds,
            (std::vector<std::string>{"articles", "feeds", "sitemaps", "sections", "robots"}));
}

TEST(ConfigTest, ClusterShardsLeaseAndReplicas) {
  auto loaded = LoadConfigString(
      "cluster: {enabled: true, nats_urls: ['nats://a:4222'], instance_name: n-1, shards: 32, "
      "lease_ttl: 6s, replicas: 1, near_dup_window: 3d, claim_index_wait: 4s}\n",
      "test.yaml");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->cluster.shards, 32u);
  EXPECT_EQ(loaded->cluster.lease_ttl, seconds(6));
  EXPECT_EQ(loaded->cluster.replicas, 1u);
  EXPECT_EQ(loaded->cluster.near_dup_window, std::chrono::hours(72));
  EXPECT_EQ(loaded->cluster.claim_index_wait, seconds(4));
  Config defaults;
  EXPECT_EQ(defaults.cluster.shards, 64u);
  EXPECT_EQ(defaults.cluster.lease_ttl, seconds(10));
  EXPECT_EQ(defaults.cluster.replicas, 3u);
  EXPECT_EQ(defaults.cluster.near_dup_window, std::chrono::hours(24 * 14));
  EXPECT_EQ(defaults.cluster.claim_index_wait, seconds(10));
  // Below the minimum: an error naming the key.
  auto short_window = LoadConfigString(
      "cluster: {enabled: true, nats_urls: ['nats://a:4222'], instance_name: n-1, "
      "near_dup_window: 10m}\n",
      "test.yaml");
  ASSERT_FALSE(short_window.ok());
  EXPECT_NE(short_window.status().message().find("near_dup_window"), std::string::npos)
      << short_window.status().message();
}

TEST(ConfigTest, ErrorsCarryFileLineColumn) {
  for (const ErrorCase& c : kErrors) {
    EXPECT_THAT(LoadError(c.yaml), HasSubstr(c.error)) << "yaml:\n" << c.yaml;
  }
}

TEST(ConfigTest, EveryErrorReportedNotOnlyTheFirst) {
  std::string errors =
      LoadError("log_level: loud\npoliteness:\n  min_dealy: 1s\n  max_retries: x\n");
  EXPECT_THAT(errors, HasSubstr("test.yaml:1:12: log_level"));
  EXPECT_THAT(errors, HasSubstr("test.yaml:3:3: unknown key 'min_dealy'"));
  EXPECT_THAT(errors, HasSubstr("test.yaml:4:16: max_retries"));
  EXPECT_EQ(std::count(errors.begin(), errors.end(), '\n'), 2);
}

TEST(ConfigTest, ErrorsAreSortedByLine) {
  // Sections are read in a fixed order (log_level before politeness, sites last), not the file's:
  // the errors come out in the file's order all the same.
  std::string errors = LoadError(
      "sites:\n  - name: a\n    bogus_site_key: 1\npoliteness:\n  max_retries: x\n  min_dealy: 1s\n"
      "log_level: loud\n");
  std::vector<int> lines;
  std::istringstream in(errors);
  for (std::string line; std::getline(in, line);) {
    ASSERT_EQ(line.rfind("test.yaml:", 0), 0u) << line;
    lines.push_back(std::stoi(line.substr(10)));
  }
  ASSERT_GE(lines.size(), 4u) << errors;
  EXPECT_TRUE(std::is_sorted(lines.begin(), lines.end())) << errors;
  EXPECT_THAT(errors, HasSubstr("test.yaml:7:12: log_level"));
}

TEST(ConfigTest, Durations) {
  struct Case {
    const char* text;
    int64_t ms;  // -1 = error
  };
  const Case kCases[] = {{"250ms", 250},    {"30s", 30000},     {"5m", 300000}, {"24h", 86400000},
                         {"7d", 604800000}, {"1h30m", 5400000}, {"1.5s", 1500}, {" 2s ", 2000},
                         {"", -1},          {"30", -1},         {"s", -1},      {"5 minutes", -1},
                         {"-1s", -1},       {"1.s", -1}};
  for (const Case& c : kCases) {
    Result<ConfigDuration> d = ParseDuration(c.text);
    if (c.ms < 0) {
      EXPECT_FALSE(d.ok()) << c.text;
    } else {
      ASSERT_TRUE(d.ok()) << c.text << ": " << d.status().message();
      EXPECT_EQ(d->count(), c.ms) << c.text;
    }
  }
}

TEST(ConfigTest, Sizes) {
  struct Case {
    const char* text;
    int64_t bytes;  // -1 = error
  };
  const Case kCases[] = {{"10MiB", 10 << 20}, {"512KiB", 512 << 10},
                         {"1GiB", 1 << 30},   {"64kB", 64000},
                         {"3 MB", 3000000},   {"1048576", 1048576},
                         {"0.5MiB", 1 << 19}, {"10mb", -1},
                         {"MiB", -1},         {"", -1},
                         {"1.5", -1}};
  for (const Case& c : kCases) {
    Result<uint64_t> s = ParseSize(c.text);
    if (c.bytes < 0) {
      EXPECT_FALSE(s.ok()) << c.text;
    } else {
      ASSERT_TRUE(s.ok()) << c.text << ": " << s.status().message();
      EXPECT_EQ(*s, static_cast<uint64_t>(c.bytes)) << c.text;
    }
  }
}

TEST(ConfigTest, GlobPatterns) {
  Result<UrlPattern> p = CompileUrlPattern("https://a.example/*/amp?.html");
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->is_regex);
  EXPECT_TRUE(p->Matches("https://a.example/x/y/amp1.html"));
  EXPECT_FALSE(p->Matches("https://a.example/x/amp.html"));    // '?' is exactly one char
  EXPECT_FALSE(p->Matches("https://a-example/x/amp1.html"));   // '.' is literal
  EXPECT_FALSE(p->Matches("xhttps://a.example/x/amp1.html"));  // anchored
  EXPECT_FALSE(UrlPattern().Matches("anything"));
}

TEST(ConfigTest, RelativeStoragePathUnderSystemd) {
  ASSERT_EQ(unsetenv("STATE_DIRECTORY"), 0);
  EXPECT_EQ(LoadOk("storage_path: ./var/db\n").storage_path, "./var/db");
  ASSERT_EQ(setenv("STATE_DIRECTORY", "/var/lib/newscrawl:/var/lib/other", 1), 0);
  EXPECT_EQ(LoadOk("storage_path: ./var/db\n").storage_path, "/var/lib/newscrawl/var/db");
  EXPECT_EQ(LoadOk("storage_path: db\n").storage_path, "/var/lib/newscrawl/db");
  EXPECT_EQ(LoadOk("storage_path: /srv/db\n").storage_path, "/srv/db");
  ASSERT_EQ(unsetenv("STATE_DIRECTORY"), 0);
}

// What config accepts, server::ParseBindAddress (tests/server) accepts too: IP literals and
// localhost, never a name to resolve.
TEST(ConfigTest, BindAddressesTheServerCanListenOn) {
  for (const std::string bind :
       {"localhost:8080", "0.0.0.0:80", "[::]:8080", "[::1]:9090", "192.168.1.2:65535"})
    EXPECT_EQ(LoadOk("http_api: {bind: '" + bind + "'}\n").http_api.bind, bind);
}

TEST(ConfigTest, MissingFileIsAnIoError) {
  Result<Config> config = LoadConfigFile("/nonexistent/newscrawl.yaml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), StatusCode::kIoError);
  EXPECT_EQ(config.status().message(),
            "/nonexistent/newscrawl.yaml: cannot read config file: No such file or directory");
  Result<Config> directory = LoadConfigFile("/");
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.status().message(), "/: cannot read config file: Is a directory");
}

TEST(ConfigTest, ShippedExampleLoads) {
  std::string path = std::string(NC_SOURCE_DIR) + "/systemd/newscrawl.example.yaml";
  Result<Config> config = LoadConfigFile(path);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->source_file, path);
  EXPECT_GE(config->sites.size(), 5u);
  EXPECT_EQ(config->http_api.bind, "127.0.0.1:8080");
  EXPECT_FALSE(config->allow_private_addresses);
  EXPECT_GE(config->politeness.min_delay, seconds(1));
  for (const SiteConfig& site : config->sites) {
    EXPECT_FALSE(site.seeds.empty()) << site.name;
    ASSERT_TRUE(site.article_pattern.has_value()) << site.name;
    for (const Seed& seed : site.seeds) {
      EXPECT_EQ(seed.url.rfind("https://", 0), 0u) << seed.url;
      for (const UrlPattern& deny : site.deny) EXPECT_FALSE(deny.Matches(seed.url)) << seed.url;
    }
  }
  const SiteConfig& vnexpress = config->sites[0];
  EXPECT_EQ(vnexpress.seeds[0].url, "https://vnexpress.net/rss/tin-moi-nhat.rss");
  EXPECT_TRUE(vnexpress.article_pattern->Matches(
      "https://vnexpress.net/ha-noi-mua-lon-nhieu-tuyen-pho-ngap-4812345.html"));
  EXPECT_FALSE(vnexpress.article_pattern->Matches("https://vnexpress.net/thoi-su"));
}

}  // namespace
}  // namespace newscrawl
