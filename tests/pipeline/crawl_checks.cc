#include "tests/pipeline/crawl_checks.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/url.h"

namespace newscrawl::testing {
namespace {

std::string Canonical(const std::string& url) { return CanonicalizeUrl(url).value_or(url); }

}  // namespace

uint64_t CountNewEvents(const store::Store& store) {
  uint64_t n = 0;
  (void)store.ForEachChange(0, 0, [&](const store::ChangeEvent& e, std::string_view) {
    if (e.kind == store::EventKind::kNew) ++n;
    return true;
  });
  return n;
}

::testing::AssertionResult CrawlComplete(const store::Store& store, const NewsWeb& web) {
  struct Event {
    uint64_t seq;
    store::EventKind kind;
    Article record;
  };
  std::vector<Event> events;
  std::string parse_error;
  Status s = store.ForEachChange(0, 0, [&](const store::ChangeEvent& e, std::string_view json) {
    auto record = ArticleFromJson(json);
    if (!record.ok()) {
      parse_error = record.status().ToString();
      return false;
    }
    events.push_back({e.seq, e.kind, std::move(record).value()});
    return true;
  });
  if (!s.ok()) return ::testing::AssertionFailure() << "ForEachChange: " << s.ToString();
  if (!parse_error.empty()) return ::testing::AssertionFailure() << "bad record: " << parse_error;
  for (size_t i = 0; i < events.size(); ++i)
    if (events[i].seq != i + 1)
      return ::testing::AssertionFailure() << "event " << i << " has seq " << events[i].seq;
  if (store.LastSeq() != events.size())
    return ::testing::AssertionFailure()
           << "LastSeq " << store.LastSeq() << " but " << events.size() << " events";
  // Which story each URL belongs to.
  const std::vector<NewsStory> stories = web.Stories();
  std::map<std::string, size_t> story_of;
  for (size_t i = 0; i < stories.size(); ++i) {
    story_of[Canonical(stories[i].url)] = i;
    if (!stories[i].syndicated_copy.empty()) story_of[Canonical(stories[i].syndicated_copy)] = i;
  }
  std::vector<std::string> original_id(stories.size());
  std::vector<int> duplicates(stories.size(), 0);
  std::set<std::string> event_urls;
  for (const auto& e : events) {
    const std::string url =
        Canonical(e.record.canonical_url.empty() ? e.record.url : e.record.canonical_url);
    if (!event_urls.insert(url).second)
      return ::testing::AssertionFailure() << "two events for " << url << " (seq " << e.seq << ")";
    auto it = story_of.find(url);
    if (it == story_of.end())
      return ::testing::AssertionFailure()
             << "event seq " << e.seq << " for unexpected URL " << url;
    const size_t story = it->second;
    if (e.kind == store::EventKind::kNew) {
      if (!original_id[story].empty())
        return ::testing::AssertionFailure() << "story " << stories[story].url << " stored twice";
      original_id[story] = e.record.id;
    } else if (e.kind == store::EventKind::kDuplicate) {
      if (stories[story].syndicated_copy.empty())
        return ::testing::AssertionFailure() << "unexpected duplicate event for " << url;
      ++duplicates[story];
    } else {
      return ::testing::AssertionFailure()
             << "unexpected event kind " << store::EventKindName(e.kind) << " for " << url;
    }
  }
  for (size_t i = 0; i < stories.size(); ++i) {
    if (original_id[i].empty())
      return ::testing::AssertionFailure()
             << "story " << stories[i].url << " never stored (" << events.size() << " events)";
    if (duplicates[i] != (stories[i].syndicated_copy.empty() ? 0 : 1))
      return ::testing::AssertionFailure()
             << "story " << stories[i].url << " has " << duplicates[i] << " duplicate events";
  }
  for (const auto& e : events) {
    if (e.kind != store::EventKind::kDuplicate) continue;
    const size_t story =
        story_of[Canonical(e.record.canonical_url.empty() ? e.record.url : e.record.canonical_url)];
    if (e.record.duplicate_of != original_id[story])
      return ::testing::AssertionFailure()
             << "duplicate " << e.record.url << " points at " << e.record.duplicate_of << ", not "
             << original_id[story];
  }
  Status verify = store.Verify();
  if (!verify.ok()) return ::testing::AssertionFailure() << "Verify: " << verify.ToString();
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult NothingForbiddenRequested(NewsWeb& web) {
  for (const auto& r : web.server().Requests()) {
    const std::string path = r.path();
    if (path.rfind("/private/", 0) == 0 || path.rfind("/video/", 0) == 0)
      return ::testing::AssertionFailure() << "requested " << path << " on host " << r.host;
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult HostDelaysHonoured(NewsWeb& web, std::chrono::milliseconds min_delay,
                                              std::chrono::milliseconds tolerance) {
  size_t pairs = 0;
  for (int host = 0; host < NewsWeb::kSites; ++host) {
    auto requests = web.server().RequestsFor(host);
    std::sort(requests.begin(), requests.end(), [](const TestRequest& a, const TestRequest& b) {
      return a.received_at < b.received_at;
    });
    for (size_t i = 1; i < requests.size(); ++i) {
      if (requests[i - 1].path() == "/robots.txt") continue;
      auto gap = requests[i].received_at - requests[i - 1].received_at;
      ++pairs;
      if (gap < min_delay - tolerance)
        return ::testing::AssertionFailure()
               << "host " << host << ": " << requests[i - 1].target << " then "
               << requests[i].target << " only "
               << std::chrono::duration_cast<std::chrono::microseconds>(gap).count() << " us apart";
    }
  }
  if (pairs < 100)
    return ::testing::AssertionFailure() << "only " << pairs << " request pairs seen";
  return ::testing::AssertionSuccess();
}

}  // namespace newscrawl::testing
