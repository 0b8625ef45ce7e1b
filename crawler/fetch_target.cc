#include "crawler/fetch_target.h"

namespace newscrawl::crawler {

std::optional<FetchTarget> ParseFetchTarget(std::string_view url) {
  auto parsed = ParseUrl(url);
  if (!parsed.ok()) return std::nullopt;
  return FetchTargetOf(std::move(parsed).value());
}

std::optional<FetchTarget> FetchTargetOf(Url url) {
  if ((url.scheme != "http" && url.scheme != "https") || url.host.empty()) return std::nullopt;
  if (url.EffectivePort() == 0) return std::nullopt;
  if (url.path.empty()) url.path = "/";
  std::string path_and_query = url.path;
  if (url.has_query) path_and_query += "?" + url.query;
  // "/a/../b" is requested (and matched against robots.txt) as "/b", as a browser would.
  if (path_and_query.find("/.") != std::string::npos) {
    auto resolved = ResolveUrl(url, path_and_query);
    if (!resolved.ok()) return std::nullopt;
    resolved->fragment = url.fragment;
    resolved->has_fragment = url.has_fragment;
    url = std::move(resolved).value();
    if (url.path.empty()) url.path = "/";
    path_and_query = url.path;
    if (url.has_query) path_and_query += "?" + url.query;
  }
  FetchTarget target;
  target.host_key = url.Origin();
  target.path_and_query = std::move(path_and_query);
  target.url = url.ToString();
  return target;
}

}  // namespace newscrawl::crawler
