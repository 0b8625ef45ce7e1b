// WarcReader: plain and gzip files, oversized blocks, and every kind of damage it must survive.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/test_server.h"
#include "tests/warc/warc_test_util.h"
#include "warc/reader.h"

namespace newscrawl::warc {
namespace {

using testing::Gzip;

class WarcReaderTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& bytes) {
    std::string path = dir_.path() + "/input" + std::to_string(files_++);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  ReadAll Read(const std::string& bytes, WarcReaderOptions options = {}) {
    return ReadWarcFile(Write(bytes), options);
  }
  TempDir dir_;
  int files_ = 0;
};

TEST_F(WarcReaderTest, ReadsPlainRecordsInOrder) {
  ReadAll r = Read(RecordText("warcinfo", "", "software: x\r\n") +
                   RecordText("response", "http://a.test/1", "HTTP/1.1 200 OK\r\n\r\nhello") +
                   "\r\n" + RecordText("request", "http://a.test/1", "GET / HTTP/1.1\r\n\r\n"));
  ASSERT_EQ(r.records.size(), 3u);
  EXPECT_TRUE(r.damages.empty());
  EXPECT_EQ(r.records[0].type(), "warcinfo");
  EXPECT_EQ(r.records[0].version, "WARC/1.1");
  EXPECT_EQ(r.records[1].fields.Get("warc-target-uri"), "http://a.test/1");
  EXPECT_EQ(r.records[1].block, "HTTP/1.1 200 OK\r\n\r\nhello");
  EXPECT_EQ(r.records[1].offset, RecordText("warcinfo", "", "software: x\r\n").size());
  EXPECT_EQ(r.records[2].type(), "request");
}

TEST_F(WarcReaderTest, ReadsOneGzipMemberPerRecordAndWholeFileGzip) {
  const std::string a = RecordText("response", "http://a.test/1", "one");
  const std::string b = RecordText("response", "http://a.test/2", "two");
  ReadAll per_record = Read(Gzip(a) + Gzip(b));
  ASSERT_EQ(per_record.records.size(), 2u);
  EXPECT_EQ(per_record.records[1].block, "two");
  EXPECT_EQ(per_record.records[1].offset, Gzip(a).size());
  ReadAll whole = Read(Gzip(a + b));
  ASSERT_EQ(whole.records.size(), 2u);
  EXPECT_EQ(whole.records[0].block, "one");
  EXPECT_EQ(whole.records[1].block, "two");
  EXPECT_TRUE(whole.damages.empty());
}

TEST_F(WarcReaderTest, SkipsBlocksOverTheCapWithoutLoadingThem) {
  WarcReaderOptions options;
  options.max_block_bytes = 100;
  ReadAll r = Read(Gzip(RecordText("response", "http://a.test/big", std::string(5000, 'x'))) +
                       Gzip(RecordText("response", "http://a.test/small", "small")),
                   options);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_TRUE(r.records[0].block_skipped);
  EXPECT_TRUE(r.records[0].block.empty());
  EXPECT_EQ(r.records[0].content_length, 5000u);
  EXPECT_EQ(r.records[1].block, "small");
}

TEST_F(WarcReaderTest, TruncatedGzipMemberIsReportedAndTheNextMemberRead) {
  const std::string first = Gzip(RecordText("response", "http://a.test/1", std::string(3000, 'a')));
  const std::string cut =
      Gzip(RecordText("response", "http://a.test/2", std::string(3000, 'b'))).substr(0, 40);
  const std::string last = Gzip(RecordText("response", "http://a.test/3", "three"));
  ReadAll r = Read(first + cut + last);
  ASSERT_EQ(r.damages.size(), 1u);
  EXPECT_EQ(r.damages[0].offset, first.size());
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.records[1].block, "three");
  // Cut at the end of the file: "truncated gzip member".
  ReadAll end = Read(first + cut);
  ASSERT_EQ(end.damages.size(), 1u);
  EXPECT_EQ(end.damages[0].reason, "truncated gzip member");
  EXPECT_EQ(end.damages[0].offset, first.size());
}

