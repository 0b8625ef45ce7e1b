// DecodeHtml: see charset.h for the order of rules and the mis-declaration override.
#include "parser/charset.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/ustring.h>

#include <array>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "common/text.h"

namespace newscrawl {
namespace {

// Detection and the extended meta scan look at this many bytes at most.
constexpr size_t kDetectPrefix = 64 * 1024;
constexpr size_t kPrescanLimit = 4096;
constexpr size_t kExtendedPrescanLimit = 32 * 1024;

// `s` without surrounding whitespace and one pair of surrounding quotes.
std::string_view TrimSpaceAndQuotes(std::string_view s) {
  s = text::TrimAsciiSpace(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

// What a UTF-8 validation pass found.
struct Utf8Evidence {
  size_t multibyte = 0;  // well-formed non-ASCII sequences
  size_t invalid = 0;    // maximal ill-formed subparts (each becomes one U+FFFD)
  bool AllAscii() const { return multibyte == 0 && invalid == 0; }
  bool Valid() const { return invalid == 0; }
  // Mostly UTF-8 with a few stray bytes (e.g. a Latin-1 ad snippet inside a UTF-8 template).
  // Legacy text almost never forms valid multi-byte sequences by chance, so a clear majority of
  // valid ones means UTF-8.
  bool Plausible() const { return invalid == 0 || multibyte >= 4 * invalid; }
  // A page that declares UTF-8 keeps it unless most non-ASCII sequences are broken.
  bool AcceptsDeclaredUtf8() const { return invalid == 0 || multibyte >= invalid; }
};

// Length of the well-formed UTF-8 sequence at s[i], or 0 when ill-formed (per Unicode Table 3-7).
size_t SequenceLength(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  unsigned char c = p[i];
  auto cont = [&](size_t k, unsigned char lo, unsigned char hi) {
    return i + k < n && p[i + k] >= lo && p[i + k] <= hi;
  };
  if (c >= 0xC2 && c <= 0xDF) return cont(1, 0x80, 0xBF) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
    return cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;
  }
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2, 0x80, 0xBF) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) {
    return cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  }
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
  return 0;
}

// Number of bytes of the maximal ill-formed subpart starting at s[i] (at least 1).
size_t IllFormedLength(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  unsigned char c = p[i];
  size_t need = (c >= 0xC2 && c <= 0xDF)   ? 1
                : (c >= 0xE0 && c <= 0xEF) ? 2
                : (c >= 0xF0 && c <= 0xF4) ? 3
                                           : 0;
  size_t k = 1;
  for (; k <= need && i + k < s.size(); ++k) {
    unsigned char lo = 0x80, hi = 0xBF;
    if (k == 1) {
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    if (p[i + k] < lo || p[i + k] > hi) break;
  }
  return k;
}

template <typename OnAscii, typename OnSequence, typename OnInvalid>
void ScanUtf8(std::string_view s, OnAscii on_ascii, OnSequence on_seq, OnInvalid on_invalid) {
  size_t i = 0, n = s.size();
  while (i < n) {
    size_t run = i;
    // Skip ASCII eight bytes at a time.
    while (run + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s.data() + run, 8);
      if (word & 0x8080808080808080ULL) break;
      run += 8;
    }
    while (run < n && static_cast<unsigned char>(s[run]) < 0x80) ++run;
    if (run > i) on_ascii(i, run);
    i = run;
    if (i >= n) break;
    size_t len = SequenceLength(s, i);
    if (len > 0) {
      on_seq(i, len);
      i += len;
    } else {
      size_t bad = IllFormedLength(s, i);
      on_invalid(i, bad);
      i += bad;
    }
  }
}

Utf8Evidence InspectUtf8(std::string_view s) {
  Utf8Evidence e;
  ScanUtf8(
      s, [](size_t, size_t) {}, [&](size_t, size_t) { ++e.multibyte; },
      [&](size_t, size_t) { ++e.invalid; });
  return e;
}

// Copies `s` replacing every maximal ill-formed subpart by U+FFFD.
std::string SanitizeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  ScanUtf8(
      s, [&](size_t b, size_t e) { out.append(s.data() + b, e - b); },
      [&](size_t b, size_t len) { out.append(s.data() + b, len); },
      [&](size_t, size_t) { out.append("\xEF\xBF\xBD"); });
  return out;
}

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

bool IsValidUtf8(std::string_view bytes) { return InspectUtf8(bytes).Valid(); }

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
