// Config: the daemon's settings, with a default and a comment per field, loaded from one YAML file.
//
// LoadConfigFile / LoadConfigString validate everything and report every error found (not only
// the first), each as "FILE:LINE:COLUMN: message" (1-based, from yaml-cpp's marks). Unknown keys
// are errors, with the closest known key suggested ("unknown key 'min_dealy' (did you mean
// 'min_delay'?)"). Durations are written "500ms", "30s", "5m", "24h", "7d" or combined ("1h30m");
// sizes "10MiB", "512KiB", "1GiB", "64kB" (decimal units), or a plain number of bytes.
// docs/configuration.md documents every key; systemd/newscrawl.example.yaml is a complete example.
// Thread safety: plain values. A reload builds a new Config; nothing here is shared or mutable.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace newscrawl {

using ConfigDuration = std::chrono::milliseconds;

// A URL pattern from the config: a glob over the whole URL ('*' any run, '?' one character), or an
// ECMAScript regular expression when written with the "regex:" prefix (searched, not anchored:
// write ^...$ to anchor). Validated (and compiled) when the config is loaded.
struct UrlPattern {
  std::string source;  // as written in the config, prefix included
  bool is_regex = false;
  std::shared_ptr<const std::regex> compiled;  // never null in a loaded Config

  // True when `url` matches. A default-constructed pattern matches nothing.
  bool Matches(std::string_view url) const;
};

// Builds a UrlPattern from its config text; InvalidArgument names the regex error.
Result<UrlPattern> CompileUrlPattern(std::string_view text);

enum class SeedType {
  kFeed,     // RSS / Atom / JSON Feed, polled with conditional GET
  kSitemap,  // sitemap, sitemap index or Google News sitemap (gzip or not)
  kSection,  // a listing page: links matching article_pattern are articles
  kHome,     // the home page: its <link rel=alternate> feeds and article links are discovered
};
const char* SeedTypeName(SeedType type);  // "feed", "sitemap", "section", "home"

struct Seed {
  SeedType type = SeedType::kFeed;
  std::string url;  // absolute http(s) URL
};

struct SiteConfig {
  std::string name;         // unique, [a-z0-9_-]+; used in metrics labels and logs
  std::vector<Seed> seeds;  // at least one
  // Also read the Sitemap: lines of the hosts' robots.txt.
  bool use_robots_sitemaps = true;
  // A discovered URL is followed only if it matches one allow pattern (when any is given; by
  // default: any URL on the seeds' hosts) and no deny pattern.
  std::vector<UrlPattern> allow;
  std::vector<UrlPattern> deny;
  // Links on section/home pages matching this are articles; unset = feed/sitemap entries only.
  std::optional<UrlPattern> article_pattern;
  // Extra boilerplate headings for this site, added to the extractor's built-in list.
  std::vector<std::string> boilerplate_phrases;
  // Feeds, sitemaps and section pages are polled between these intervals: the interval shrinks
  // when a poll brings new articles and grows when it does not.
  ConfigDuration min_poll_interval{std::chrono::minutes(2)};
  ConfigDuration max_poll_interval{std::chrono::hours(1)};
  // Articles are re-fetched for updates during this window after their first fetch (0 = never).
  ConfigDuration recheck_window{0};
  // No new article for this long raises a warning and the site's stale metric.
  ConfigDuration stale_after{std::chrono::hours(6)};
  // At most this many new article URLs are taken from one poll of one seed.
  uint32_t max_new_urls_per_poll = 1000;
  // Per-site minimum delay between requests to its hosts; unset = politeness.min_delay. It can
  // only make the crawler slower (values below politeness.min_delay are errors).
  std::optional<ConfigDuration> min_delay;
};

struct HttpApiConfig {
  std::string bind = "127.0.0.1:8080";  // "host:port" or "[v6]:port"; localhost by default
  std::string bearer_token;  // when set, every endpoint but /healthz and /readyz needs it
};

struct IdentityConfig {
  // User-Agent of every request; must contain a contact URL (http(s):// or mailto:) so site
  // operators can reach the crawler's operator.
  std::string user_agent = "newscrawl/0.1 (+https://github.com/newscrawl/newscrawl)";
  // robots.txt product token; empty = the leading [A-Za-z_-] characters of user_agent.
  std::string robots_token;
  std::string proxy;  // "http://proxy:3128"; empty = direct connections

  // robots_token, or the one derived from user_agent ("newscrawl").
  std::string RobotsToken() const;
};

