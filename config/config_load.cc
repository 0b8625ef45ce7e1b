// LoadConfigFile / LoadConfigString: YAML -> Config with FILE:LINE:COLUMN errors.
//
// yaml-cpp throws; every call into it stays inside this file, behind a catch-all, so no exception
// leaves the module. Each section is read by a function that knows its keys: an unknown key is an
// error with the nearest known key suggested.
#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

#include "common/url.h"
#include "config/config.h"
#include "config/config_reader.h"

namespace newscrawl {
namespace {

using config_internal::Reader;

bool IsHttpUrl(std::string_view text) {
  Result<Url> url = ParseUrl(text);
  return url.ok() && (url->scheme == "http" || url->scheme == "https") && !url->host.empty();
}

// "host:port" or "[v6]:port" with a port in 1..65535, where the host is what the HTTP server can
// bind without name resolution (server/bind_address.h): an IPv4 address, "localhost", or an IPv6
// address in brackets. "" when fine, else why not.
std::string BindAddressProblem(std::string_view bind) {
  const std::string expected = " (expected host:port or [v6]:port, e.g. 127.0.0.1:8080)";
  size_t colon = bind.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == bind.size())
    return "bind needs a host and a port, got '" + std::string(bind) + "'" + expected;
  std::string_view host = bind.substr(0, colon);
  std::string_view port = bind.substr(colon + 1);
  if (port.size() > 5 ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(std::string(port)) < 1 || std::stoi(std::string(port)) > 65535)
    return "bind port must be a number from 1 to 65535, got '" + std::string(port) + "'";
  unsigned char buffer[16];
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  const std::string address(bracketed ? host.substr(1, host.size() - 2) : host);
  const bool ok = bracketed
                      ? inet_pton(AF_INET6, address.c_str(), buffer) == 1
                      : address == "localhost" || inet_pton(AF_INET, address.c_str(), buffer) == 1;
  if (ok) return "";
  if (bracketed) return "bind host '" + address + "' is not an IPv6 address";
  return "bind host '" + address +
         "' must be an IPv4 address, [IPv6 address] or localhost (host names are not resolved)";
}

bool HasContactUrl(std::string_view user_agent) {
  return user_agent.find("http://") != std::string_view::npos ||
         user_agent.find("https://") != std::string_view::npos ||
         user_agent.find("mailto:") != std::string_view::npos;
}

// A relative storage_path is relative to systemd's StateDirectory when the service runs under
// systemd ($STATE_DIRECTORY, first entry), else to the working directory (left as written).
std::string ResolveStoragePath(const std::string& path) {
  const char* state = std::getenv("STATE_DIRECTORY");
  if (path.front() == '/' || state == nullptr || *state == '\0') return path;
  std::string base(state);
  base = base.substr(0, base.find(':'));
  std::string relative = path;
  while (relative.rfind("./", 0) == 0) relative.erase(0, 2);
  if (relative.empty() || relative == ".") return base;
  return base + "/" + relative;
}

void ReadHttpApi(Reader& r, const YAML::Node& node, HttpApiConfig* api) {
  if (!r.CheckMap(node, "http_api", {"bind", "bearer_token"})) return;
  r.String(node, "bind", &api->bind);
  if (std::string problem = BindAddressProblem(api->bind); !problem.empty()) {
    r.Error(node["bind"], problem);
  }
  r.String(node, "bearer_token", &api->bearer_token);
  if (!api->bearer_token.empty() && api->bearer_token.size() < 16) {
    r.Error(node["bearer_token"],
            "bearer_token is too short to be a secret (16 characters at least)");
  }
}

void ReadIdentity(Reader& r, const YAML::Node& node, IdentityConfig* identity) {
  if (!r.CheckMap(node, "identity", {"user_agent", "robots_token", "proxy"})) return;
  r.String(node, "user_agent", &identity->user_agent);
  if (identity->user_agent.find_first_of("\r\n") != std::string::npos) {
    r.Error(node["user_agent"], "user_agent must be one line");
  } else if (!HasContactUrl(identity->user_agent)) {
    r.Error(node["user_agent"] ? node["user_agent"] : node,
            "user_agent must contain a contact URL (http(s):// or mailto:) so site operators can "
            "reach you, like \"newscrawl/0.1 (+https://example.org/crawler)\"");
  }
  r.String(node, "robots_token", &identity->robots_token);
  r.String(node, "proxy", &identity->proxy);
  if (!identity->proxy.empty() && identity->proxy.find("://") == std::string::npos) {
    r.Error(node["proxy"], "proxy must be a URL like \"http://proxy:3128\"");
  }
}

void ReadPoliteness(Reader& r, const YAML::Node& node, PolitenessConfig* p) {
  if (!r.CheckMap(node, "politeness",
                  {"per_host_connections", "min_delay", "crawl_delay_cap", "robots_cache_ttl",
                   "robots_retry_after_error", "max_retry_after", "max_retries", "backoff_base",
                   "backoff_max", "circuit_breaker_failures", "circuit_open_time"})) {
    return;
  }
  r.Uint(node, "per_host_connections", 1, 16, &p->per_host_connections);
  r.Duration(node, "min_delay", ConfigDuration(0), &p->min_delay);
  r.Duration(node, "crawl_delay_cap", ConfigDuration(0), &p->crawl_delay_cap);
  r.Duration(node, "robots_cache_ttl", std::chrono::minutes(1), &p->robots_cache_ttl);
  r.Duration(node, "robots_retry_after_error", std::chrono::seconds(1),
             &p->robots_retry_after_error);
  r.Duration(node, "max_retry_after", ConfigDuration(0), &p->max_retry_after);
  r.Uint(node, "max_retries", 0, 20, &p->max_retries);
  r.Duration(node, "backoff_base", ConfigDuration(1), &p->backoff_base);
  r.Duration(node, "backoff_max", ConfigDuration(1), &p->backoff_max);
  r.Uint(node, "circuit_breaker_failures", 1, 1000, &p->circuit_breaker_failures);
  r.Duration(node, "circuit_open_time", ConfigDuration(0), &p->circuit_open_time);
  if (p->backoff_max < p->backoff_base) {
    r.Error(node["backoff_max"] ? node["backoff_max"] : node,
            "backoff_max must not be below backoff_base");
  }
}

void ReadLimits(Reader& r, const YAML::Node& node, LimitsConfig* l) {
  if (!r.CheckMap(node, "limits",
                  {"max_body_size", "max_decoded_size", "connect_timeout", "first_byte_timeout",
                   "total_timeout", "max_redirects", "max_transfers"})) {
    return;
  }
  constexpr uint64_t kKiB = 1024, kGiB = 1024 * 1024 * 1024;
  r.Size(node, "max_body_size", kKiB, kGiB, &l->max_body_size);
  r.Size(node, "max_decoded_size", kKiB, 4 * kGiB, &l->max_decoded_size);
  r.Duration(node, "connect_timeout", std::chrono::milliseconds(100), &l->connect_timeout);
  r.Duration(node, "first_byte_timeout", std::chrono::milliseconds(100), &l->first_byte_timeout);
  r.Duration(node, "total_timeout", std::chrono::milliseconds(100), &l->total_timeout);
  r.Uint(node, "max_redirects", 5, 50, &l->max_redirects);  // RFC 9309 wants >= 5 for robots
  r.Uint(node, "max_transfers", 1, 10000, &l->max_transfers);
  if (l->total_timeout < l->connect_timeout) {
    r.Error(node["total_timeout"] ? node["total_timeout"] : node,
            "total_timeout must not be below connect_timeout");
  }
}

void ReadSeeds(Reader& r, const YAML::Node& node, SiteConfig* site) {
  if (!node.IsSequence() || node.size() == 0) {
    r.Error(node, "seeds must be a non-empty list like \"- feed: https://example.org/rss\"");
    return;
  }
  for (const YAML::Node& item : node) {
    if (!r.CheckMap(item, "seed", {"feed", "sitemap", "section", "home"})) continue;
    if (item.size() != 1) {
      r.Error(item, "a seed has exactly one key: feed, sitemap, section or home");
      continue;
    }
    auto entry = item.begin();
    std::string type = entry->first.Scalar();
    Seed seed;
    seed.type = type == "feed"      ? SeedType::kFeed
                : type == "sitemap" ? SeedType::kSitemap
                : type == "section" ? SeedType::kSection
                                    : SeedType::kHome;
    if (!entry->second.IsScalar() || !IsHttpUrl(entry->second.Scalar())) {
      r.Error(entry->second, "a " + type + " seed needs an absolute http(s) URL");
      continue;
    }
    seed.url = entry->second.Scalar();
    site->seeds.push_back(std::move(seed));
  }
}

void ReadSite(Reader& r, const YAML::Node& node, const PolitenessConfig& politeness,
              std::set<std::string>* names, SiteConfig* site) {
  if (!r.CheckMap(node, "site",
                  {"name", "seeds", "use_robots_sitemaps", "allow", "deny", "article_pattern",
                   "boilerplate_phrases", "min_poll_interval", "max_poll_interval",
                   "recheck_window", "stale_after", "max_new_urls_per_poll", "min_delay"})) {
    return;
  }
  r.String(node, "name", &site->name);
  bool name_ok =
      !site->name.empty() && std::all_of(site->name.begin(), site->name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
      });
  if (!name_ok) {
    r.Error(node["name"] ? node["name"] : node,
            "a site needs a name of lower-case letters, digits, '_' or '-' (used in metrics)");
  } else if (!names->insert(site->name).second) {
    r.Error(node["name"], "duplicate site name '" + site->name + "'");
  }
  if (!node["seeds"]) {
    r.Error(node, "site '" + site->name + "' has no seeds");
  } else {
    ReadSeeds(r, node["seeds"], site);
  }
  r.Bool(node, "use_robots_sitemaps", &site->use_robots_sitemaps);
  r.Patterns(node, "allow", &site->allow);
  r.Patterns(node, "deny", &site->deny);
  if (node["article_pattern"]) {
    std::vector<UrlPattern> one;
    r.Pattern(node["article_pattern"], &one);
    if (!one.empty()) site->article_pattern = std::move(one.front());
  }
  r.StringList(node, "boilerplate_phrases", &site->boilerplate_phrases);
  r.Duration(node, "min_poll_interval", std::chrono::seconds(10), &site->min_poll_interval);
  r.Duration(node, "max_poll_interval", std::chrono::seconds(10), &site->max_poll_interval);
  if (site->max_poll_interval < site->min_poll_interval) {
    r.Error(node["max_poll_interval"] ? node["max_poll_interval"] : node,
            "max_poll_interval must not be below min_poll_interval");
  }
  r.Duration(node, "recheck_window", ConfigDuration(0), &site->recheck_window);
  r.Duration(node, "stale_after", std::chrono::minutes(1), &site->stale_after);
  r.Uint(node, "max_new_urls_per_poll", 1, 1000000, &site->max_new_urls_per_poll);
  if (node["min_delay"]) {
    ConfigDuration delay = politeness.min_delay;
    r.Duration(node, "min_delay", ConfigDuration(0), &delay);
    if (delay < politeness.min_delay) {
      r.Error(node["min_delay"], "a site's min_delay can only be longer than politeness.min_delay");
    }
    site->min_delay = delay;
  }
}

