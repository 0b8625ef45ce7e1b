// URL parsing and RFC 3986 §5.2 reference resolution. Canonicalisation is in url_canonical.cc.
//
// Hand-written scanner (no regex, no allocation beyond the components): it runs for every link
// of every fetched page. ICU is touched only for hosts that are not plain ASCII.
#include <arpa/inet.h>
#include <unicode/uidna.h>

#include <algorithm>
#include <memory>

#include "common/text.h"
#include "common/url.h"
#include "common/url_internal.h"

namespace newscrawl {
namespace url_internal {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Length of the scheme at the start of `s` (excluding ':'), or 0 when there is none.
size_t SchemeLength(std::string_view s) {
  if (s.empty() || !IsAlpha(s[0])) return 0;
  for (size_t i = 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == ':') return i;
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  return 0;
}

struct UidnaCloser {
  void operator()(UIDNA* p) const { uidna_close(p); }
};

Result<std::string> IdnToAscii(std::string_view host) {
  UErrorCode status = U_ZERO_ERROR;
  // UTS #46 nontransitional processing, as current browsers do ("faß.de" stays distinct).
  std::unique_ptr<UIDNA, UidnaCloser> idna(
      uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI, &status));
  if (U_FAILURE(status))
    return Status::Internal("IDNA unavailable: " + std::string(u_errorName(status)));
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  std::string out(host.size() * 4 + 64, '\0');
  int32_t length =
      uidna_nameToASCII_UTF8(idna.get(), host.data(), static_cast<int32_t>(host.size()), out.data(),
                             static_cast<int32_t>(out.size()), &info, &status);
  if (U_FAILURE(status) || info.errors != 0) {
    return Status::InvalidArgument("bad host '" + std::string(host) + "' (not a valid IDN name)");
  }
  out.resize(static_cast<size_t>(length));
  return out;
}

// WHATWG's forbidden host code points plus '%' (escapes are decoded before the check).
bool IsForbiddenHostChar(char c) {
  switch (c) {
    case ' ':
    case '#':
    case '%':
    case '/':
    case ':':
    case '<':
    case '>':
    case '?':
    case '@':
    case '[':
    case '\\':
    case ']':
    case '^':
    case '|':
    case 0x7F:
      return true;
    default:
      return static_cast<unsigned char>(c) < 0x20;
  }
}

}  // namespace

// Browsers strip leading/trailing C0 controls and spaces and drop tabs and newlines inside.
std::string CleanInput(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && static_cast<unsigned char>(text[begin]) <= 0x20) ++begin;
  while (end > begin && static_cast<unsigned char>(text[end - 1]) <= 0x20) --end;
  std::string_view trimmed = text.substr(begin, end - begin);
  // (find_first_of would call memchr over the set once per byte.)
  if (std::none_of(trimmed.begin(), trimmed.end(),
                   [](char c) { return c == '\t' || c == '\n' || c == '\r'; })) {
    return std::string(trimmed);
  }
  std::string out;
  out.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    char c = text[i];
    if (c != '\t' && c != '\n' && c != '\r') out.push_back(c);
  }
  return out;
}

Result<std::string> NormalizeHost(std::string_view raw) {
  if (raw.empty()) return std::string();
  if (raw.front() == '[') {
    if (raw.back() != ']')
      return Status::InvalidArgument("bad IPv6 literal '" + std::string(raw) + "'");
    std::string literal(raw.substr(1, raw.size() - 2));
    in6_addr address;
    if (inet_pton(AF_INET6, literal.c_str(), &address) != 1) {
      return Status::InvalidArgument("bad IPv6 literal '" + std::string(raw) + "'");
    }
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &address, text, sizeof(text));  // RFC 5952 form: lower-case, "::"
    return "[" + std::string(text) + "]";
  }
  std::string host;
  host.reserve(raw.size());
  bool ascii = true;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%' && i + 2 < raw.size() && text::HexDigitValue(raw[i + 1]) >= 0 &&
        text::HexDigitValue(raw[i + 2]) >= 0) {
      c = static_cast<char>(text::HexDigitValue(raw[i + 1]) * 16 + text::HexDigitValue(raw[i + 2]));
      i += 2;
    }
    if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
    if (IsForbiddenHostChar(c))
      return Status::InvalidArgument("bad host '" + std::string(raw) + "'");
    host.push_back(text::AsciiLower(c));
  }
  if (ascii && host.find("xn--") == std::string::npos) return host;
  Result<std::string> idn = IdnToAscii(host);
  // UTS #46 without STD3 rules lets through ASCII that cannot stand in a host ("a b").
  if (idn.ok() && std::any_of(idn->begin(), idn->end(), IsForbiddenHostChar)) {
    return Status::InvalidArgument("bad host '" + std::string(raw) + "'");
  }
  return idn;
}

