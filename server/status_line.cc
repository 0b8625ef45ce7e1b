#include "server/status_line.h"

namespace newscrawl::server {

std::string FormatStatusLine(const StatusFacts& f) {
  using std::to_string;
  std::string line = to_string(f.articles) + " articles stored (" + to_string(f.duplicates) +
                     " duplicates), last seq " + to_string(f.last_seq) +
                     "; since start: " + to_string(f.fetched) + " fetched, " + to_string(f.failed) +
                     " failed, " + to_string(f.in_flight) + " in flight; " + to_string(f.sites) +
                     (f.sites == 1 ? " site" : " sites");
  if (f.cluster)
    line += "; cluster: " + to_string(f.routed) + " routed, " + to_string(f.received) +
            " received, " + to_string(f.published) + " published, " +
            to_string(f.claimed_elsewhere) + " claimed elsewhere, " + to_string(f.deferred) +
            " deferred";
  return line;
}

}  // namespace newscrawl::server
