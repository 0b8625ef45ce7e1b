// ArticleReader: reads the ARTICLES stream (cluster/nats_cluster.h) with a pull consumer, for
// downstream indexers and `newscrawl export --from-nats`.
//
// With a consumer name, the consumer is durable (kept by the server, replicated like the stream):
// it starts at the beginning of the stream the first time and, after an Ack(), resumes after the
// last acknowledged message, also across processes. Messages handed out but not acknowledged (a
// crash between printing and acking) come again after `ack_wait`: at-least-once, like the local
// change feed; a consumer de-duplicates by "id" + "version". Without a name, a temporary consumer
// reads the stream from the beginning; the server removes it 5 minutes after Close().
//
// Each message becomes one line: the article record (schema 1) with an "event" member spliced in
// ("new", "version" or "duplicate"), the same shape as `newscrawl export` from a store.
//
// Not thread-safe: one reader per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"

namespace newscrawl::cluster {

struct ArticleReaderOptions {
  std::vector<std::string> urls;  // NATS servers
  std::string consumer;           // durable consumer name ([-_A-Za-z0-9]); "" = temporary
  std::string name_prefix;        // as NatsClusterOptions::name_prefix ("" in production)
  std::chrono::milliseconds request_timeout{5000};
  std::chrono::milliseconds ack_wait{30000};
};

class ArticleReader {
 public:
  // Connects and creates (or binds to) the consumer, retrying broker trouble for up to
  // request_timeout as the instances do (cluster/js_client.h). Unavailable when no server
  // answers, NotFound when the ARTICLES stream does not exist yet (no instance has started).
  static Result<std::unique_ptr<ArticleReader>> Open(const ArticleReaderOptions& options);
  ~ArticleReader();
  ArticleReader(const ArticleReader&) = delete;
  ArticleReader& operator=(const ArticleReader&) = delete;

  struct Line {
    std::string json;         // record + "event", no newline
    uint64_t stream_seq = 0;  // the message's sequence in the stream
  };
  // Up to `max` next messages; an empty vector when none came within `wait` (drained).
  // Transient broker trouble is retried within `wait`; the messages of the previous call that
  // were not acknowledged are redelivered later.
  Result<std::vector<Line>> Next(int max, std::chrono::milliseconds wait);
  // Acknowledges every message returned by the last Next(), waiting for the server's
  // confirmation (natsMsg_AckSync), so a resumed consumer starts after them.
  Status Ack();
  // Disconnects (a durable consumer stays on the server). Idempotent.
  void Close();

  struct State;

 private:
  explicit ArticleReader(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace newscrawl::cluster
