// DecodeHtml and NormalizeNfc (charset.h): the order of rules, detection and conversion. The UTF-8
// scans are in utf8_scan.h, charset labels in charset_names.cc, the meta prescan in
// meta_prescan.cc.
#include "parser/charset.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>

#include <array>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "common/text.h"
#include "parser/utf8_scan.h"

namespace newscrawl {
namespace {

using utf8::InspectUtf8;
using utf8::SanitizeUtf8;
using utf8::Utf8Evidence;

// Detection and the extended meta scan look at this many bytes at most.
constexpr size_t kDetectPrefix = 64 * 1024;
constexpr size_t kPrescanLimit = 4096;
constexpr size_t kExtendedPrescanLimit = 32 * 1024;

bool IsUtf16(std::string_view name) { return name.rfind("utf-16", 0) == 0; }

// A legacy single-byte Vietnamese page (windows-1258) that declares nothing: ICU's detector does
// not know windows-1258 and reports windows-1252. Its tone marks are the combining bytes
// 0xCC 0xEC 0xD2 0xDE 0xF2 right after a letter, and its ơ ư đ ă are 0xF5 0xFD 0xF0 0xE3.
bool LooksLikeWindows1258(std::string_view s) {
  size_t high = 0, marks = 0, letters = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) continue;
    ++high;
    bool after_letter = i > 0 && ((s[i - 1] | 0x20) >= 'a' && (s[i - 1] | 0x20) <= 'z');
    if ((c == 0xCC || c == 0xEC || c == 0xD2 || c == 0xDE || c == 0xF2) && after_letter) ++marks;
    if (c == 0xF5 || c == 0xFD || c == 0xF0 || c == 0xE3 || c == 0xD0 || c == 0xD5 || c == 0xDD) {
      ++letters;
    }
  }
  return marks >= 3 && letters >= 2 && marks * 5 >= high;
}

struct UcsdetCloser {
  void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};

// ICU's guess for `prefix`, canonicalised; "" when not confident or unusable.
std::string DetectCharset(std::string_view prefix) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, UcsdetCloser> det(ucsdet_open(&err));
  if (U_FAILURE(err)) return "";
  ucsdet_enableInputFilter(det.get(), true);  // ignore markup
  ucsdet_setText(det.get(), prefix.data(), static_cast<int32_t>(prefix.size()), &err);
  const UCharsetMatch* match = ucsdet_detect(det.get(), &err);
  if (U_FAILURE(err) || match == nullptr) return "";
  int32_t confidence = ucsdet_getConfidence(match, &err);
  const char* name = ucsdet_getName(match, &err);
  if (U_FAILURE(err) || name == nullptr) return "";
  std::string canonical = CanonicalCharsetName(name);
  // Short texts get weak guesses; only a confident one beats the Western default.
  if (confidence < (canonical == "windows-1252" ? 10 : 50)) return "";
  if (IsUtf16(canonical) || canonical.rfind("utf-32", 0) == 0) return "";  // no BOM: not UTF-16
  return canonical;
}

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};

// Converts `bytes` from the legacy charset `name` to UTF-8 (not yet NFC). Unmappable bytes
// become U+FFFD.
Result<std::string> ConvertToUtf8(std::string_view bytes, const std::string& name) {
  UErrorCode err = U_ZERO_ERROR;
  std::unique_ptr<UConverter, ConverterCloser> conv(ucnv_open(name.c_str(), &err));
  if (U_FAILURE(err)) {
    return Status::Internal("charset converter for " + name + " unavailable: " + u_errorName(err));
  }
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);
  std::array<UChar, 8192> buffer;
  const char* src = bytes.data();
  const char* src_end = bytes.data() + bytes.size();
  int32_t carry = 0;  // a lead surrogate kept from the previous round so pairs are not split
  while (true) {
    UChar* target = buffer.data() + carry;
    err = U_ZERO_ERROR;
    ucnv_toUnicode(conv.get(), &target, buffer.data() + buffer.size(), &src, src_end, nullptr, true,
                   &err);
    if (U_FAILURE(err) && err != U_BUFFER_OVERFLOW_ERROR) {
      return Status::Internal(std::string("decoding ") + name + " failed: " + u_errorName(err));
    }
    bool more = err == U_BUFFER_OVERFLOW_ERROR;
    int32_t count = static_cast<int32_t>(target - buffer.data());
    for (int32_t i = carry; i < count; ++i) {
      if (buffer[i] == 0x1A) buffer[i] = 0xFFFD;  // ICU's substitute for unmapped single bytes
    }
    carry = (more && count > 0 && U16_IS_LEAD(buffer[count - 1])) ? 1 : 0;
    int32_t needed = 0;
    UErrorCode uerr = U_ZERO_ERROR;
    size_t old = out.size();
    out.resize(old + static_cast<size_t>(count - carry) * 3);
    u_strToUTF8WithSub(out.data() + old, static_cast<int32_t>(out.size() - old), &needed,
                       buffer.data(), count - carry, 0xFFFD, nullptr, &uerr);
    if (U_FAILURE(uerr)) return Status::Internal("UTF-8 encoding failed");
    out.resize(old + static_cast<size_t>(needed));
    if (carry) buffer[0] = buffer[count - 1];
    if (!more) break;
  }
  return out;
}

}  // namespace

