// ClusterHostKey: the key by which a cluster shards hosts (ClusterHooks::OwnsHost, Route).
// Derived from the one host key, Url::Origin() (the fetcher's and the daemon's too).
//
// The lower-case host name, plus ":port" when the URL names a port that is not its scheme's
// default: the fetcher's politeness unit (scheme + host + port) without the scheme. For real news
// sites this is just the host name; a loopback test web serving several "hosts" on 127.0.0.1 with
// one port each gets one key per port. "" when the URL does not parse.
// Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "common/url.h"

namespace newscrawl::pipeline {

std::string ClusterHostKey(std::string_view url);

// The same for a URL already parsed (ParseUrl): Url::Origin() without "scheme://". "" without a
// host.
std::string ClusterHostKey(const Url& url);

}  // namespace newscrawl::pipeline
