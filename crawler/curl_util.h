// Small helpers around libcurl handles and HTTP header values. Internal to crawler/.
#pragma once

#include <curl/curl.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "crawler/fetch_result.h"

namespace newscrawl::crawler {

// curl_global_init once per process (thread-safe).
void EnsureCurlGlobalInit();

struct CurlEasyDeleter {
  void operator()(CURL* e) const { curl_easy_cleanup(e); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMultiPtr = std::unique_ptr<CURLM, CurlMultiDeleter>;

// Owns a curl_slist.
class CurlSlistPtr {
 public:
  CurlSlistPtr() = default;
  ~CurlSlistPtr() { curl_slist_free_all(list_); }
  CurlSlistPtr(const CurlSlistPtr&) = delete;
  CurlSlistPtr& operator=(const CurlSlistPtr&) = delete;
  void Append(const std::string& line) { list_ = curl_slist_append(list_, line.c_str()); }
  curl_slist* get() const { return list_; }
  explicit operator bool() const { return list_ != nullptr; }

 private:
  curl_slist* list_ = nullptr;
};

// "Name: value\r\n" -> {"name" (lower-case), "value" (trimmed)}; {"", ""} when there is no ':'.
std::pair<std::string, std::string> SplitHeaderLine(std::string_view line);

// The transport outcome of a failed curl transfer.
FetchOutcome ClassifyCurlCode(CURLcode code);

// charset parameter of a Content-Type value, lower-case, unquoted; "" when absent.
std::string CharsetOf(std::string_view content_type);

// Retry-After value: delay-seconds or an HTTP-date (relative to `now_unix`, seconds since the
// epoch). nullopt when unparsable; a date in the past gives 0.
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, long long now_unix);

// `unix_ms` (milliseconds since the epoch) as ISO 8601 UTC with milliseconds
// ("2026-11-25T09:44:47.123Z").
std::string Iso8601FromUnixMs(int64_t unix_ms);

}  // namespace newscrawl::crawler
