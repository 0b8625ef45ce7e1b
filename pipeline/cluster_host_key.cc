#include "pipeline/cluster_host_key.h"

#include "common/url.h"

namespace newscrawl::pipeline {

std::string ClusterHostKey(std::string_view url) {
  auto parsed = ParseUrl(url);
  if (!parsed.ok()) return "";
  return ClusterHostKey(*parsed);
}

std::string ClusterHostKey(const Url& url) {
  if (url.host.empty()) return "";
  // Origin() is "scheme://host[:port]" with the port only when it is not the default one.
  return url.Origin().substr(url.scheme.size() + 3);
}

}  // namespace newscrawl::pipeline
