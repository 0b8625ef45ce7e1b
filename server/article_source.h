// ArticleSource: what the HTTP API reads. The daemon implements it over the store; tests use a
// fake.
//
// The server never interprets article records: each is an opaque line of JSON (ArticleToJson).
// Thread safety: every method may be called concurrently from the server's I/O threads, so an
// implementation must be thread-safe. Calls happen on those threads, so they must be quick (a few
// point reads or one short scan of a local database; never network I/O).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace newscrawl::server {

// One change-feed event: its sequence number and the article record (one line of JSON, no '\n').
struct ChangeEvent {
  uint64_t seq = 0;
  std::string json;
};

class ArticleSource {
 public:
  virtual ~ArticleSource() = default;

  // The events with seq > `after` in ascending seq order, at most `limit` (>= 1) of them; empty
  // when there are none yet. Errors (I/O, corruption) are reported as a Status.
  virtual Result<std::vector<ChangeEvent>> ReadChanges(uint64_t after, size_t limit) = 0;

  // The highest seq readable through ReadChanges (0 when the feed is empty).
  virtual uint64_t LastSeq() = 0;

  // The current record of the article with this id (16 lowercase hex digits, already validated),
  // or NotFound.
  virtual Result<std::string> GetArticleById(std::string_view id) = 0;

  // The current record of the article fetched from or canonicalised to `url` (any form the user
  // typed; the implementation canonicalises), or NotFound.
  virtual Result<std::string> GetArticleByUrl(std::string_view url) = 0;
};

}  // namespace newscrawl::server
