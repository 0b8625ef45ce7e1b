// Helpers shared by url.cc and url_canonical.cc. Internal to nc_common: not an API.
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"
#include "common/url.h"

namespace newscrawl {
namespace url_internal {

// Strips leading/trailing C0 controls and spaces, drops tabs and newlines inside.
std::string CleanInput(std::string_view text);

// Parses a URI reference (absolute or relative) into `url`; *has_scheme tells which. The host is
// normalised (NormalizeHost). Fails on a bad port or host.
Status ParseReference(std::string_view text, Url* url, bool* has_scheme);

// Lower-case ASCII host, percent-decoded; IDN to punycode (UTS #46); IPv6 literal in RFC 5952
// form with brackets. Fails with InvalidArgument naming the host.
Result<std::string> NormalizeHost(std::string_view raw);

// RFC 3986 §5.2.4.
std::string RemoveDotSegments(std::string_view path);

// 80 for http/ws, 443 for https/wss, 21 for ftp, else 0.
int DefaultPort(std::string_view scheme);

// http, https, ws, wss, ftp: schemes whose URLs must have a host.
bool IsSpecialScheme(std::string_view scheme);

// Percent-encodes bytes that may not appear in a URL (controls, space, non-ASCII, "<>\"\\^`{|}");
// leaves everything else, including existing escapes, alone.
std::string EncodeDisallowed(std::string_view s);

// EncodeDisallowed plus RFC 3986 §6.2.2: escapes of unreserved characters decoded, hex digits
// of the rest upper-case, a '%' not starting an escape encoded as "%25".
std::string NormalizePercentEncoding(std::string_view s);

// True for query parameter names that only track the reader (utm_*, fbclid, ...).
bool IsTrackingParameter(std::string_view name);

}  // namespace url_internal
}  // namespace newscrawl
