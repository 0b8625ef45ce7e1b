// URL canonicalisation for dedup (RFC 3986 §6.2.2, §6.2.3) and the tracking-parameter list.
#include <algorithm>
#include <vector>

#include "common/text.h"
#include "common/url.h"
#include "common/url_internal.h"

namespace newscrawl {
namespace url_internal {
namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";

bool IsUnreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool IsDisallowed(unsigned char c) {
  switch (c) {
    case '"':
    case '<':
    case '>':
    case '\\':
    case '^':
    case '`':
    case '{':
    case '|':
    case '}':
      return true;
    default:
      return c <= 0x20 || c >= 0x7F;
  }
}

void AppendEscape(unsigned char c, std::string* out) {
  out->push_back('%');
  out->push_back(kUpperHex[c >> 4]);
  out->push_back(kUpperHex[c & 0xF]);
}

// Parameters that identify a campaign, a click or a share, never the article. Lower-case.
// Prefixes only where the whole prefix belongs to one analytics product (utm_: Google Analytics,
// mtm_: Matomo); other products' parameters are listed by name so that "pk_id" stays.
constexpr std::string_view kTrackingPrefixes[] = {"utm_", "mtm_"};
constexpr std::string_view kTrackingNames[] = {
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid",
    "yclid", "igshid", "igsh", "twclid", "ttclid", "li_fat_id", "epik", "_ga", "_gl", "_hsenc",
    "_hsmi", "__hstc", "__hssc", "__hsfp", "hsctatracking", "ref_src", "ref_url", "spm", "scm",
    "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv", "rb_clickid", "s_cid", "xtor",
    "wt_mc", "wt_zmc", "smid", "smtyp", "ocid", "cmp", "fb_action_ids", "fb_action_types", "fb_ref",
    "fb_source", "action_object_map", "action_type_map", "action_ref_map", "guccounter",
    "guce_referrer", "guce_referrer_sig", "__twitter_impression", "sr_share", "soc_src", "soc_trk",
    "trk", "trkcampaign", "share_id", "ito", "icid",
    // Matomo / Piwik, comScore, AT Internet.
    "pk_campaign", "pk_kwd", "pk_source", "pk_medium", "pk_content", "pk_cid", "ns_mchannel",
    "ns_source", "ns_campaign", "ns_linkname", "ns_fee", "at_medium", "at_campaign", "at_source",
    "at_creation", "at_format", "at_link", "at_send_date", "at_custom1", "at_custom2"};

}  // namespace

int DefaultPort(std::string_view scheme) {
  if (scheme == "http" || scheme == "ws") return 80;
  if (scheme == "https" || scheme == "wss") return 443;
  if (scheme == "ftp") return 21;
  return 0;
}

bool IsSpecialScheme(std::string_view scheme) { return DefaultPort(scheme) != 0; }

std::string EncodeDisallowed(std::string_view s) {
  if (std::none_of(s.begin(), s.end(), [](char c) { return IsDisallowed(c); })) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (IsDisallowed(c)) {
      AppendEscape(c, &out);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string NormalizePercentEncoding(std::string_view s) {
  if (std::none_of(s.begin(), s.end(), [](char c) { return c == '%' || IsDisallowed(c); })) {
    return std::string(s);
  }
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '%') {
      int high = i + 2 < s.size() ? text::HexDigitValue(s[i + 1]) : -1;
      int low = high >= 0 ? text::HexDigitValue(s[i + 2]) : -1;
      if (low < 0) {
        out.append("%25");
        continue;
      }
      auto decoded = static_cast<unsigned char>(high * 16 + low);
      if (IsUnreserved(decoded)) {
        out.push_back(static_cast<char>(decoded));
      } else {
        AppendEscape(decoded, &out);
      }
      i += 2;
    } else if (IsDisallowed(c)) {
      AppendEscape(c, &out);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

bool IsTrackingParameter(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  for (std::string_view prefix : kTrackingPrefixes) {
    if (lower.size() > prefix.size() && lower.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return std::find(std::begin(kTrackingNames), std::end(kTrackingNames), lower) !=
         std::end(kTrackingNames);
}

}  // namespace url_internal

namespace {

std::string CanonicalQuery(std::string_view query, const CanonicalizeOptions& options) {
  struct Param {
    std::string name;
    std::string text;  // "name=value" or "name", normalised
  };
  std::vector<Param> params;
  size_t start = 0;
  while (start <= query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view raw = query.substr(start, end - start);
    start = end + 1;
    if (raw.empty()) continue;
    Param param;
    param.text = url_internal::NormalizePercentEncoding(raw);
    param.name = param.text.substr(0, param.text.find('='));
    if (options.drop_tracking_params && url_internal::IsTrackingParameter(param.name)) continue;
    params.push_back(std::move(param));
  }
  if (options.sort_query) {
    // Stable: repeated names ("tag=a&tag=b") keep their order, which may matter.
    std::stable_sort(params.begin(), params.end(),
                     [](const Param& a, const Param& b) { return a.name < b.name; });
  }
  std::string out;
  for (const Param& param : params) {
    if (!out.empty()) out.push_back('&');
    out.append(param.text);
  }
  return out;
}

}  // namespace

Result<std::string> CanonicalizeUrl(std::string_view url, const CanonicalizeOptions& options) {
  Result<Url> parsed = ParseUrl(url);
  if (!parsed.ok()) return parsed.status();
  Url& u = *parsed;
  // "example.com." and "example.com" name the same host.
  while (u.host.size() > 1 && u.host.back() == '.') u.host.pop_back();
  if (!u.port.empty() && std::stoi(u.port) == url_internal::DefaultPort(u.scheme)) u.port.clear();
  u.userinfo = url_internal::NormalizePercentEncoding(u.userinfo);
  u.path = url_internal::RemoveDotSegments(url_internal::NormalizePercentEncoding(u.path));
  if (u.path.empty() && (u.has_authority || !u.host.empty())) u.path = "/";
  if (u.has_query) {
    u.query = CanonicalQuery(u.query, options);
    u.has_query = !u.query.empty();
  }
  if (options.drop_fragment) {
    u.fragment.clear();
    u.has_fragment = false;
  } else {
    u.fragment = url_internal::NormalizePercentEncoding(u.fragment);
  }
  return u.ToString();
}

}  // namespace newscrawl
