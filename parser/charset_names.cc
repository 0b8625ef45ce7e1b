// CanonicalCharsetName (charset.h): charset labels as pages and servers write them, mapped to the
// names the WHATWG Encoding Standard decodes them as, then to ICU's MIME/IANA names.
#include "parser/charset.h"

#include <unicode/ucnv.h>

#include <string>
#include <string_view>

#include "common/text.h"

namespace newscrawl {
namespace {

// `s` without surrounding whitespace and one pair of surrounding quotes.
std::string_view TrimSpaceAndQuotes(std::string_view s) {
  s = text::TrimAsciiSpace(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

}  // namespace

std::string CanonicalCharsetName(std::string_view label_in) {
  std::string label = text::AsciiLower(TrimSpaceAndQuotes(label_in));
  if (label.empty()) return "";
  // WHATWG Encoding Standard aliases that differ from ICU's notion or matter most.
  struct Alias {
    const char* label;
    const char* name;
  };
  static const Alias kAliases[] = {
      {"utf-8", "utf-8"},
      {"utf8", "utf-8"},
      {"unicode-1-1-utf-8", "utf-8"},
      {"x-unicode20utf8", "utf-8"},
      {"iso-8859-1", "windows-1252"},
      {"iso8859-1", "windows-1252"},
      {"iso_8859-1", "windows-1252"},
      {"latin1", "windows-1252"},
      {"l1", "windows-1252"},
      {"us-ascii", "windows-1252"},
      {"ascii", "windows-1252"},
      {"ansi_x3.4-1968", "windows-1252"},
      {"cp1252", "windows-1252"},
      {"x-cp1252", "windows-1252"},
      {"cp819", "windows-1252"},
      {"ibm819", "windows-1252"},
      {"iso-ir-100", "windows-1252"},
      {"csisolatin1", "windows-1252"},
      {"iso-8859-9", "windows-1254"},
      {"latin5", "windows-1254"},
      {"iso-8859-11", "windows-874"},
      {"tis-620", "windows-874"},
      {"x-user-defined", "windows-1252"},
      {"cp1258", "windows-1258"},
      {"x-cp1258", "windows-1258"},
      {"gb2312", "gbk"},
      {"x-gbk", "gbk"},
      {"gbk", "gbk"},
      {"cp936", "gbk"},
      {"ks_c_5601-1987", "euc-kr"},
      {"windows-949", "euc-kr"},
      {"sjis", "shift_jis"},
      {"x-sjis", "shift_jis"},
      {"ms932", "shift_jis"},
      {"windows-31j", "shift_jis"},
      {"big5-hkscs", "big5"},
      {"utf-16", "utf-16le"},
      {"unicode", "utf-16le"},
      {"ucs-2", "utf-16le"},
      {"binary", ""},
      {"none", ""},
  };
  for (const Alias& a : kAliases) {
    if (label == a.label) return a.name;
  }
  // ICU resolves a label only within one naming standard; try the ones web pages use.
  const char* canonical = nullptr;
  for (const char* standard : {"WINDOWS", "IANA", "MIME"}) {
    UErrorCode err = U_ZERO_ERROR;
    canonical = ucnv_getCanonicalName(label.c_str(), standard, &err);
    if (U_SUCCESS(err) && canonical != nullptr) break;
    canonical = nullptr;
  }
  if (canonical == nullptr) return "";
  // Prefer the MIME or IANA name ("windows-1258") over ICU's internal one ("ibm-5354_P100-1998").
  for (const char* standard : {"MIME", "IANA", "WINDOWS"}) {
    UErrorCode err = U_ZERO_ERROR;
    const char* name = ucnv_getStandardName(canonical, standard, &err);
    if (U_SUCCESS(err) && name != nullptr) return text::AsciiLower(name);
  }
  return text::AsciiLower(canonical);
}

}  // namespace newscrawl
