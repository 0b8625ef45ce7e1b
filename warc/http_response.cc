#include "warc/http_response.h"

#include <brotli/decode.h>
#include <zlib.h>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>

#include "common/text.h"

namespace newscrawl::warc {
namespace {

namespace http = boost::beast::http;

// An inflate stream, ended when it goes out of scope.
class Inflater {
 public:
  explicit Inflater(int window_bits) : ok_(inflateInit2(&zs_, window_bits) == Z_OK) {}
  ~Inflater() {
    if (ok_) inflateEnd(&zs_);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  bool ok() const { return ok_; }
  z_stream* get() { return &zs_; }

 private:
  z_stream zs_{};
  bool ok_;
};

// gzip or zlib (window_bits 15 + 32 detects both), or raw deflate (-15) for servers that send
// "deflate" without the zlib wrapper.
Result<std::string> Inflate(std::string_view in, int window_bits, uint64_t max_bytes) {
  Inflater inflater(window_bits);
  if (!inflater.ok()) return Status::Internal("zlib init failed");
  z_stream* zs = inflater.get();
  zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs->avail_in = static_cast<uInt>(in.size());
  std::string out;
  char chunk[64 * 1024];
  for (;;) {
    zs->next_out = reinterpret_cast<Bytef*>(chunk);
    zs->avail_out = sizeof chunk;
    int rc = inflate(zs, Z_NO_FLUSH);
    out.append(chunk, sizeof chunk - zs->avail_out);
    if (out.size() > max_bytes) return Status::ResourceExhausted("decoded body over the size cap");
    if (rc == Z_STREAM_END) return out;
    if (rc == Z_BUF_ERROR && zs->avail_in == 0) return out;  // cut short: keep what decoded
    if (rc != Z_OK) {
      return Status::InvalidArgument(std::string("broken deflate data") +
                                     (zs->msg ? std::string(": ") + zs->msg : ""));
    }
  }
}

Result<std::string> Unbrotli(std::string_view in, uint64_t max_bytes) {
  std::unique_ptr<BrotliDecoderState, decltype(&BrotliDecoderDestroyInstance)> state(
      BrotliDecoderCreateInstance(nullptr, nullptr, nullptr), &BrotliDecoderDestroyInstance);
  if (!state) return Status::Internal("brotli init failed");
  size_t avail_in = in.size();
  const uint8_t* next_in = reinterpret_cast<const uint8_t*>(in.data());
  std::string out;
  uint8_t chunk[64 * 1024];
  for (;;) {
    size_t avail_out = sizeof chunk;
    uint8_t* next_out = chunk;
    BrotliDecoderResult rc = BrotliDecoderDecompressStream(state.get(), &avail_in, &next_in,
                                                           &avail_out, &next_out, nullptr);
    out.append(reinterpret_cast<char*>(chunk), sizeof chunk - avail_out);
    if (out.size() > max_bytes) return Status::ResourceExhausted("decoded body over the size cap");
    if (rc == BROTLI_DECODER_RESULT_SUCCESS) return out;
    if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT) return out;  // cut short
    if (rc == BROTLI_DECODER_RESULT_ERROR) return Status::InvalidArgument("broken brotli data");
  }
}

}  // namespace

std::string_view HttpResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (text::EqualsIgnoreCase(n, name)) return v;
  }
  return {};
}

std::string HttpResponse::Charset() const {
  std::string type = text::AsciiLower(Header("Content-Type"));
  size_t at = type.find("charset=");
  if (at == std::string::npos) return "";
  std::string_view value = std::string_view(type).substr(at + 8);
  value = value.substr(0, value.find(';'));
  value = text::TrimAsciiSpace(value);
  if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'')) {
    value = value.substr(1, value.size() - 2);
  }
  return std::string(value);
}

Result<std::string> DecodeContent(std::string_view coding, std::string body, uint64_t max_bytes) {
  std::string_view rest = coding;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string one = text::AsciiLower(text::TrimAsciiSpace(rest.substr(0, comma)));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    Result<std::string> decoded = body;
    if (one.empty() || one == "identity") continue;
    if (one == "gzip" || one == "x-gzip") {
      decoded = Inflate(body, 15 + 32, max_bytes);
    } else if (one == "deflate") {
      decoded = Inflate(body, 15 + 32, max_bytes);
      if (!decoded.ok() && decoded.status().code() == StatusCode::kInvalidArgument) {
        decoded = Inflate(body, -15, max_bytes);
      }
    } else if (one == "br") {
      decoded = Unbrotli(body, max_bytes);
    } else {
      return Status::InvalidArgument("unknown content coding \"" + one + "\"");
    }
    if (!decoded.ok()) return decoded.status();
    body = std::move(decoded).value();
  }
  return body;
}

Result<HttpResponse> ParseHttpResponse(std::string_view message, uint64_t max_body_bytes) {
  http::response_parser<http::string_body> parser;
  parser.eager(true);
  parser.header_limit(64 * 1024);
  parser.body_limit(max_body_bytes);
  boost::beast::error_code ec;
  size_t used = 0;
  while (used < message.size() && !parser.is_done()) {
    size_t n = parser.put(boost::asio::buffer(message.data() + used, message.size() - used), ec);
    used += n;
    if (ec == http::error::need_more) {
      ec = {};
      break;  // all we have is in: the message is cut short (see put_eof below)
    }
    if (ec) break;
    if (n == 0) break;
  }
  if (ec == http::error::body_limit) {
    return Status::ResourceExhausted("HTTP body over the size cap");
  }
  if (!ec && !parser.is_done()) parser.put_eof(ec);
  if (!parser.is_header_done()) {
    return Status::InvalidArgument("unparsable HTTP response" +
                                   (ec ? ": " + ec.message() : std::string()));
  }
  HttpResponse response;
  response.partial = !parser.is_done() || (ec && ec != http::error::end_of_stream);
  const auto& msg = parser.get();
  response.status = static_cast<int>(msg.result_int());
  for (const auto& field : msg) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  Result<std::string> body =
      DecodeContent(response.Header("Content-Encoding"), msg.body(), max_body_bytes);
  if (!body.ok()) return body.status();
  response.body = std::move(body).value();
  return response;
}

bool IsHtml(const HttpResponse& response) {
  std::string type = text::AsciiLower(text::TrimAsciiSpace(response.Header("Content-Type")));
  if (!type.empty()) {
    return type.compare(0, 9, "text/html") == 0 ||
           type.compare(0, 21, "application/xhtml+xml") == 0;
  }
  std::string head = text::AsciiLower(std::string_view(response.body).substr(0, 1024));
  size_t start = head.find_first_not_of(" \t\r\n\xef\xbb\xbf");
  if (start == std::string::npos || head[start] != '<') return false;
  return head.find("<html") != std::string::npos ||
         head.find("<!doctype html") != std::string::npos;
}

}  // namespace newscrawl::warc
