#include "pipeline/cluster_host_key.h"

#include "common/url.h"

namespace newscrawl::pipeline {

std::string ClusterHostKey(std::string_view url) {
  auto parsed = ParseUrl(url);
  if (!parsed.ok() || parsed->host.empty()) return "";
  std::string key = parsed->host;
  const int default_port = parsed->scheme == "https" ? 443 : parsed->scheme == "http" ? 80 : 0;
  if (!parsed->port.empty() && parsed->EffectivePort() != default_port)
    key += ":" + std::to_string(parsed->EffectivePort());
  return key;
}

}  // namespace newscrawl::pipeline
