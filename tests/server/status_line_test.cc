// The STATUS= line: the format docs/operations.md documents.
#include "server/status_line.h"

#include <gtest/gtest.h>

namespace newscrawl::server {
namespace {

TEST(StatusLineTest, Table) {
  StatusFacts empty;
  StatusFacts one_site;
  one_site.sites = 1;
  StatusFacts busy;
  busy.articles = 105;
  busy.duplicates = 3;
  busy.last_seq = 112;
  busy.fetched = 57;
  busy.failed = 2;
  busy.in_flight = 4;
  busy.sites = 3;
  StatusFacts cluster = busy;
  cluster.cluster = true;
  cluster.routed = 5;
  cluster.received = 2;
  cluster.published = 7;
  cluster.claimed_elsewhere = 1;
  const struct {
    StatusFacts facts;
    const char* want;
  } cases[] = {
      {empty,
       "0 articles stored (0 duplicates), last seq 0; since start: 0 fetched, 0 failed, 0 "
       "in flight; 0 sites"},
      {one_site,
       "0 articles stored (0 duplicates), last seq 0; since start: 0 fetched, 0 failed, "
       "0 in flight; 1 site"},
      {busy,
       "105 articles stored (3 duplicates), last seq 112; since start: 57 fetched, 2 failed, "
       "4 in flight; 3 sites"},
      {cluster,
       "105 articles stored (3 duplicates), last seq 112; since start: 57 fetched, 2 "
       "failed, 4 in flight; 3 sites; cluster: 5 routed, 2 received, 7 published, 1 "
       "claimed elsewhere, 0 deferred"},
  };
  for (const auto& c : cases) EXPECT_EQ(FormatStatusLine(c.facts), c.want);
}

}  // namespace
}  // namespace newscrawl::server
