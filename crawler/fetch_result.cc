#include "crawler/fetch_result.h"

namespace newscrawl::crawler {

const char* FetchOutcomeName(FetchOutcome outcome) {
  switch (outcome) {
    case FetchOutcome::kOk:
      return "ok";
    case FetchOutcome::kNotModified:
      return "not_modified";
    case FetchOutcome::kRobotsDisallowed:
      return "robots_disallowed";
    case FetchOutcome::kRobotsUnavailable:
      return "robots_unavailable";
    case FetchOutcome::kHttp3xx:
      return "http_3xx";
    case FetchOutcome::kHttp4xx:
      return "http_4xx";
    case FetchOutcome::kHttp5xx:
      return "http_5xx";
    case FetchOutcome::kTimeout:
      return "timeout";
    case FetchOutcome::kTooLarge:
      return "too_large";
    case FetchOutcome::kTls:
      return "tls";
    case FetchOutcome::kDns:
      return "dns";
    case FetchOutcome::kConnect:
      return "connect";
    case FetchOutcome::kNetwork:
      return "network";
    case FetchOutcome::kRefusedPrivate:
      return "refused_private";
    case FetchOutcome::kRedirectLoop:
      return "redirect_loop";
    case FetchOutcome::kTooManyRedirects:
      return "too_many_redirects";
    case FetchOutcome::kInvalidUrl:
      return "invalid_url";
    case FetchOutcome::kHostUnavailable:
      return "host_unavailable";
    case FetchOutcome::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

bool IsTransientOutcome(FetchOutcome outcome, int http_status) {
  if (http_status == 429) return true;
  switch (outcome) {
    case FetchOutcome::kHttp5xx:
    case FetchOutcome::kTimeout:
    case FetchOutcome::kConnect:
    case FetchOutcome::kNetwork:
    case FetchOutcome::kDns:
    case FetchOutcome::kRobotsUnavailable:
    case FetchOutcome::kHostUnavailable:
      return true;
    default:
      return false;
  }
}

FetchOutcome OutcomeOfResponse(FetchOutcome transport, int s) {
  if (transport != FetchOutcome::kOk) return transport;
  if (s == 304) return FetchOutcome::kNotModified;
  if (s >= 300 && s < 400) return FetchOutcome::kHttp3xx;
  if (s >= 400 && s < 500) return FetchOutcome::kHttp4xx;
  if (s >= 500 || s < 200) return FetchOutcome::kHttp5xx;
  return FetchOutcome::kOk;
}

}  // namespace newscrawl::crawler
