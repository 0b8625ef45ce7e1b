// FetchTarget: an absolute http(s) URL split the way the fetcher schedules it.
//
// Parsed with common/url (ParseUrl), the one URL parser of the project; the host key is
// Url::Origin(), the one host key (the daemon counts per host and the cluster shards by it too).
// Pure, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/url.h"

namespace newscrawl::crawler {

struct FetchTarget {
  std::string url;             // what is requested: the URL re-joined, dot segments removed,
                               // "/" for an empty path
  std::string host_key;        // Url::Origin(): "scheme://host[:port]", the politeness unit
  std::string path_and_query;  // "/path?query" (what robots.txt rules match)
};

// nullopt when `url` is not an absolute http or https URL with a host.
std::optional<FetchTarget> ParseFetchTarget(std::string_view url);

// The same from a URL the caller has already parsed (ParseUrl); nullopt unless http(s) with a
// host.
std::optional<FetchTarget> FetchTargetOf(Url url);

}  // namespace newscrawl::crawler
