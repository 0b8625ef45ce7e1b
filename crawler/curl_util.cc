#include "crawler/curl_util.h"

#include <cstdio>
#include <ctime>
#include <mutex>

#include "common/text.h"

namespace newscrawl::crawler {

void EnsureCurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::pair<std::string, std::string> SplitHeaderLine(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return {};
  return {text::AsciiLower(text::TrimAsciiSpace(line.substr(0, colon))),
          std::string(text::TrimAsciiSpace(line.substr(colon + 1)))};
}

FetchOutcome ClassifyCurlCode(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return FetchOutcome::kOk;
    case CURLE_OPERATION_TIMEDOUT:
      return FetchOutcome::kTimeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return FetchOutcome::kDns;
    case CURLE_COULDNT_CONNECT:
      return FetchOutcome::kConnect;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return FetchOutcome::kInvalidUrl;
    case CURLE_TOO_MANY_REDIRECTS:
      return FetchOutcome::kTooManyRedirects;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_USE_SSL_FAILED:
      return FetchOutcome::kTls;
    default:
      return FetchOutcome::kNetwork;  // reset, empty reply, bad chunking, ...
  }
}

std::string CharsetOf(std::string_view content_type) {
  std::string lower = text::AsciiLower(content_type);
  size_t pos = lower.find("charset=");
  if (pos == std::string::npos) return "";
  std::string_view value = std::string_view(lower).substr(pos + 8);
  value = value.substr(0, value.find(';'));
  value = text::TrimAsciiSpace(value);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
    value = value.substr(1, value.size() - 2);
  }
  return std::string(text::TrimAsciiSpace(value));
}

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, long long now_unix) {
  value = text::TrimAsciiSpace(value);
  if (value.empty()) return std::nullopt;
  bool digits = true;
  for (char c : value) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    if (value.size() > 9) return std::chrono::seconds(999'999'999);
    return std::chrono::seconds(std::stoll(std::string(value)));
  }
  time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::chrono::seconds(when > now_unix ? when - now_unix : 0);
}

std::string Iso8601FromUnixMs(int64_t unix_ms) {
  const int64_t millis = ((unix_ms % 1000) + 1000) % 1000;
  const time_t seconds = static_cast<time_t>((unix_ms - millis) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long>(millis));
  return buf;
}

}  // namespace newscrawl::crawler