std::string NormalizeNfc(std::string_view text) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  if (U_FAILURE(err)) return std::string(text);
  icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
  if (nfc->isNormalizedUTF8(piece, err) && U_SUCCESS(err)) return std::string(text);
  err = U_ZERO_ERROR;
  std::string out;
  out.reserve(text.size());
  icu::StringByteSink<std::string> sink(&out);
  nfc->normalizeUTF8(0, piece, sink, nullptr, err);
  if (U_FAILURE(err)) return std::string(text);
  return out;
}

Result<DecodedHtml> DecodeHtml(std::string_view bytes, std::string_view caller_charset,
                               Normalization normalization) {
  DecodedHtml out;
  // 1. Byte-order mark.
  std::string bom_charset;
  if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0) {
    bom_charset = "utf-8";
    bytes.remove_prefix(3);
  } else if (bytes.size() >= 2 && bytes.compare(0, 2, "\xFF\xFE") == 0) {
    bom_charset = "utf-16le";
    bytes.remove_prefix(2);
  } else if (bytes.size() >= 2 && bytes.compare(0, 2, "\xFE\xFF") == 0) {
    bom_charset = "utf-16be";
    bytes.remove_prefix(2);
  }
  Utf8Evidence utf8;
  if (bom_charset.empty() || bom_charset == "utf-8") utf8 = InspectUtf8(bytes);

  std::string charset;
  if (!bom_charset.empty()) {
    charset = bom_charset;
    out.source = "bom";
  }
  // 2./3. Declarations: a declared UTF-8 must be plausible, a declared legacy charset loses to
  // bytes that are valid UTF-8 with non-ASCII content (mis-declared page).
  auto consider_declared = [&](std::string_view label, const char* source) {
    if (!charset.empty()) return;
    std::string name = CanonicalCharsetName(label);
    if (name.empty()) return;           // unknown label: ignored
    if (IsUtf16(name)) name = "utf-8";  // UTF-16 without BOM cannot be declared in-band
    if (name == "utf-8") {
      if (!utf8.AcceptsDeclaredUtf8()) return;
      charset = name;
      out.source = source;
    } else if (utf8.multibyte > 0 && utf8.Plausible()) {
      charset = "utf-8";
      out.source = "detected";
    } else {
      charset = name;
      out.source = source;
    }
  };
  std::string_view caller = caller_charset;
  if (size_t at = text::AsciiLower(caller).find("charset="); at != std::string::npos) {
    caller = caller.substr(at + 8);
    caller = caller.substr(0, caller.find(';'));
  } else if (caller.find('/') != std::string_view::npos) {
    caller = {};  // a Content-Type without charset
  }
  consider_declared(caller, "caller");
  if (charset.empty()) consider_declared(PrescanMetaCharset(bytes, kPrescanLimit), "meta");
  if (charset.empty() && !utf8.Plausible()) {
    // Legacy pages often declare their charset after a long <head>; look a little further.
    consider_declared(PrescanMetaCharset(bytes, kExtendedPrescanLimit), "meta");
  }
  // 4./5. Detection and defaults.
  if (charset.empty()) {
    if (utf8.AllAscii()) {
      charset = "utf-8";
      out.source = "default";
    } else if (utf8.Plausible()) {
      charset = "utf-8";
      out.source = "detected";
    } else {
      std::string_view prefix = bytes.substr(0, kDetectPrefix);
      std::string detected = DetectCharset(prefix);
      if (detected == "utf-8") detected.clear();  // not plausible, see above
      if ((detected.empty() || detected == "windows-1252") && LooksLikeWindows1258(prefix)) {
        detected = "windows-1258";
      }
      if (!detected.empty()) {
        charset = detected;
        out.source = "detected";
      } else {
        charset = "windows-1252";
        out.source = "default";
      }
    }
  }
  out.charset = charset;
  const bool nfc = normalization == Normalization::kNfc;
  if (charset == "utf-8") {
    if (utf8.Valid()) {
      out.utf8 = nfc ? NormalizeNfc(bytes) : std::string(bytes);
    } else {
      out.utf8 = nfc ? NormalizeNfc(SanitizeUtf8(bytes)) : SanitizeUtf8(bytes);
    }
    return out;
  }
  Result<std::string> converted = ConvertToUtf8(bytes, charset);
  if (!converted.ok()) return converted.status();
  out.utf8 = nfc ? NormalizeNfc(*converted) : std::move(*converted);
  return out;
}

}  // namespace newscrawl
