#include "server/api_handler.h"
#include "common/text.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include <nlohmann/json.hpp>

namespace newscrawl::server {

namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kText = "text/plain; charset=utf-8";
constexpr std::string_view kNdjson = "application/x-ndjson";
constexpr std::string_view kPrometheus = "text/plain; version=0.0.4; charset=utf-8";

// An error body with a code that has no StatusCode (401 "unauthenticated", 405).
ApiResponse JsonError(unsigned status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  return ApiResponse{status,
                     std::string(kJson),
                     body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                     {}};
}

ApiResponse TextResponse(unsigned status, std::string body) {
  return ApiResponse{status, std::string(kText), std::move(body), {}};
}

unsigned HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnavailable:
    case StatusCode::kCancelled:
      return 503;
    case StatusCode::kTimeout:
      return 504;
    case StatusCode::kUnimplemented:
      return 501;
    default:
      return 500;
  }
}

// A decimal number with nothing else around it (no sign, no spaces).
std::optional<uint64_t> ParseUnsigned(std::string_view text) {
  uint64_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

bool IsArticleId(std::string_view id) {
  if (id.size() != 16) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

ApiResponse ErrorResponse(const Status& status) {
  return JsonError(HttpStatusFor(status.code()), StatusCodeName(status.code()), status.message());
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = text::HexDigitValue(text[i + 1]);
    int low = text::HexDigitValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseQuery(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::optional<std::string> name = PercentDecode(piece.substr(0, eq));
    std::optional<std::string> value =
        eq == std::string_view::npos ? std::string() : PercentDecode(piece.substr(eq + 1));
    if (!name || !value) {
      return Status::InvalidArgument("malformed percent-escape in query parameter \"" +
                                     std::string(piece) + "\"");
    }
    for (const auto& param : params) {
      if (param.first == *name) {
        return Status::InvalidArgument("query parameter \"" + *name + "\" given twice");
      }
    }
    params.emplace_back(std::move(*name), std::move(*value));
  }
  return params;
}

bool ConstantTimeEquals(std::string_view given, std::string_view secret) {
  // Runs over every byte of the secret whatever `given` holds, so the time reveals neither where
  // the first difference is nor the length of `given`.
  size_t diff = given.size() ^ secret.size();
  for (size_t i = 0; i < secret.size(); ++i) {
    unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= g ^ static_cast<unsigned char>(secret[i]);
  }
  return diff == 0;
}

ApiHandler::ApiHandler(ApiOptions options, ArticleSource* source, MetricsRegistry* metrics)
    : options_(std::move(options)), source_(source), metrics_(metrics) {}

bool ApiHandler::Authorized(std::string_view authorization) const {
  if (options_.bearer_token.empty()) return true;
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() < kScheme.size()) return false;
  // The scheme name is case-insensitive (RFC 9110 §11.1).
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
        std::tolower(static_cast<unsigned char>(kScheme[i]))) {
      return false;
    }
  }
  return ConstantTimeEquals(authorization.substr(kScheme.size()), options_.bearer_token);
}

std::string_view ApiHandler::RouteName(std::string_view target) {
  std::string_view path = target.substr(0, target.find('?'));
  if (path == "/healthz") return "healthz";
  if (path == "/readyz") return "readyz";
  if (path == "/metrics") return "metrics";
  if (path == "/v1/changes") return "changes";
  if (path == "/v1/articles") return "article_by_url";
  if (path.rfind("/v1/articles/", 0) == 0) return "article";
  return "other";
}

void ApiHandler::CountRequest(std::string_view route, unsigned status) {
  metrics_
      ->GetCounter("newscrawl_http_requests_total",
                   "HTTP API requests answered, by route and code.",
                   {{"route", std::string(route)}, {"code", std::to_string(status)}})
      .Increment();
}

std::variant<ApiResponse, ChangesWait> ApiHandler::Handle(std::string_view method,
                                                          std::string_view target,
                                                          std::string_view authorization) {
  if (method != "GET" && method != "HEAD") {
    ApiResponse response = JsonError(405, "method_not_allowed",
                                     "method " + std::string(method) + " not allowed; use GET");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);

  if (path == "/healthz") return TextResponse(200, "ok\n");
  if (path == "/readyz") {
    return ready() ? TextResponse(200, "ready\n") : TextResponse(503, "not ready\n");
  }
  if (!Authorized(authorization)) {
    ApiResponse response =
        JsonError(401, "unauthenticated",
                  "missing or wrong bearer token: send \"Authorization: Bearer <token>\"");
    response.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"newscrawl\"");
    return response;
  }
  if (path == "/metrics") {
    return ApiResponse{200, std::string(kPrometheus), metrics_->RenderPrometheus(), {}};
  }
  bool data_route =
      path == "/v1/changes" || path == "/v1/articles" || path.rfind("/v1/articles/", 0) == 0;
  if (data_route && source_ == nullptr) {
    return ErrorResponse(Status::Unavailable("no article store is attached yet"));
  }
  if (path == "/v1/changes") return Changes(query);
  if (path == "/v1/articles") return ArticleByUrl(query);
  if (path.rfind("/v1/articles/", 0) == 0) {
    return ArticleById(path.substr(std::string_view("/v1/articles/").size()));
  }
  return ErrorResponse(Status::NotFound("no such endpoint: " + std::string(path)));
}

