// Helpers shared by the crawler tests: options for loopback tests and a blocking fetch.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "crawler/fetcher.h"
#include "tests/support/test_server.h"

namespace newscrawl::crawler {

// Loopback allowed, no delays, short timeouts, no robots: each test turns on what it checks.
inline FetcherOptions TestOptions() {
  FetcherOptions o;
  o.allow_loopback = true;
  o.min_host_delay = std::chrono::milliseconds(0);
  o.respect_robots = false;
  o.connect_timeout = std::chrono::milliseconds(2000);
  o.first_byte_timeout = std::chrono::milliseconds(2000);
  o.total_timeout = std::chrono::milliseconds(5000);
  o.backoff_base = std::chrono::milliseconds(20);
  o.backoff_max = std::chrono::milliseconds(100);
  o.robots_retry_after_error = std::chrono::milliseconds(200);
  return o;
}

// Fetches every URL at once and waits (bounded) for all results, returned in input order.
inline std::vector<FetchResult> FetchAll(Fetcher& fetcher, const std::vector<std::string>& urls) {
  std::vector<std::promise<FetchResult>> promises(urls.size());
  std::vector<std::future<FetchResult>> futures;
  for (auto& p : promises) futures.push_back(p.get_future());
  for (size_t i = 0; i < urls.size(); ++i) {
    FetchRequest request;
    request.url = urls[i];
    fetcher.Fetch(request, [&promises, i](FetchResult r) { promises[i].set_value(std::move(r)); });
  }
  std::vector<FetchResult> results;
  for (auto& f : futures) {
    if (f.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
      ADD_FAILURE() << "fetch did not complete within 20 s";
      std::abort();  // the promises are referenced by pending callbacks: cannot continue
    }
    results.push_back(f.get());
  }
  return results;
}

inline FetchResult FetchOne(Fetcher& fetcher, const std::string& url) {
  return FetchAll(fetcher, {url}).front();
}

inline long long MillisBetween(std::chrono::steady_clock::time_point a,
                               std::chrono::steady_clock::time_point b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

}  // namespace newscrawl::crawler
