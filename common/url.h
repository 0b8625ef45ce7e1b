// URLs: parsing, RFC 3986 reference resolution and canonicalisation for dedup.
//
// Pure functions, no I/O, thread-safe. Only absolute URLs with a scheme are accepted by ParseUrl;
// relative references are resolved against a base with ResolveUrl. Hosts are kept lower-case;
// internationalised host names are converted to punycode (IDNA, via ICU).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace newscrawl {

struct Url {
  std::string scheme;    // lower-case, without ':'
  std::string userinfo;  // without '@'; empty when absent
  std::string host;      // lower-case (punycode for IDN); IPv6 literals keep their brackets
  std::string port;      // digits only; empty when absent
  std::string path;      // as given (percent-encoding preserved); "" or starts with '/'
  std::string query;     // without '?'; empty when absent (see has_query)
  std::string fragment;  // without '#'; empty when absent (see has_fragment)
  bool has_query = false;
  bool has_fragment = false;
  bool has_authority = false;  // "//" present; ToString writes "//" also whenever host is set

  // The URL as a string, components re-joined per RFC 3986 §5.3.
  std::string ToString() const;
  // "scheme://host[:port]" with the port only when it is not the scheme's default.
  std::string Origin() const;
  // The port as a number: the explicit one, else 80 for http, 443 for https, 0 when unknown.
  int EffectivePort() const;
};

// Parses an absolute URL. Leading/trailing ASCII whitespace is stripped, tabs and newlines inside
// are removed (as browsers do). Fails with InvalidArgument naming what is wrong ("no scheme",
// "empty host", "bad port") for anything else.
Result<Url> ParseUrl(std::string_view text);

// Resolves `reference` (absolute or relative, e.g. "../a?b", "//cdn/x", "#top") against `base`
// per RFC 3986 §5.2, removing dot segments. Fails when the reference is malformed.
Result<Url> ResolveUrl(const Url& base, std::string_view reference);

// Convenience for extractors: resolves `reference` against the absolute URL `base` and returns
// the result as a string; returns "" when either is unusable (never throws).
// The result has spaces, quotes and non-ASCII bytes percent-encoded (fetchable as it is).
std::string ResolveUrlString(std::string_view base, std::string_view reference);

// The same with a base parsed once (ParseUrl) for all the links of a page: saves a parse per link.
std::string ResolveUrlString(const Url& base, std::string_view reference);

struct CanonicalizeOptions {
  bool drop_fragment = true;         // "#section" never names a different article
  bool drop_tracking_params = true;  // utm_*, fbclid, gclid, ... (see url.cc for the full list)
  bool sort_query = true;            // order parameters by name so permutations collapse
};

// Canonical form used as the dedup key (RFC 3986 §6.2.2 and §6.2.3 normalisation): lower-case
// scheme and host, IDN to punycode, default port removed, percent-encoding normalised (unreserved
// characters decoded, hex upper-case), dot segments removed, empty path -> "/", fragment and
// tracking parameters dropped, id-like parameters kept. Fails like ParseUrl.
Result<std::string> CanonicalizeUrl(std::string_view url, const CanonicalizeOptions& options = {});

// The host of an absolute URL, lower-case; "" when it does not parse.
std::string HostOf(std::string_view url);

// True when both URLs belong to the same site: equal hosts after removing a leading "www.",
// "m.", "mobile." or "amp." label. Used to decide whether a page's rel=canonical may be trusted.
bool SameSite(std::string_view url_a, std::string_view url_b);

}  // namespace newscrawl