struct PolitenessConfig {
  uint32_t per_host_connections = 1;       // transfers in flight to one host
  ConfigDuration min_delay{1000};          // between two requests to one host
  ConfigDuration crawl_delay_cap{30'000};  // robots.txt Crawl-delay honoured up to this
  ConfigDuration robots_cache_ttl{std::chrono::hours(24)};
  ConfigDuration robots_retry_after_error{60'000};  // robots.txt 5xx/network error: retry after
  ConfigDuration max_retry_after{120'000};          // longer Retry-After: the URL fails
  uint32_t max_retries = 2;                         // per URL, on 5xx / 429 / network errors
  ConfigDuration backoff_base{1000};                // exponential backoff: base * 2^(n-1)
  ConfigDuration backoff_max{300'000};              // ... capped here
  uint32_t circuit_breaker_failures = 8;            // consecutive failures that pause a host
  ConfigDuration circuit_open_time{600'000};        // ... for this long
};

struct LimitsConfig {
  uint64_t max_body_size = 10ull << 20;     // larger bodies are cut and marked truncated
  uint64_t max_decoded_size = 10ull << 20;  // Content-Encoding output cap (decompression bombs)
  ConfigDuration connect_timeout{10'000};
  ConfigDuration first_byte_timeout{15'000};
  ConfigDuration total_timeout{60'000};
  uint32_t max_redirects = 10;
  uint32_t max_transfers = 200;  // transfers in flight over all hosts
};

// Scale-out over NATS JetStream (cluster/): off by default; a single instance needs nothing here.
struct ClusterConfig {
  bool enabled = false;
  std::vector<std::string> nats_urls;  // "nats://host:4222"; required when enabled
  std::string instance_name;           // unique per instance; required when enabled
  // Host shards spread over the instances (the same on every instance): 1..4096.
  uint32_t shards = 64;
  // Shard lease length: an instance that stops renewing loses its shards after this; they move
  // to the others within lease_ttl + lease_ttl / 3. At least 2s.
  ConfigDuration lease_ttl = std::chrono::seconds(10);
  // Copies of every JetStream stream and bucket: 1 for one NATS server, 3 for a 3-node cluster.
  uint32_t replicas = 3;
  // How far back near duplicates are found across the cluster (the claim log's retention and
  // every instance's in-memory index: about 2.5 KB per article). At least 1h.
  ConfigDuration near_dup_window = std::chrono::hours(24 * 14);
  // How long a claim waits for this instance's index to reach it before it is retried later
  // (broker trouble, a long replay at start). At least 1s.
  ConfigDuration claim_index_wait = std::chrono::seconds(10);
};

// Archiving what the daemon fetched as WARC files (docs/warc.md): off unless `dir` is set.
struct WarcConfig {
  // Directory of the .warc.gz files (created if missing); empty = no archive. A relative path is
  // resolved like storage_path. Files are named "newscrawl-<UTC time>-<sequence>-<instance>
  // .warc.gz" (the instance is cluster.instance_name, else "local").
  std::string dir;
  // A new file is started before one would pass this size (compressed bytes). At least 1MiB.
  uint64_t max_file_size = 1ull << 30;
  // Which fetches are kept: "articles" (default), "feeds", "sitemaps", "sections" (section and
  // home pages) and "robots" (robots.txt, as the fetcher fetched it).
  std::vector<std::string> kinds = {"articles"};
  // One gzip member per record (.warc.gz). False: plain .warc files, several times larger but
  // cheaper to write (no deflate on the crawler's cores).
  bool compress = true;
};

struct Config {
  std::string source_file;  // the file it was loaded from ("" for defaults / strings)

  // RocksDB directory (created if missing). A relative path in the file is resolved at load time
  // against $STATE_DIRECTORY when systemd sets it (StateDirectory=newscrawl), else kept relative
  // to the working directory.
  std::string storage_path = "/var/lib/newscrawl";
  std::string log_level = "info";  // trace, debug, info, warn, error, critical, off
  // Private, loopback and link-local destinations are refused unless this is true (tests).
  bool allow_private_addresses = false;
  HttpApiConfig http_api;
  IdentityConfig identity;
  PolitenessConfig politeness;
  LimitsConfig limits;
  std::vector<SiteConfig> sites;
  ClusterConfig cluster;
  WarcConfig warc;

  // "3 sites, 11 seeds, storage /var/lib/newscrawl, API 127.0.0.1:8080" (for logs and
  // `config check`).
  std::string Summary() const;
};

// Reads and validates a YAML config file. Errors: IoError when the file cannot be read;
// InvalidArgument whose message lists every problem found, one "FILE:LINE:COLUMN: message" per
// line. Never throws.
Result<Config> LoadConfigFile(const std::string& path);

// Same, from text; `file_name` is used in error messages only.
Result<Config> LoadConfigString(std::string_view yaml, std::string_view file_name);

// "30s" -> 30 s, "1h30m", "250ms"; InvalidArgument otherwise (exposed for flags and tests).
Result<ConfigDuration> ParseDuration(std::string_view text);

// "10MiB", "512KiB", "64kB", "1048576"; InvalidArgument otherwise.
Result<uint64_t> ParseSize(std::string_view text);

}  // namespace newscrawl
