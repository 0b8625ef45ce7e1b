// The HTTP response inside a WARC `response` record: parsed with Boost.Beast's parser (status,
// headers, chunked transfer coding undone), then the content coding (gzip, deflate, br) undone,
// so `body` is what the fetcher would have handed to the parser.
//
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace newscrawl::warc {

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // as sent, in order
  std::string body;                                          // transfer and content codings undone
  // True when the message ended before its declared length (WARC-Truncated, a cut capture);
  // `body` holds what there was.
  bool partial = false;

  // The first value of header `name` (case-insensitive), or "".
  std::string_view Header(std::string_view name) const;
  // The charset parameter of Content-Type, lower-case ("" when absent).
  std::string Charset() const;
};

// Parses `message` (status line, headers, body as captured). Fails with InvalidArgument when the
// status line or headers cannot be parsed, or the content coding is unknown or broken; with
// ResourceExhausted when the decoded body would pass `max_body_bytes`.
Result<HttpResponse> ParseHttpResponse(std::string_view message, uint64_t max_body_bytes);

// Undoes a Content-Encoding value ("gzip", "x-gzip", "deflate", "br", "identity", "" or a list
// of them, applied in order). Output above `max_bytes` fails with ResourceExhausted.
Result<std::string> DecodeContent(std::string_view coding, std::string body, uint64_t max_bytes);

// True when the response is an HTML page: Content-Type text/html or application/xhtml+xml, or no
// Content-Type and a body that starts like HTML.
bool IsHtml(const HttpResponse& response);

}  // namespace newscrawl::warc
