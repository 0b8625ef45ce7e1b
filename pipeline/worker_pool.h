// WorkerPool: a fixed number of threads running submitted tasks in FIFO order. Extraction,
// discovery and store writes run here so that the fetcher's I/O thread never blocks.
//
// Thread safety: Submit() from any thread (including the fetcher's I/O thread: it only locks a
// mutex and pushes). WaitIdle()/Stop() from one controlling thread, not from a worker.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace newscrawl::pipeline {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();  // Stop()
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `task`. Returns false (and drops the task) after Stop().
  bool Submit(std::function<void()> task);
  // Waits until the queue is empty and no task runs, or `timeout` passes. True when idle.
  bool WaitIdle(std::chrono::milliseconds timeout);
  // Runs what is queued, then joins the threads. Idempotent.
  void Stop();
  size_t queued() const;

 private:
  void Run();

  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> tasks_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace newscrawl::pipeline
