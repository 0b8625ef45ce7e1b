// UTF-8 scans (utf8_scan.h) and IsValidUtf8 (charset.h).
#include "parser/utf8_scan.h"

#include "parser/charset.h"

namespace newscrawl {
namespace utf8 {

Utf8Evidence InspectUtf8(std::string_view s) {
  Utf8Evidence e;
  ScanUtf8(
      s, [](size_t, size_t) {}, [&](size_t, size_t) { ++e.multibyte; },
      [&](size_t, size_t) { ++e.invalid; });
  return e;
}

std::string SanitizeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  ScanUtf8(
      s, [&](size_t b, size_t e) { out.append(s.data() + b, e - b); },
      [&](size_t b, size_t len) { out.append(s.data() + b, len); },
      [&](size_t, size_t) { out.append("\xEF\xBF\xBD"); });
  return out;
}

}  // namespace utf8

bool IsValidUtf8(std::string_view bytes) { return utf8::InspectUtf8(bytes).Valid(); }

}  // namespace newscrawl
