#include "pipeline/outbox.h"

#include <cstdlib>
#include <string>

#include <spdlog/spdlog.h>

namespace newscrawl::pipeline {

Status Outbox::Open() {
  auto through = store_->Get(store::ReservedSpace::kFrontier, store::kOutboxPublishedThroughKey);
  uint64_t mark = 0;
  if (through.ok()) {
    mark = std::strtoull(through->c_str(), nullptr, 10);
  } else if (through.status().code() == StatusCode::kNotFound) {
    mark = store_->LastSeq();  // first run in a cluster: from now on
    NC_RETURN_IF_ERROR(store_->Put(store::ReservedSpace::kFrontier,
                                   store::kOutboxPublishedThroughKey, std::to_string(mark)));
  } else {
    return through.status();
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    published_through_ = mark;
  }
  // Events a crash (or broker trouble) kept from the stream go out again first.
  republish_.store(mark < store_->LastSeq());
  return Status::Ok();
}

void Outbox::BeginIngest() {
  std::lock_guard<std::mutex> lock(mu_);
  ++ingesting_;
}

void Outbox::EndIngest(uint64_t seq) {
  std::lock_guard<std::mutex> lock(mu_);
  --ingesting_;
  if (seq > 0) unpublished_.insert(seq);
}

Status Outbox::Publish(const store::IngestResult& ingested) {
  Status s = cluster_->Publish(ingested.record, ingested.record_json, ingested.event);
  if (!s.ok()) {
    republish_.store(true);  // stays in unpublished_ until RepublishPending sends it
    return s;
  }
  std::lock_guard<std::mutex> lock(mu_);
  unpublished_.erase(ingested.record.seq);
  return Status::Ok();
}

Status Outbox::RepublishPending(uint64_t* republished) {
  *republished = 0;
  if (!republish_.exchange(false)) return Status::Ok();
  uint64_t from = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    from = published_through_;
  }
  uint64_t done = from;
  Status failed;
  Status scan =
      store_->ForEachChange(from, 0, [&](const store::ChangeEvent& event, std::string_view json) {
        // The record is published as stored; it is parsed only for its id, version and site.
        auto record = ArticleFromJson(json);
        if (!record.ok()) {
          spdlog::error("cluster: change {} does not parse, not published: {}", event.seq,
                        record.status().ToString());
        } else if (Status s = cluster_->Publish(*record, json, event.kind); !s.ok()) {
          failed = s;
          return false;
        }
        done = event.seq;
        return true;
      });
  if (!scan.ok()) failed = scan;
  if (!failed.ok()) republish_.store(true);
  *republished = done - from;
  std::lock_guard<std::mutex> lock(mu_);
  unpublished_.erase(unpublished_.begin(), unpublished_.upper_bound(done));
  return failed;
}

Status Outbox::Advance() {
  uint64_t through = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (ingesting_ > 0) return Status::Ok();
    through = unpublished_.empty() ? store_->LastSeq() : *unpublished_.begin() - 1;
    if (through <= published_through_) return Status::Ok();
  }
  // Publish may return once sent: the events counted above are confirmed before the mark moves.
  if (Status flushed = cluster_->Flush(); !flushed.ok()) {
    republish_.store(true);
    return flushed;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (through <= published_through_) return Status::Ok();
    published_through_ = through;
  }
  Status s = store_->Put(store::ReservedSpace::kFrontier, store::kOutboxPublishedThroughKey,
                         std::to_string(through));
  if (!s.ok()) spdlog::error("cluster: recording published_through: {}", s.ToString());
  return Status::Ok();
}

}  // namespace newscrawl::pipeline
