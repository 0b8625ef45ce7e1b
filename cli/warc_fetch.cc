#include "cli/warc_fetch.h"

#include <boost/beast/http/status.hpp>
#include <filesystem>

#include "common/url.h"

namespace newscrawl::cli {

warc::WarcExchange ExchangeFor(const crawler::FetchResult& result, const std::string& user_agent,
                               const crawler::FetchRequest& request) {
  warc::WarcExchange ex;
  Result<Url> url = ParseUrl(result.final_url);
  if (result.status <= 0 || !url.ok()) return ex;
  ex.target_uri = result.final_url;
  ex.date = result.fetched_at;
  std::string target = url->path.empty() ? "/" : url->path;
  if (url->has_query) target += "?" + url->query;
  std::string host = url->host + (url->port.empty() ? "" : ":" + url->port);
  ex.request = "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + user_agent +
               "\r\nAccept: */*\r\nAccept-Encoding: gzip, deflate, br\r\n";
  if (!request.etag.empty()) ex.request += "If-None-Match: " + request.etag + "\r\n";
  if (!request.last_modified.empty()) {
    ex.request += "If-Modified-Since: " + request.last_modified + "\r\n";
  }
  ex.request += "\r\n";
  auto reason = boost::beast::http::obsolete_reason(
      boost::beast::http::int_to_status(static_cast<unsigned>(result.status)));
  ex.response_head = "HTTP/1.1 " + std::to_string(result.status) + " " +
                     std::string(reason.data(), reason.size()) + "\r\n";
  if (!result.content_type.empty())
    ex.response_head += "Content-Type: " + result.content_type + "\r\n";
  if (!result.etag.empty()) ex.response_head += "ETag: " + result.etag + "\r\n";
  if (!result.last_modified.empty()) {
    ex.response_head += "Last-Modified: " + result.last_modified + "\r\n";
  }
  ex.not_modified = result.outcome == crawler::FetchOutcome::kNotModified;
  if (!ex.not_modified) {
    ex.response_head += "Content-Length: " + std::to_string(result.body.size()) + "\r\n";
    ex.payload = result.body;
  }
  ex.response_head += "\r\n";
  ex.truncated = result.truncated;
  return ex;
}

Result<std::unique_ptr<FetchArchive>> FetchArchive::Open(const std::string& path,
                                                         const std::string& user_agent) {
  std::filesystem::path p(path);
  warc::WarcWriterOptions options;
  options.directory = p.has_parent_path() ? p.parent_path().string() : ".";
  options.file_name = p.filename().string();
  options.info = {{"operator-user-agent", user_agent}};
  Result<std::unique_ptr<warc::WarcWriter>> writer = warc::WarcWriter::Open(std::move(options));
  if (!writer.ok()) return writer.status();
  return std::make_unique<FetchArchive>(std::move(writer).value(), user_agent);
}

void FetchArchive::Record(const crawler::FetchResult& result) {
  warc::WarcExchange ex = ExchangeFor(result, user_agent_);
  if (!ex.target_uri.empty()) (void)writer_->Write(ex);  // the writer keeps the first error
}

Status FetchArchive::Close() { return writer_->Close(); }

}  // namespace newscrawl::cli
