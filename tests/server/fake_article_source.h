// An in-memory ArticleSource for the server tests: a change log that tests append to, article
// lookups by id and URL, and an injectable failure.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "server/article_source.h"

namespace newscrawl::server::testing {

class FakeArticleSource : public ArticleSource {
 public:
  // Appends an event whose record is `json`; returns its seq (1, 2, ...).
  uint64_t Append(const std::string& json) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(ChangeEvent{events_.size() + 1, json});
    return events_.size();
  }
  void AddArticle(const std::string& id, const std::string& url, const std::string& json) {
    std::lock_guard<std::mutex> lock(mu_);
    by_id_[id] = json;
    by_url_[url] = json;
  }
  void FailReadsWith(Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    read_failure_ = std::move(status);
  }
  int read_calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return read_calls_;
  }

  Result<std::vector<ChangeEvent>> ReadChanges(uint64_t after, size_t limit) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++read_calls_;
    if (!read_failure_.ok()) return read_failure_;
    std::vector<ChangeEvent> out;
    for (uint64_t seq = after + 1; seq <= events_.size() && out.size() < limit; ++seq) {
      out.push_back(events_[seq - 1]);
    }
    return out;
  }
  uint64_t LastSeq() override {
    std::lock_guard<std::mutex> lock(mu_);
    return events_.size();
  }
  Result<std::string> GetArticleById(std::string_view id) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_id_.find(std::string(id));
    if (it == by_id_.end()) return Status::NotFound("no article with id " + std::string(id));
    return it->second;
  }
  Result<std::string> GetArticleByUrl(std::string_view url) override {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = by_url_.find(std::string(url));
    if (it == by_url_.end()) return Status::NotFound("no article for URL " + std::string(url));
    return it->second;
  }

 private:
  std::mutex mu_;
  std::vector<ChangeEvent> events_;
  std::map<std::string, std::string> by_id_;
  std::map<std::string, std::string> by_url_;
  Status read_failure_;
  int read_calls_ = 0;
};

}  // namespace newscrawl::server::testing