void ReadCluster(Reader& r, const YAML::Node& node, ClusterConfig* cluster) {
  if (!r.CheckMap(node, "cluster",
                  {"enabled", "nats_urls", "instance_name", "shards", "lease_ttl", "replicas",
                   "near_dup_window", "claim_index_wait"}))
    return;
  r.Bool(node, "enabled", &cluster->enabled);
  r.StringList(node, "nats_urls", &cluster->nats_urls);
  r.String(node, "instance_name", &cluster->instance_name);
  r.Uint(node, "shards", 1, 4096, &cluster->shards);
  r.Duration(node, "lease_ttl", std::chrono::seconds(2), &cluster->lease_ttl);
  r.Uint(node, "replicas", 1, 5, &cluster->replicas);
  r.Duration(node, "near_dup_window", std::chrono::hours(1), &cluster->near_dup_window);
  r.Duration(node, "claim_index_wait", std::chrono::seconds(1), &cluster->claim_index_wait);
  for (char c : cluster->instance_name) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) {
      r.Error(node["instance_name"],
              "cluster.instance_name may only hold letters, digits, '-' and '_'");
      break;
    }
  }
  for (const std::string& url : cluster->nats_urls) {
    if (url.rfind("nats://", 0) != 0 && url.rfind("tls://", 0) != 0) {
      r.Error(node["nats_urls"], "NATS URL '" + url + "' must start with nats:// or tls://");
    }
  }
  if (cluster->enabled && cluster->nats_urls.empty()) {
    r.Error(node, "cluster.enabled needs at least one of nats_urls");
  }
  if (cluster->enabled && cluster->instance_name.empty()) {
    r.Error(node, "cluster.enabled needs an instance_name unique to this instance");
  }
}