TEST_F(WarcReaderTest, WrongContentLengthInPlainFilesResumesAtTheNextRecord) {
  const std::string good = RecordText("response", "http://a.test/1", "one");
  const std::string next = RecordText("response", "http://a.test/3", "three");
  for (int delta : {-3, +3, +200}) {
    SCOPED_TRACE(delta);
    std::string bad = RecordText("response", "http://a.test/2", "two two two", delta);
    ReadAll r = Read(good + bad + next);
    ASSERT_EQ(r.damages.size(), 1u);
    EXPECT_EQ(r.damages[0].offset, good.size());
    EXPECT_NE(r.damages[0].reason.find("wrong Content-Length"), std::string::npos)
        << r.damages[0].reason;
    ASSERT_EQ(r.records.size(), 2u);
    EXPECT_EQ(r.records[1].block, "three");
  }
}

TEST_F(WarcReaderTest, WrongContentLengthInAGzipMemberSkipsToTheNextMember) {
  const std::string good = Gzip(RecordText("response", "http://a.test/1", "one"));
  const std::string next = Gzip(RecordText("response", "http://a.test/3", "three"));
  for (int delta : {-3, +3}) {
    SCOPED_TRACE(delta);
    ReadAll r =
        Read(good + Gzip(RecordText("response", "http://a.test/2", "two two", delta)) + next);
    ASSERT_EQ(r.damages.size(), 1u);
    EXPECT_EQ(r.damages[0].offset, good.size());
    EXPECT_NE(r.damages[0].reason.find("wrong Content-Length"), std::string::npos);
    ASSERT_EQ(r.records.size(), 2u);
    EXPECT_EQ(r.records[1].block, "three");
  }
}

TEST_F(WarcReaderTest, GarbageBetweenRecordsIsReportedAtItsOffset) {
  const std::string good = RecordText("response", "http://a.test/1", "one");
  const std::string next = RecordText("response", "http://a.test/2", "two");
  ReadAll plain = Read(good + "some junk\r\nmore junk\r\n" + next);
  ASSERT_EQ(plain.damages.size(), 1u);
  EXPECT_EQ(plain.damages[0].offset, good.size());
  EXPECT_NE(plain.damages[0].reason.find("garbage between records"), std::string::npos);
  ASSERT_EQ(plain.records.size(), 2u);
  EXPECT_EQ(plain.records[1].block, "two");

  ReadAll gz = Read(Gzip(good) + "junk between members" + Gzip(next));
  ASSERT_EQ(gz.damages.size(), 1u);
  EXPECT_EQ(gz.damages[0].offset, Gzip(good).size());
  EXPECT_EQ(gz.damages[0].reason, "garbage between records");
  ASSERT_EQ(gz.records.size(), 2u);
  EXPECT_EQ(gz.records[1].block, "two");
}

TEST_F(WarcReaderTest, EmptyFileHasNoRecordsAndMissingFileFails) {
  ReadAll r = Read("");
  EXPECT_TRUE(r.records.empty());
  EXPECT_TRUE(r.damages.empty());
  Result<std::unique_ptr<WarcReader>> missing = WarcReader::Open(dir_.path() + "/nope.warc");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("cannot open"), std::string::npos);
}

TEST_F(WarcReaderTest, ReadsFromAPipe) {
  const std::string bytes = Gzip(RecordText("response", "http://a.test/1", "one")) + "junk" +
                            Gzip(RecordText("response", "http://a.test/2", "two"));
  const std::string path = Write(bytes);
  FILE* pipe = popen(("cat " + path).c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  Result<std::unique_ptr<WarcReader>> reader =
      WarcReader::Open("/dev/fd/" + std::to_string(fileno(pipe)));
  ASSERT_TRUE(reader.ok()) << reader.status().message();
  EXPECT_FALSE((*reader)->file_size().has_value());
  ReadAll r = Drain(reader->get());
  pclose(pipe);
  ASSERT_EQ(r.records.size(), 2u);
  EXPECT_EQ(r.damages.size(), 1u);
  EXPECT_EQ(r.records[1].block, "two");
}

}  // namespace
}  // namespace newscrawl::warc