Status ParseReference(std::string_view text, Url* url, bool* has_scheme) {
  *url = Url();
  size_t scheme_length = SchemeLength(text);
  *has_scheme = scheme_length > 0;
  if (*has_scheme) {
    url->scheme.reserve(scheme_length);
    for (size_t i = 0; i < scheme_length; ++i) url->scheme.push_back(text::AsciiLower(text[i]));
    text.remove_prefix(scheme_length + 1);
  }
  if (size_t hash = text.find('#'); hash != std::string_view::npos) {
    url->has_fragment = true;
    url->fragment = std::string(text.substr(hash + 1));
    text = text.substr(0, hash);
  }
  if (size_t question = text.find('?'); question != std::string_view::npos) {
    url->has_query = true;
    url->query = std::string(text.substr(question + 1));
    text = text.substr(0, question);
  }
  if (text.size() >= 2 && text[0] == '/' && text[1] == '/') {
    url->has_authority = true;
    text.remove_prefix(2);
    size_t authority_end = text.find('/');
    std::string_view authority = text.substr(0, authority_end);
    text =
        authority_end == std::string_view::npos ? std::string_view() : text.substr(authority_end);
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
      url->userinfo = std::string(authority.substr(0, at));
      authority.remove_prefix(at + 1);
    }
    std::string_view host = authority;
    size_t colon = std::string_view::npos;
    if (!authority.empty() && authority[0] == '[') {
      size_t close = authority.find(']');
      if (close == std::string_view::npos) {
        return Status::InvalidArgument("bad IPv6 literal (no ']')");
      }
      host = authority.substr(0, close + 1);
      if (close + 1 < authority.size()) {
        if (authority[close + 1] != ':') return Status::InvalidArgument("bad port");
        colon = close + 1;
      }
    } else {
      colon = authority.rfind(':');
      if (colon != std::string_view::npos) host = authority.substr(0, colon);
    }
    if (colon != std::string_view::npos) {
      std::string_view port = authority.substr(colon + 1);
      if (!std::all_of(port.begin(), port.end(), IsDigit)) {
        return Status::InvalidArgument("bad port '" + std::string(port) + "'");
      }
      size_t first_nonzero = port.find_first_not_of('0');
      port = first_nonzero == std::string_view::npos
                 ? (port.empty() ? port : port.substr(port.size() - 1))
                 : port.substr(first_nonzero);
      if (port.size() > 5 || (!port.empty() && std::stoi(std::string(port)) > 65535)) {
        return Status::InvalidArgument("bad port '" + std::string(port) + "' (above 65535)");
      }
      url->port = std::string(port);
    }
    Result<std::string> normalized = NormalizeHost(host);
    if (!normalized.ok()) return normalized.status();
    url->host = std::move(normalized).value();
  }
  url->path = std::string(text);
  return Status::Ok();
}

std::string RemoveDotSegments(std::string_view path) {
  // RFC 3986 §5.2.4, as a stack of output segments: each input segment is appended, "." is
  // dropped, ".." pops the last output segment.
  std::string out;
  out.reserve(path.size());
  size_t i = 0;
  while (i < path.size()) {
    std::string_view rest = path.substr(i);
    if (rest.substr(0, 3) == "../") {
      i += 3;
    } else if (rest.substr(0, 2) == "./") {
      i += 2;
    } else if (rest.substr(0, 3) == "/./") {
      i += 2;  // leaves "/"
    } else if (rest == "/.") {
      out.push_back('/');
      break;
    } else if (rest.substr(0, 4) == "/../" || rest == "/..") {
      size_t last = out.rfind('/');
      out.resize(last == std::string::npos ? 0 : last);
      if (rest == "/..") {
        out.push_back('/');
        break;
      }
      i += 3;  // leaves "/"
    } else if (rest == "." || rest == "..") {
      break;
    } else {
      size_t next = path.find('/', i + 1);
      if (next == std::string_view::npos) next = path.size();
      out.append(path.substr(i, next - i));
      i = next;
    }
  }
  return out;
}

}  // namespace url_internal

using url_internal::ParseReference;
using url_internal::RemoveDotSegments;

std::string Url::ToString() const {
  std::string out;
  out.reserve(scheme.size() + userinfo.size() + host.size() + path.size() + query.size() +
              fragment.size() + 16);
  if (!scheme.empty()) out.append(scheme).push_back(':');
  if (has_authority || !host.empty()) {
    out.append("//");
    if (!userinfo.empty()) out.append(userinfo).push_back('@');
    out.append(host);
    if (!port.empty()) out.append(":").append(port);
  }
  out.append(path);
  if (has_query) out.append("?").append(query);
  if (has_fragment) out.append("#").append(fragment);
  return out;
}

