// The JetStream names of one newscrawl cluster: buckets, streams and subject prefixes, all
// derived from NatsClusterOptions::name_prefix ("" in production; tests use a prefix per run).
// One place, so the instances (NatsCluster) and the readers (ArticleReader) always agree.
#pragma once

#include <cctype>
#include <string>
#include <string_view>

namespace newscrawl::cluster {

struct ClusterNames {
  std::string leases_bucket;            // KV: shard leases and instance heartbeats
  std::string claims_bucket;            // KV: URL and content claims
  std::string claimlog_stream;          // the claim log: one message per claim (near duplicates)
  std::string claimlog_subject;         // its one subject
  std::string urls_stream;              // routed URLs, one subject per shard
  std::string urls_subject_prefix;      // + shard number
  std::string articles_stream;          // stored records for indexers
  std::string articles_subject_prefix;  // + site token
};

// True when every character of `name` is in [-_A-Za-z0-9] (what may go into a stream, bucket,
// consumer or subject token). An empty name passes; callers that need one check that themselves.
inline bool IsNameToken(std::string_view name) {
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  return true;
}

inline ClusterNames NamesFor(const std::string& prefix) {
  // Subjects are conventionally lower case; stream and bucket names keep the prefix as given.
  std::string lower = prefix;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ClusterNames{prefix + "NC_LEASES",  prefix + "NC_CLAIMS", prefix + "NC_CLAIMLOG",
                      lower + "nc.claimlog", prefix + "NC_URLS",   lower + "nc.urls.",
                      prefix + "ARTICLES",   lower + "articles."};
}

}  // namespace newscrawl::cluster
