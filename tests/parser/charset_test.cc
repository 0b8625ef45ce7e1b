#include "parser/charset.h"

#include <unicode/normalizer2.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <string>

#include <gtest/gtest.h>

namespace newscrawl {
namespace {

// Encodes UTF-8 `text` into `charset` with ICU (so the tests need no binary fixtures).
std::string Encode(const std::string& text, const char* charset) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
  UErrorCode err = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(charset, &err);
  EXPECT_TRUE(U_SUCCESS(err)) << charset;
  std::string out(static_cast<size_t>(u.length()) * 4 + 16, '\0');
  int32_t n = ucnv_fromUChars(conv, out.data(), static_cast<int32_t>(out.size()), u.getBuffer(),
                              u.length(), &err);
  ucnv_close(conv);
  EXPECT_TRUE(U_SUCCESS(err)) << u_errorName(err);
  out.resize(static_cast<size_t>(n));
  EXPECT_EQ(out.find('\x1A'), std::string::npos) << "unencodable text for " << charset;
  return out;
}

// Windows-1258 the way legacy Vietnamese pages store it: letters with circumflex, breve or horn
// precomposed (â ă ơ ư ...), tone marks as separate combining bytes (0xCC 0xEC 0xD2 0xDE 0xF2).
std::string EncodeWindows1258(const std::string& text) {
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  icu::UnicodeString decomposed = nfd->normalize(icu::UnicodeString::fromUTF8(text), err);
  icu::UnicodeString legacy;
  UChar base = 0;
  icu::UnicodeString tones;  // tone marks waiting for the base's shape marks to be composed
  auto flush = [&] {
    if (base != 0) legacy.append(base);
    legacy.append(tones);
    base = 0;
    tones.remove();
  };
  for (int32_t i = 0; i < decomposed.length(); ++i) {
    UChar c = decomposed[i];
    bool shape_mark = c == 0x0302 || c == 0x0306 || c == 0x031B;
    bool tone_mark = c == 0x0300 || c == 0x0301 || c == 0x0303 || c == 0x0309 || c == 0x0323;
    if (shape_mark && base != 0 && nfc->composePair(base, c) >= 0) {
      base = static_cast<UChar>(nfc->composePair(base, c));
    } else if (tone_mark && base != 0) {
      tones.append(c);
    } else {
      flush();
      base = c;
    }
  }
  flush();
  std::string utf8;
  legacy.toUTF8String(utf8);
  return Encode(utf8, "windows-1258");
}

// Vietnamese in NFC (precomposed), as the decoder must produce it.
const std::string kVietnamese = "Thứ Năm, ngày 16 tháng 3: Hà Nội được mùa, người dân vui mừng";

TEST(CharsetTest, PureAsciiDefaultsToUtf8) {
  auto r = DecodeHtml("<p>Hello</p>", "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, "<p>Hello</p>");
  EXPECT_EQ(r->charset, "utf-8");
  EXPECT_EQ(r->source, "default");
}

TEST(CharsetTest, Utf8BomIsRemoved) {
  auto r = DecodeHtml("\xEF\xBB\xBF<p>caf\xC3\xA9</p>", "windows-1252");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, "<p>café</p>");
  EXPECT_EQ(r->source, "bom");
}

TEST(CharsetTest, Utf16LeAndBeWithBom) {
  std::string le = "\xFF\xFE" + Encode("<p>" + kVietnamese + " 😀</p>", "UTF-16LE");
  auto r = DecodeHtml(le, "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, "<p>" + kVietnamese + " 😀</p>");
  EXPECT_EQ(r->charset, "utf-16le");
  EXPECT_EQ(r->source, "bom");
  std::string be = "\xFE\xFF" + Encode("<p>Grüße</p>", "UTF-16BE");
  r = DecodeHtml(be, "iso-8859-1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, "<p>Grüße</p>");
  EXPECT_EQ(r->charset, "utf-16be");
}

TEST(CharsetTest, LongUtf16SurrogatePairsSurviveChunking) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "a😀";  // pairs straddle the converter's buffer
  auto r = DecodeHtml("\xFF\xFE" + Encode(text, "UTF-16LE"), "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, text);
}

TEST(CharsetTest, Windows1258FromCallerIsComposedToNfc) {
  std::string bytes = EncodeWindows1258("<p>" + kVietnamese + "</p>");
  ASSERT_NE(bytes.find('\xEC'), std::string::npos);  // ICU wrote a combining acute (0xEC)
  auto r = DecodeHtml(bytes, "text/html; charset=windows-1258");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, "<p>" + kVietnamese + "</p>");
  EXPECT_EQ(r->charset, "windows-1258");
  EXPECT_EQ(r->source, "caller");
}

TEST(CharsetTest, Windows1258FromMetaCharset) {
  std::string html = "<html><head><meta charset=\"windows-1258\"><title>t</title></head><body><p>" +
                     kVietnamese + "</p></body></html>";
  auto r = DecodeHtml(EncodeWindows1258(html), "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, html);
  EXPECT_EQ(r->charset, "windows-1258");
  EXPECT_EQ(r->source, "meta");
}

TEST(CharsetTest, Windows1258UndeclaredIsDetected) {
  std::string html = "<html><body><p>" + kVietnamese + ". " + kVietnamese + "</p></body></html>";
  auto r = DecodeHtml(EncodeWindows1258(html), "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, html);
  EXPECT_EQ(r->charset, "windows-1258");
  EXPECT_EQ(r->source, "detected");
}

TEST(CharsetTest, HttpEquivContentType) {
  std::string html =
      "<meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-2'><p>Łódź</p>";
  auto r = DecodeHtml(Encode(html, "ISO-8859-2"), "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, html);
  EXPECT_EQ(r->charset, "iso-8859-2");
  EXPECT_EQ(r->source, "meta");
}

TEST(CharsetTest, ContentWithoutHttpEquivIsIgnored) {
  EXPECT_EQ(PrescanMetaCharset("<meta content='text/html; charset=koi8-r'>"), "");
  EXPECT_EQ(PrescanMetaCharset("<meta name=x content=\"charset=koi8-r\" http-equiv=content-type>"),
            "koi8-r");
}

TEST(CharsetTest, PrescanSkipsCommentsAndOtherTagsAttributes) {
  EXPECT_EQ(PrescanMetaCharset("<!-- <meta charset=big5> --><meta charset=utf-8>"), "utf-8");
  EXPECT_EQ(PrescanMetaCharset("<div title='<meta charset=big5>'><meta charset='Shift_JIS'>"),
            "shift_jis");
  EXPECT_EQ(PrescanMetaCharset(std::string(5000, ' ') + "<meta charset=big5>"), "");
  EXPECT_EQ(PrescanMetaCharset("<meta/charset=euc-kr>"), "euc-kr");
}

TEST(CharsetTest, HeaderWinsOverMeta) {
  std::string html = "<meta charset=windows-1252><p>Ελληνικά</p>";
  auto r = DecodeHtml(Encode(html, "ISO-8859-7"), "ISO-8859-7");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, html);
  EXPECT_EQ(r->source, "caller");
  EXPECT_EQ(r->charset, "iso-8859-7");
}

TEST(CharsetTest, Latin1LabelDecodesAsWindows1252) {
  auto r = DecodeHtml("<p>\x93quoted\x94 caf\xE9</p>", "iso-8859-1");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, "<p>\u201Cquoted\u201D café</p>");
  EXPECT_EQ(r->charset, "windows-1252");
  EXPECT_EQ(r->source, "caller");
}

TEST(CharsetTest, MisdeclaredLatin1MetaOnUtf8BytesIsUtf8) {
  std::string html = "<meta charset=\"iso-8859-1\"><p>Grüße aus Köln – " + kVietnamese + "</p>";
  auto r = DecodeHtml(html, "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, html);
  EXPECT_EQ(r->charset, "utf-8");
  EXPECT_EQ(r->source, "detected");
}

TEST(CharsetTest, MisdeclaredHeaderOnUtf8BytesIsUtf8) {
  auto r = DecodeHtml("<p>naïve café</p>", "text/html; charset=windows-1252");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, "<p>naïve café</p>");
  EXPECT_EQ(r->charset, "utf-8");
}

TEST(CharsetTest, Utf8HeaderOnLegacyBytesFallsBackToMeta) {
  std::string html = "<meta charset=windows-1258><p>" + kVietnamese + "</p>";
  auto r = DecodeHtml(EncodeWindows1258(html), "utf-8");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, html);
  EXPECT_EQ(r->charset, "windows-1258");
  EXPECT_EQ(r->source, "meta");
}

TEST(CharsetTest, UnknownCharsetNameFallsBack) {
  auto r = DecodeHtml("<meta charset=klingon-9><p>caf\xC3\xA9</p>", "x-no-such-charset");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, "<meta charset=klingon-9><p>café</p>");
  EXPECT_EQ(r->charset, "utf-8");
  EXPECT_EQ(r->source, "detected");
  r = DecodeHtml(
      "<p>caf\xE9 cr\xE8me br\xFBl\xE9"
      "e</p>",
      "x-no-such-charset");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, "<p>café crème brûlée</p>");
}

