// Clock: the one way production code reads time, so tests can inject a fake one.
//
// A leveldb-`Env`-style seam: the fetcher, frontier, daemon and cluster take a `Clock&` (or a
// `const Clock*`, null meaning `SystemClock()`) instead of calling std::chrono directly, so
// politeness, backoff, leases and schedules are tested by advancing a `FakeClock` in
// milliseconds rather than by sleeping. Waiting itself (timers on an io_context, condition
// variables) still uses real time; the clock only answers "what time is it".
// Thread safety: both implementations may be read from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace newscrawl {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic time, for intervals and deadlines. Never goes back; unrelated to the calendar.
  virtual std::chrono::steady_clock::time_point SteadyNow() const = 0;
  // Wall-clock time in milliseconds since the Unix epoch, for anything persisted or shown.
  virtual int64_t UnixNowMs() const = 0;
};

// The real clocks. The returned object lives for the whole process.
const Clock& SystemClock();

// A clock that moves only when told. Starts at `unix_ms` (wall) and an arbitrary steady origin;
// Advance moves both by the same amount.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t unix_ms = 1'767'225'600'000 /* 2026-01-01T00:00:00Z */)
      : unix_ms_(unix_ms) {}
  std::chrono::steady_clock::time_point SteadyNow() const override {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(steady_ms_.load()));
  }
  int64_t UnixNowMs() const override { return unix_ms_.load(); }
  void Advance(std::chrono::milliseconds d) {
    steady_ms_ += d.count();
    unix_ms_ += d.count();
  }
  // Moves the wall clock alone (an NTP step); the steady clock is unaffected.
  void SetUnixMs(int64_t unix_ms) { unix_ms_ = unix_ms; }

 private:
  std::atomic<int64_t> steady_ms_{1'000'000};
  std::atomic<int64_t> unix_ms_;
};

}  // namespace newscrawl
