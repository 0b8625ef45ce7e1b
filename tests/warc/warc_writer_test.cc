// WarcWriter and the digests: records, links, digests, rotation, recovery; and the HTTP message
// inside a response record (Beast parser, chunked, gzip, br).
#include <brotli/encode.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "tests/support/test_server.h"
#include "tests/warc/warc_test_util.h"
#include "warc/digest.h"
#include "warc/http_response.h"
#include "warc/writer.h"

namespace newscrawl::warc {
namespace {

namespace fs = std::filesystem;

TEST(WarcDigestTest, Base32AndSha1MatchKnownValues) {
  EXPECT_EQ(Base32Encode(""), "");
  EXPECT_EQ(Base32Encode("f"), "MY======");
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI======");
  EXPECT_EQ(Sha1Digest(""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");     // da39a3ee...
  EXPECT_EQ(Sha1Digest("abc"), "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");  // a9993e36...
}

TEST(HttpResponseTest, ParsesStatusHeadersAndUndoesChunkedAndGzip) {
  const std::string body = "<html><body>caf\xc3\xa9</body></html>";
  const std::string gz = testing::Gzip(body);
  std::string chunked;
  for (size_t at = 0; at < gz.size(); at += 7) {
    std::string piece = gz.substr(at, 7);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    chunked += size + piece + "\r\n";
  }
  chunked += "0\r\n\r\n";
  Result<HttpResponse> r = ParseHttpResponse(
      "HTTP/1.1 200 OK\r\nContent-Type: text/html; Charset=\"ISO-8859-1\"\r\n"
      "Transfer-Encoding: chunked\r\nContent-Encoding: gzip\r\nETag: \"e1\"\r\n\r\n" +
          chunked,
      1 << 20);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, body);
  EXPECT_EQ(r->Header("etag"), "\"e1\"");
  EXPECT_EQ(r->Charset(), "iso-8859-1");
  EXPECT_TRUE(IsHtml(*r));
  EXPECT_FALSE(r->partial);
}

TEST(HttpResponseTest, UndoesBrotliAndKeepsACutBody) {
  const std::string body(2000, 'q');
  std::string br(BrotliEncoderMaxCompressedSize(body.size()), '\0');
  size_t br_size = br.size();
  ASSERT_TRUE(BrotliEncoderCompress(5, 22, BROTLI_MODE_TEXT, body.size(),
                                    reinterpret_cast<const uint8_t*>(body.data()), &br_size,
                                    reinterpret_cast<uint8_t*>(br.data())));
  br.resize(br_size);
  Result<HttpResponse> r = ParseHttpResponse(
      "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: " + std::to_string(br.size()) +
          "\r\nContent-Type: text/plain\r\n\r\n" + br,
      1 << 20);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->body, body);
  EXPECT_FALSE(IsHtml(*r));

  Result<HttpResponse> cut =
      ParseHttpResponse("HTTP/1.0 404 Not Found\r\nContent-Length: 100\r\n\r\nonly this", 1 << 20);
  ASSERT_TRUE(cut.ok()) << cut.status().message();
  EXPECT_EQ(cut->status, 404);
  EXPECT_EQ(cut->body, "only this");
  EXPECT_TRUE(cut->partial);
}

TEST(HttpResponseTest, RejectsWhatIsNotHttpAndUnknownCodings) {
  EXPECT_EQ(ParseHttpResponse("hello world\r\n\r\n", 1 << 20).status().code(),
            StatusCode::kInvalidArgument);
  Result<HttpResponse> r = ParseHttpResponse(
      "HTTP/1.1 200 OK\r\nContent-Encoding: zstd\r\nContent-Length: 3\r\n\r\nabc", 1 << 20);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unknown content coding"), std::string::npos);
  EXPECT_EQ(DecodeContent("gzip", testing::Gzip(std::string(5000, 'z')), 100).status().code(),
            StatusCode::kResourceExhausted);
}

WarcExchange Exchange(int n, std::string payload = "<html>page</html>") {
  WarcExchange ex;
  ex.target_uri = "http://news.test/a/" + std::to_string(n);
  ex.date = "2026-01-01T00:00:0" + std::to_string(n % 10) + ".000Z";
  ex.ip_address = "127.0.0.1";
  ex.request = "GET /a/" + std::to_string(n) + " HTTP/1.1\r\nHost: news.test\r\n\r\n";
  ex.response_head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
                     std::to_string(payload.size()) + "\r\n\r\n";
  ex.payload = std::move(payload);
  return ex;
}

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Writer options for a test: files in `dir`, time from `clock`.
WarcWriterOptions OptionsFor(const TempDir& dir, const Clock* clock,
                             std::string instance = "local") {
  WarcWriterOptions options;
  options.directory = dir.path();
  options.instance = std::move(instance);
  options.clock = clock;
  return options;
}

TEST(WarcWriterTest, WritesLinkedRecordsWithDigestsAndRenamesOnClose) {
  TempDir dir;
  FakeClock clock;
  WarcWriterOptions options = OptionsFor(dir, &clock, "node-1");
  auto writer = WarcWriter::Open(options);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  WarcExchange truncated = Exchange(2);
  truncated.truncated = true;
  WarcExchange revisit = Exchange(3, "");
  revisit.not_modified = true;
  for (const WarcExchange& ex : {Exchange(1), truncated, revisit}) {
    ASSERT_TRUE((*writer)->Write(ex).ok());
  }
  const std::string name = "newscrawl-20260101000000000-00000-node-1.warc.gz";
  EXPECT_EQ(Files(dir.path()), std::vector<std::string>{name + ".open"});
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ(Files(dir.path()), std::vector<std::string>{name});

  ReadAll r = ReadWarcFile(dir.path() + "/" + name);
  EXPECT_TRUE(r.damages.empty());
  ASSERT_EQ(r.records.size(), 7u);
  EXPECT_EQ(r.records[0].type(), "warcinfo");
  EXPECT_EQ(r.records[0].fields.Get("WARC-Filename"), name);
  for (size_t i = 1; i < 7; i += 2) {
    const WarcRecord& request = r.records[i];
    const WarcRecord& response = r.records[i + 1];
    EXPECT_EQ(request.type(), "request");
    EXPECT_EQ(response.type(), i == 5 ? "revisit" : "response");
    EXPECT_EQ(request.fields.Get("WARC-Concurrent-To"), response.fields.Get("WARC-Record-ID"));
    EXPECT_EQ(response.fields.Get("WARC-Concurrent-To"), request.fields.Get("WARC-Record-ID"));
    EXPECT_EQ(response.fields.Get("WARC-IP-Address"), "127.0.0.1");
    EXPECT_EQ(request.fields.Get("WARC-Block-Digest"), Sha1Digest(request.block));
    EXPECT_EQ(response.fields.Get("WARC-Block-Digest"), Sha1Digest(response.block));
  }
  const WarcRecord& first = r.records[2];
  EXPECT_EQ(first.fields.Get("WARC-Target-URI"), "http://news.test/a/1");
  EXPECT_EQ(first.fields.Get("WARC-Date"), "2026-01-01T00:00:01.000Z");
  EXPECT_EQ(first.fields.Get("WARC-Payload-Digest"), Sha1Digest("<html>page</html>"));
  EXPECT_FALSE(first.fields.Has("WARC-Truncated"));
  EXPECT_EQ(r.records[4].fields.Get("WARC-Truncated"), "length");
  EXPECT_NE(r.records[6].fields.Get("WARC-Profile").find("server-not-modified"), std::string::npos);
}

TEST(WarcWriterTest, StartsANewFileWhenTheNextFetchWouldPassTheLimit) {
  TempDir dir;
  FakeClock clock;
  WarcWriterOptions options = OptionsFor(dir, &clock);
  options.max_file_bytes = 2000;
  auto writer = WarcWriter::Open(options);
  ASSERT_TRUE(writer.ok());
  for (int i = 0; i < 6; ++i)
    ASSERT_TRUE((*writer)->Write(Exchange(i, std::string(900, 'a' + i))).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  std::vector<std::string> files = Files(dir.path());
  ASSERT_GE(files.size(), 2u);
  size_t responses = 0;
  for (const std::string& f : files) {
    EXPECT_LE(fs::file_size(dir.path() + "/" + f), 2000u + 1000u) << f;
    ReadAll r = ReadWarcFile(dir.path() + "/" + f);
    ASSERT_FALSE(r.records.empty());
    EXPECT_EQ(r.records[0].type(), "warcinfo") << f;
    for (const WarcRecord& record : r.records) responses += record.type() == "response";
  }
  EXPECT_EQ(responses, 6u);
  EXPECT_EQ((*writer)->closed_files().size(), files.size());
}

// Writes two exchanges and leaves the file as a crash would: "<name>.open", never renamed.
// Returns its path ("" when writing failed).
std::string CrashAfterTwoExchanges(const TempDir& dir, const WarcWriterOptions& options) {
  std::string open_path;
  {
    auto writer = WarcWriter::Open(options);
    if (!writer.ok() || !(*writer)->Write(Exchange(1)).ok() || !(*writer)->Write(Exchange(2)).ok())
      return "";
    open_path = dir.path() + "/" + Files(dir.path())[0];
    // The open file as it is now (the writer closes it when it goes).
    fs::copy_file(open_path, open_path + ".crash");
  }
  fs::remove(open_path.substr(0, open_path.size() - 5));  // what the orderly close made
  fs::rename(open_path + ".crash", open_path);
  return open_path;
}

TEST(WarcWriterTest, AnUnfinishedFileIsCutBackToItsLastWholeRecordOnTheNextOpen) {
  TempDir dir;
  FakeClock clock;
  WarcWriterOptions options = OptionsFor(dir, &clock, "me");
  const std::string open_path = CrashAfterTwoExchanges(dir, options);
  ASSERT_FALSE(open_path.empty());
  const std::string half = testing::Gzip(RecordText("response", "http://x.test/", "cut"));
  std::ofstream(open_path, std::ios::app | std::ios::binary) << half.substr(0, half.size() / 2);
  // Another instance's unfinished file in the same directory is left alone.
  const std::string other = dir.path() + "/newscrawl-20250101000000000-00000-other.warc.gz.open";
  std::ofstream(other) << "x";

  clock.Advance(std::chrono::seconds(5));
  auto writer = WarcWriter::Open(options);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  ASSERT_EQ((*writer)->recovered_files().size(), 1u);
  const std::string recovered = (*writer)->recovered_files()[0];
  EXPECT_EQ(recovered + ".open", open_path);
  ReadAll r = ReadWarcFile(recovered);
  EXPECT_TRUE(r.damages.empty());
  EXPECT_EQ(r.records.size(), 5u);
  EXPECT_TRUE(fs::exists(other));
  ASSERT_TRUE((*writer)->Close().ok());
}

TEST(WarcWriterTest, PlainFilesAreWrittenUncompressedAndCutBackLikeGzipOnes) {
  TempDir dir;
  FakeClock clock;
  WarcWriterOptions options = OptionsFor(dir, &clock, "me");
  options.gzip = false;
  const std::string open_path = CrashAfterTwoExchanges(dir, options);
  EXPECT_EQ(Files(dir.path()),
            std::vector<std::string>{"newscrawl-20260101000000000-00000-me.warc.open"});
  std::ifstream in(open_path, std::ios::binary);
  std::string start(8, '\0');
  in.read(start.data(), 8);
  EXPECT_EQ(start, "WARC/1.1");
  // A record cut inside its block, as a crash mid-write leaves it.
  const std::string cut = RecordText("response", "http://x.test/", std::string(500, 'b'));
  std::ofstream(open_path, std::ios::app | std::ios::binary) << cut.substr(0, 300);

  clock.Advance(std::chrono::seconds(5));
  auto writer = WarcWriter::Open(options);
  ASSERT_TRUE(writer.ok()) << writer.status().message();
  ASSERT_EQ((*writer)->recovered_files().size(), 1u);
  ReadAll r = ReadWarcFile((*writer)->recovered_files()[0]);
  EXPECT_TRUE(r.damages.empty());
  EXPECT_EQ(r.records.size(), 5u);
  ASSERT_TRUE((*writer)->Close().ok());
}

TEST(WarcWriterTest, AFixedNameIsNeverOverwritten) {
  TempDir dir;
  WarcWriterOptions options;
  options.directory = dir.path();
  options.file_name = "out.warc.gz";
  auto writer = WarcWriter::Open(options);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write(Exchange(1)).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  auto again = WarcWriter::Open(options);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadWarcFile(dir.path() + "/out.warc.gz").records.size(), 3u);
}

}  // namespace
}  // namespace newscrawl::warc