std::variant<ApiResponse, ChangesWait> ApiHandler::Changes(std::string_view query) {
  auto params = ParseQuery(query);
  if (!params.ok()) return ErrorResponse(params.status());
  ChangesWait wait;
  wait.limit = options_.default_limit;
  uint64_t wait_seconds = 0;
  for (const auto& [name, value] : *params) {
    std::optional<uint64_t> number = ParseUnsigned(value);
    if (name != "after" && name != "limit" && name != "wait") {
      return ErrorResponse(Status::InvalidArgument("unknown query parameter \"" + name +
                                                   "\"; expected after, limit, wait"));
    }
    if (!number) {
      return ErrorResponse(Status::InvalidArgument("query parameter \"" + name +
                                                   "\" must be a non-negative integer, got \"" +
                                                   value + "\""));
    }
    if (name == "after") wait.after = *number;
    if (name == "limit") {
      if (*number < 1 || *number > options_.max_limit) {
        return ErrorResponse(Status::InvalidArgument("limit must be between 1 and " +
                                                     std::to_string(options_.max_limit) + ", got " +
                                                     value));
      }
      wait.limit = *number;
    }
    if (name == "wait") {
      wait_seconds = std::min<uint64_t>(*number, options_.max_wait.count());
    }
  }
  wait.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(wait_seconds);
  std::optional<ApiResponse> response = AnswerChanges(wait, /*final=*/wait_seconds == 0);
  if (response) return std::move(*response);
  return wait;
}

std::optional<ApiResponse> ApiHandler::AnswerChanges(const ChangesWait& wait, bool final) {
  uint64_t last_seq = source_->LastSeq();
  std::vector<ChangeEvent> events;
  if (last_seq > wait.after) {
    auto read = source_->ReadChanges(wait.after, wait.limit);
    if (!read.ok()) return ErrorResponse(read.status().WithContext("reading the change feed"));
    events = std::move(read).value();
  }
  if (events.empty() && !final) return std::nullopt;

  ApiResponse response{200, std::string(kNdjson), std::string(), {}};
  size_t total = 0;
  for (const auto& event : events) total += event.json.size() + 1;
  response.body.reserve(total);
  for (const auto& event : events) {
    response.body += event.json;
    response.body += '\n';
  }
  uint64_t next_after = events.empty() ? wait.after : events.back().seq;
  // The cursor for the next request, and how far behind the feed's head the client is.
  response.headers.emplace_back("X-Newscrawl-Next-After", std::to_string(next_after));
  response.headers.emplace_back("X-Newscrawl-Last-Seq",
                                std::to_string(std::max(last_seq, next_after)));
  return response;
}

ApiResponse ApiHandler::ArticleById(std::string_view id) {
  if (!IsArticleId(id)) {
    return ErrorResponse(Status::InvalidArgument(
        "article id must be 16 lowercase hex digits, got \"" + std::string(id) + "\""));
  }
  auto record = source_->GetArticleById(id);
  if (!record.ok()) return ErrorResponse(record.status());
  return ApiResponse{200, std::string(kJson), std::move(record).value() + "\n", {}};
}

ApiResponse ApiHandler::ArticleByUrl(std::string_view query) {
  auto params = ParseQuery(query);
  if (!params.ok()) return ErrorResponse(params.status());
  std::string url;
  for (const auto& [name, value] : *params) {
    if (name != "url") {
      return ErrorResponse(
          Status::InvalidArgument("unknown query parameter \"" + name + "\"; expected url"));
    }
    url = value;
  }
  if (url.empty()) {
    return ErrorResponse(Status::InvalidArgument(
        "missing query parameter url: use /v1/articles?url=<percent-encoded URL> or "
        "/v1/articles/<id>"));
  }
  auto record = source_->GetArticleByUrl(url);
  if (!record.ok()) return ErrorResponse(record.status());
  return ApiResponse{200, std::string(kJson), std::move(record).value() + "\n", {}};
}

}  // namespace newscrawl::server