void ReadWarc(Reader& r, const YAML::Node& node, WarcConfig* warc) {
  if (!r.CheckMap(node, "warc", {"dir", "max_file_size", "kinds", "compress"})) return;
  r.String(node, "dir", &warc->dir);
  if (node["dir"] && warc->dir.empty()) r.Error(node["dir"], "warc.dir must not be empty");
  if (!warc->dir.empty()) warc->dir = ResolveStoragePath(warc->dir);
  r.Size(node, "max_file_size", 1ull << 20, 1ull << 50, &warc->max_file_size);
  r.Bool(node, "compress", &warc->compress);
  static const std::set<std::string> kKinds = {"articles", "feeds", "sitemaps", "sections",
                                               "robots"};
  const YAML::Node kinds = node["kinds"];
  r.StringList(node, "kinds", &warc->kinds);
  if (kinds && kinds.IsSequence()) {
    for (const YAML::Node& item : kinds) {
      if (item.IsScalar() && !item.Scalar().empty() && kKinds.count(item.Scalar()) == 0)
        r.Error(item, "unknown warc kind '" + item.Scalar() +
                          "' (expected articles, feeds, sitemaps, sections or robots)");
    }
    if (warc->kinds.empty()) r.Error(kinds, "warc.kinds needs at least one kind");
  }
}

