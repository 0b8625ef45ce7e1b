// `newscrawl fetch --warc FILE`: what the fetch got, as WARC request/response records.
//
// The fetcher hands over a FetchResult, not the bytes on the wire, so the records are rebuilt
// from it: the request from the URL, the User-Agent and the conditional-GET validators; the
// response from the status and the headers the result carries (Content-Type, ETag,
// Last-Modified), with the decoded body as payload (no Content-Encoding, a Content-Length of the
// decoded size). WARC-IP-Address is left out: FetchResult does not carry the peer address.
#pragma once

#include <memory>
#include <string>

#include "common/status.h"
#include "crawler/fetch_result.h"
#include "warc/writer.h"

namespace newscrawl::cli {

// The exchange for `result`; nullopt-like empty target_uri when no response arrived (DNS,
// connect, timeout, robots: nothing to archive).
warc::WarcExchange ExchangeFor(const crawler::FetchResult& result, const std::string& user_agent,
                               const crawler::FetchRequest& request = {});

// Thread-safe: Record() may be called from the worker threads at once.
class FetchArchive {
 public:
  // Opens FILE.open for writing (FILE itself when closed). An unfinished FILE.open of an
  // interrupted run is first cut back and closed as FILE; an existing FILE is never overwritten
  // (AlreadyExists).
  static Result<std::unique_ptr<FetchArchive>> Open(const std::string& path,
                                                    const std::string& user_agent);
  explicit FetchArchive(std::unique_ptr<warc::WarcWriter> writer, std::string user_agent)
      : writer_(std::move(writer)), user_agent_(std::move(user_agent)) {}

  // Archives `result` when a response arrived; the first write error is kept for Close().
  void Record(const crawler::FetchResult& result);
  Status Close();

 private:
  std::unique_ptr<warc::WarcWriter> writer_;
  std::string user_agent_;
};

}  // namespace newscrawl::cli