TEST(CharsetTest, InvalidUtf8IsReplaced) {
  // Mostly UTF-8 with one stray Latin-1 byte and a truncated sequence at the end.
  std::string bytes = "<p>Hà Nội được mùa, người dân vui mừng \xE9 ok \xE1\xBB";
  auto r = DecodeHtml(bytes, "utf-8");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, "<p>Hà Nội được mùa, người dân vui mừng \uFFFD ok \uFFFD");
  EXPECT_EQ(r->charset, "utf-8");
  EXPECT_TRUE(IsValidUtf8(r->utf8));
}

TEST(CharsetTest, Utf8ValidityRejectsOverlongsAndSurrogates) {
  EXPECT_TRUE(IsValidUtf8("abc \xC3\xA9 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE1\x80"));          // truncated
}

TEST(CharsetTest, DecomposedUtf8IsNormalisedToNfc) {
  auto r = DecodeHtml("Vie\xCC\x82\xCC\xA3t Nam", "");  // e + circumflex + dot below
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, "Việt Nam");
  EXPECT_EQ(NormalizeNfc("e\xCC\x81"), "é");
}

TEST(CharsetTest, CanonicalNames) {
  EXPECT_EQ(CanonicalCharsetName("UTF8"), "utf-8");
  EXPECT_EQ(CanonicalCharsetName(" \"Latin1\" "), "windows-1252");
  EXPECT_EQ(CanonicalCharsetName("cp1258"), "windows-1258");
  EXPECT_EQ(CanonicalCharsetName("Shift_JIS"), "shift_jis");
  EXPECT_EQ(CanonicalCharsetName("gb2312"), "gbk");
  EXPECT_EQ(CanonicalCharsetName("nonsense-42"), "");
}

TEST(CharsetTest, LargeLegacyPageWithLateMetaDecodes) {
  // A 3 MB windows-1252 page whose <meta> sits after a 10 KB <head>: the extended prescan finds
  // it, and the work stays linear (detection reads a bounded prefix).
  std::string html =
      "<html><head>" + std::string(10000, ' ') + "<meta charset=windows-1252></head><body>";
  while (html.size() < 3 * 1024 * 1024) html += "<p>caf\xE9 cr\xE8me \x93quoted\x94</p>\n";
  auto r = DecodeHtml(html, "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->charset, "windows-1252");
  EXPECT_EQ(r->source, "meta");
  EXPECT_NE(r->utf8.find("<p>café crème \u201Cquoted\u201D</p>"), std::string::npos);
  EXPECT_TRUE(IsValidUtf8(r->utf8));
}

TEST(CharsetTest, EmptyAndBinaryInputDecode) {
  auto r = DecodeHtml("", "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->utf8, "");
  std::string binary;
  for (int i = 0; i < 4096; ++i) binary.push_back(static_cast<char>((i * 7919) & 0xFF));
  r = DecodeHtml(binary, "");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(IsValidUtf8(r->utf8));
}

}  // namespace
}  // namespace newscrawl