void ReadConfig(Reader& r, const YAML::Node& root, Config* config) {
  if (!root || root.IsNull()) {
    r.Error(root, "the config file is empty");
    return;
  }
  if (!r.CheckMap(root, "config",
                  {"storage_path", "log_level", "allow_private_addresses", "http_api", "identity",
                   "politeness", "limits", "sites", "cluster", "warc"})) {
    return;
  }
  r.String(root, "storage_path", &config->storage_path);
  if (config->storage_path.empty()) {
    r.Error(root["storage_path"], "storage_path must not be empty");
  } else {
    config->storage_path = ResolveStoragePath(config->storage_path);
  }
  r.String(root, "log_level", &config->log_level);
  static const std::set<std::string> kLevels = {"trace", "debug",    "info", "warn",
                                                "error", "critical", "off"};
  if (kLevels.count(config->log_level) == 0) {
    r.Error(root["log_level"],
            "log_level must be one of trace, debug, info, warn, error, "
            "critical, off; got '" +
                config->log_level + "'");
  }
  r.Bool(root, "allow_private_addresses", &config->allow_private_addresses);
  if (root["http_api"]) ReadHttpApi(r, root["http_api"], &config->http_api);
  if (root["identity"]) ReadIdentity(r, root["identity"], &config->identity);
  if (root["politeness"]) ReadPoliteness(r, root["politeness"], &config->politeness);
  if (root["limits"]) ReadLimits(r, root["limits"], &config->limits);
  if (root["cluster"]) ReadCluster(r, root["cluster"], &config->cluster);
  if (root["warc"]) ReadWarc(r, root["warc"], &config->warc);
  const YAML::Node sites = root["sites"];
  if (sites && !sites.IsNull()) {
    if (!sites.IsSequence()) {
      r.Error(sites, "sites must be a list of sites (\"- name: ...\")");
      return;
    }
    std::set<std::string> names;
    for (const YAML::Node& site_node : sites) {
      SiteConfig site;
      ReadSite(r, site_node, config->politeness, &names, &site);
      config->sites.push_back(std::move(site));
    }
  }
}

}  // namespace

Result<Config> LoadConfigString(std::string_view yaml, std::string_view file_name) {
  Reader reader{std::string(file_name)};
  Config config;
  config.source_file = std::string(file_name);
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    ReadConfig(reader, root, &config);
  } catch (const YAML::Exception& e) {
    reader.ErrorAt(e.mark, e.msg);
  } catch (const std::exception& e) {  // never leaves the module (bad_alloc, regex internals)
    reader.ErrorAt(YAML::Mark::null_mark(), std::string("cannot load the config: ") + e.what());
  }
  if (!reader.ok()) return Status::InvalidArgument(reader.Joined());
  return config;
}

Result<Config> LoadConfigFile(const std::string& path) {
  // POSIX calls rather than an ifstream: errno right after the failing call gives the reason
  // ("No such file or directory", "Permission denied", "Is a directory") the operator needs.
  auto failed = [&path] {
    return Status::IoError(path + ": cannot read config file: " + std::strerror(errno));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failed();
  std::string text;
  char buffer[65536];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) != 0) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status status = failed();
      ::close(fd);
      return status;
    }
    text.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return LoadConfigString(text, path);
}

}  // namespace newscrawl
