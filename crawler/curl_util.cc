#include "crawler/curl_util.h"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace newscrawl::crawler {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

void EnsureCurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::pair<std::string, std::string> SplitHeaderLine(std::string_view line) {
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return {};
  return {Lower(Trim(line.substr(0, colon))), std::string(Trim(line.substr(colon + 1)))};
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
  std::string lower = Lower(content_type);
  size_t pos = lower.find("charset=");
  if (pos == std::string::npos) return "";
  std::string_view value = std::string_view(lower).substr(pos + 8);
  value = value.substr(0, value.find(';'));
  value = Trim(value);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
    value = value.substr(1, value.size() - 2);
  }
  return std::string(Trim(value));
}

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value, long long now_unix) {
  value = Trim(value);
  if (value.empty()) return std::nullopt;
  bool digits = true;
  for (char c : value) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (digits) {
    if (value.size() > 9) return std::chrono::seconds(999'999'999);
    return std::chrono::seconds(std::stoll(std::string(value)));
  }
  time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::chrono::seconds(when > now_unix ? when - now_unix : 0);
}

std::optional<UrlTarget> ParseTarget(const std::string& url) {
  std::unique_ptr<CURLU, void (*)(CURLU*)> handle(curl_url(), curl_url_cleanup);
  if (curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return std::nullopt;
  auto part = [&](CURLUPart which, unsigned flags) -> std::optional<std::string> {
    char* value = nullptr;
    if (curl_url_get(handle.get(), which, &value, flags) != CURLUE_OK) return std::nullopt;
    std::string out(value);
    curl_free(value);
    return out;
  };
  auto scheme = part(CURLUPART_SCHEME, 0);
  auto host = part(CURLUPART_HOST, 0);
  auto port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  auto path = part(CURLUPART_PATH, 0);
  auto query = part(CURLUPART_QUERY, 0);
  auto full = part(CURLUPART_URL, 0);
  if (!scheme || !host || host->empty() || !port || !full) return std::nullopt;
  std::string lower_scheme = Lower(*scheme);
  if (lower_scheme != "http" && lower_scheme != "https") return std::nullopt;
  UrlTarget target;
  target.url = *full;
  target.host_key = lower_scheme + "://" + Lower(*host) + ":" + *port;
  target.path_and_query = path && !path->empty() ? *path : "/";
  if (query) target.path_and_query += "?" + *query;
  return target;
}

std::string NowIso8601() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  std::tm tm{};
  gmtime_r(&ts.tv_sec, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
  return buf;
}

}  // namespace newscrawl::crawler
