// ApiHandler: the HTTP API's routes as plain functions from a request line to a response, with no
// sockets involved (HttpServer does the I/O). Routes:
//
//   GET /healthz                      200 "ok"; no auth
//   GET /readyz                       200 "ready" once the daemon says so, else 503; no auth
//   GET /metrics                      Prometheus text format 0.0.4
//   GET /v1/changes?after=SEQ&limit=N&wait=SECONDS
//                                     NDJSON, one article record per line, seq > SEQ ascending;
//                                     long-poll up to `wait` seconds when nothing is after SEQ
//   GET /v1/articles/{id}             one article record (application/json), 404 when unknown
//   GET /v1/articles?url=URL          the same by URL, 404 when unknown
//
// HEAD is accepted wherever GET is. Errors are JSON: {"error":{"code":"...","message":"..."}}.
// Query parameters are percent-decoded ('+' stays '+'); an unknown or repeated parameter is a 400,
// as is a malformed number. With a bearer token configured every route except /healthz and /readyz
// needs "Authorization: Bearer <token>" (401 otherwise; compared in constant time).
//
// Thread safety: Handle() and AnswerChanges() may be called concurrently; SetReady() from any
// thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/metrics.h"
#include "common/status.h"
#include "server/article_source.h"

namespace newscrawl::server {

struct ApiOptions {
  // Required in "Authorization: Bearer <token>" on every route but /healthz and /readyz;
  // empty = no authentication (the default bind address is loopback-only).
  std::string bearer_token;
  // /v1/changes: `limit` when the request gives none, and the largest accepted.
  size_t default_limit = 100;
  size_t max_limit = 1000;
  // /v1/changes: a longer `wait` is shortened to this.
  std::chrono::seconds max_wait{60};
};

struct ApiResponse {
  unsigned status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

// A /v1/changes request that found nothing after `after` and asks to wait until `deadline`.
struct ChangesWait {
  uint64_t after = 0;
  size_t limit = 0;
  std::chrono::steady_clock::time_point deadline;
};

class ApiHandler {
 public:
  // `source` may be null (no store attached yet: the data routes answer 503); `metrics` must
  // not be null. Neither is owned; both must outlive the handler.
  ApiHandler(ApiOptions options, ArticleSource* source, MetricsRegistry* metrics);

  // Answers one request. `target` is the request-target ("/v1/changes?after=3"), `authorization`
  // the Authorization header value ("" when absent). Returns either the response, or a ChangesWait
  // when a /v1/changes long-poll found nothing yet (the caller then waits and calls AnswerChanges).
  std::variant<ApiResponse, ChangesWait> Handle(std::string_view method, std::string_view target,
                                                std::string_view authorization);

  // Reads the changes for a waiting request. Returns the response when there are events, or when
  // `final` (deadline reached, server stopping): then possibly with no lines. Returns nullopt when
  // there is still nothing and the caller should keep waiting.
  std::optional<ApiResponse> AnswerChanges(const ChangesWait& wait, bool final);

  // Whether /readyz answers 200. Starts false.
  void SetReady(bool ready) { ready_.store(ready); }
  bool ready() const { return ready_.load(); }

  // Counts one answered request in newscrawl_http_requests_total{route,code}.
  void CountRequest(std::string_view route, unsigned status);
  // The route label for a target ("changes", "article", "metrics", ..., "other").
  static std::string_view RouteName(std::string_view target);

 private:
  std::variant<ApiResponse, ChangesWait> Changes(std::string_view query);
  ApiResponse ArticleById(std::string_view id);
  ApiResponse ArticleByUrl(std::string_view query);
  bool Authorized(std::string_view authorization) const;

  const ApiOptions options_;
  ArticleSource* const source_;
  MetricsRegistry* const metrics_;
  std::atomic<bool> ready_{false};
};

// {"error":{"code":"<StatusCodeName>","message":"..."}} with the HTTP status that fits the code.
ApiResponse ErrorResponse(const Status& status);

// Percent-decodes a query component; nullopt on a malformed escape ("%G1", "%4").
std::optional<std::string> PercentDecode(std::string_view text);

// Splits "a=1&b=x%20y" into decoded pairs. Empty pieces ("a=1&&b=2") are skipped; a piece without
// '=' has an empty value. InvalidArgument on a malformed escape or a repeated name.
Result<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query);

// Whether `given` equals `secret`, in a time that depends only on the length of `secret`.
bool ConstantTimeEquals(std::string_view given, std::string_view secret);

}  // namespace newscrawl::server
