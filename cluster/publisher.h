// Publisher: NatsCluster's publishing to ARTICLES (internal to cluster/): Publish sends at once,
// a confirm thread collects the PubAcks and sends the "published" mark of each confirmed
// article's URL claim, Flush waits for every confirmation. See "Publish()" in nats_cluster.h.
//
// Thread safety: Publish and Flush from any number of threads at once (between Start and Stop).
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "cluster/js_client.h"
#include "cluster/names.h"
#include "cluster/nats_cluster.h"
#include "common/article.h"
#include "store/store.h"

namespace newscrawl::cluster {

class Publisher {
 public:
  // `client` and `options` must outlive this object.
  Publisher(JsClient* client, const NatsClusterOptions& options, const ClusterNames& names);
  ~Publisher();  // Stop()
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Starts the confirm thread (the client is connected).
  void Start();
  // Stops the confirm thread, then waits up to min(op_timeout, 5 s) for the publishes still in
  // flight (a daemon that did not see them confirmed publishes them again after a restart).
  // Call after JsClient::BeginStop, before JsClient::Close. Idempotent.
  void Stop();

  // NatsCluster::Publish and Flush.
  Status Publish(const Article& record, std::string_view record_json, store::EventKind event);
  Status Flush();

 private:
  // A publish sent and not yet confirmed.
  struct Pending {
    JsRequest request;
    AsyncRequests::Ticket ticket;
    std::chrono::steady_clock::time_point sent;
    // Set on an ARTICLES message: the "published" mark of its URL claim, sent only once the
    // message is confirmed (a mark must never name an article the stream does not have).
    std::optional<JsRequest> mark;
  };

  // Sends one publish (and keeps its mark for later) (requires mu_).
  void Send(JsRequest request, std::optional<JsRequest> mark);
  // The oldest publish got `reply` (not broker trouble): it leaves the queue, counted, and an
  // ARTICLES message confirmed sends its mark (requires mu_).
  void Confirm(const JsReply& reply);
  // Settles, without waiting, the oldest publishes whose reply came (or is overdue: sent again)
  // (requires mu_).
  void ConfirmArrived();
  // The oldest publish got broker trouble: it and every publish whose reply is overdue are sent
  // again, in place, in one go (requires mu_). One at a time, with a backoff each (as before),
  // 8 publishes lost in a node restart took 8 s to confirm after the broker was back, and an
  // instance killed meanwhile left their articles to be stored again elsewhere (seen in
  // cluster_e2e_test: 15 stored twice).
  void Resend();
  // Waits for confirmations, oldest first, resending broker trouble, until at most `keep` are in
  // flight or `deadline` passes (requires mu_). The first failure since the last Flush (a publish
  // given up on, or refused) is returned by the next Flush.
  void Settle(size_t keep, std::chrono::steady_clock::time_point deadline);
  // The confirm thread: settles publishes as their replies arrive, so the mark of a confirmed
  // article goes out within moments, not at the next Publish or Flush (an instance killed in
  // between would leave its stored articles to be taken over and stored again elsewhere).
  void ConfirmLoop();

  JsClient* const client_;
  const NatsClusterOptions& options_;
  const ClusterNames names_;

  bool started_ = false;  // controlling thread only
  std::mutex mu_;
  std::deque<Pending> in_flight_;  // guarded by mu_, oldest first
  Status failure_;                 // guarded by mu_; reported by Flush
  std::condition_variable sent_;   // with mu_: in_flight_ got an entry, or stopping
  bool stopping_ = false;          // guarded by mu_
  std::thread confirm_thread_;
  std::map<std::string, Counter*> published_;  // by result: new, duplicate
};

}  // namespace newscrawl::cluster