int Url::EffectivePort() const {
  if (!port.empty()) {
    // Hand-filled Urls may hold anything: no exception, 0 for what is not a port.
    int value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535) return 0;
      value = value * 10 + (c - '0');
    }
    return value <= 65535 ? value : 0;
  }
  return url_internal::DefaultPort(scheme);
}

std::string Url::Origin() const {
  std::string out = scheme + "://" + host;
  if (!port.empty() && EffectivePort() != url_internal::DefaultPort(scheme)) out += ":" + port;
  return out;
}

Result<Url> ParseUrl(std::string_view text) {
  std::string cleaned = url_internal::CleanInput(text);
  Url url;
  bool has_scheme = false;
  NC_RETURN_IF_ERROR(ParseReference(cleaned, &url, &has_scheme));
  if (!has_scheme) return Status::InvalidArgument("no scheme in URL '" + cleaned + "'");
  if (url_internal::IsSpecialScheme(url.scheme) && url.host.empty()) {
    return Status::InvalidArgument("empty host in URL '" + cleaned + "'");
  }
  return url;
}

Result<Url> ResolveUrl(const Url& base, std::string_view reference) {
  if (base.scheme.empty()) return Status::InvalidArgument("base URL has no scheme");
  std::string cleaned = url_internal::CleanInput(reference);
  Url ref;
  bool has_scheme = false;
  NC_RETURN_IF_ERROR(ParseReference(cleaned, &ref, &has_scheme));
  // RFC 3986 §5.2.2 (strict: a reference with a scheme is never relative).
  Url target;
  if (has_scheme) {
    target = std::move(ref);
    target.path = RemoveDotSegments(target.path);
  } else {
    target.scheme = base.scheme;
    if (ref.has_authority) {
      target.has_authority = true;
      target.userinfo = std::move(ref.userinfo);
      target.host = std::move(ref.host);
      target.port = std::move(ref.port);
      target.path = RemoveDotSegments(ref.path);
      target.query = std::move(ref.query);
      target.has_query = ref.has_query;
    } else {
      target.has_authority = base.has_authority || !base.host.empty();
      target.userinfo = base.userinfo;
      target.host = base.host;
      target.port = base.port;
      if (ref.path.empty()) {
        target.path = base.path;
        target.has_query = ref.has_query || base.has_query;
        target.query = ref.has_query ? std::move(ref.query) : base.query;
      } else {
        if (ref.path[0] == '/') {
          target.path = RemoveDotSegments(ref.path);
        } else {
          // §5.2.3 merge.
          std::string merged;
          if (target.has_authority && base.path.empty()) {
            merged = "/" + ref.path;
          } else {
            size_t slash = base.path.rfind('/');
            merged = (slash == std::string::npos ? std::string() : base.path.substr(0, slash + 1)) +
                     ref.path;
          }
          target.path = RemoveDotSegments(merged);
        }
        target.query = std::move(ref.query);
        target.has_query = ref.has_query;
      }
    }
  }
  target.fragment = std::move(ref.fragment);
  target.has_fragment = ref.has_fragment;
  return target;
}

std::string ResolveUrlString(const Url& base, std::string_view reference) {
  Result<Url> resolved = ResolveUrl(base, reference);
  if (!resolved.ok()) return "";
  if (url_internal::IsSpecialScheme(resolved->scheme) && resolved->host.empty()) return "";
  // Make the result fetchable: spaces, quotes and non-ASCII bytes percent-encoded.
  resolved->path = url_internal::EncodeDisallowed(resolved->path);
  resolved->query = url_internal::EncodeDisallowed(resolved->query);
  resolved->fragment = url_internal::EncodeDisallowed(resolved->fragment);
  return resolved->ToString();
}

std::string ResolveUrlString(std::string_view base, std::string_view reference) {
  Result<Url> parsed_base = ParseUrl(base);
  return parsed_base.ok() ? ResolveUrlString(*parsed_base, reference) : std::string();
}

std::string HostOf(std::string_view url) {
  Result<Url> parsed = ParseUrl(url);
  return parsed.ok() ? parsed->host : std::string();
}

bool SameSite(std::string_view url_a, std::string_view url_b) {
  auto site = [](std::string_view url) {
    std::string host = HostOf(url);
    for (std::string_view prefix : {"www.", "m.", "mobile.", "amp."}) {
      if (host.size() > prefix.size() && host.compare(0, prefix.size(), prefix) == 0) {
        return host.substr(prefix.size());
      }
    }
    return host;
  };
  std::string a = site(url_a);
  return !a.empty() && a == site(url_b);
}

}  // namespace newscrawl
