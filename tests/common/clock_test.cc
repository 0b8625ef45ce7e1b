#include "common/clock.h"

#include <gtest/gtest.h>

namespace newscrawl {
namespace {

TEST(ClockTest, FakeClockMovesOnlyWhenAdvanced) {
  FakeClock clock(1000);
  const auto start = clock.SteadyNow();
  EXPECT_EQ(clock.UnixNowMs(), 1000);
  clock.Advance(std::chrono::milliseconds(250));
  EXPECT_EQ(clock.UnixNowMs(), 1250);
  EXPECT_EQ(clock.SteadyNow() - start, std::chrono::milliseconds(250));
  clock.SetUnixMs(10);  // a wall-clock step back leaves the steady clock alone
  EXPECT_EQ(clock.UnixNowMs(), 10);
  EXPECT_EQ(clock.SteadyNow() - start, std::chrono::milliseconds(250));
}

TEST(ClockTest, SystemClockIsNearTheRealTime) {
  const int64_t before = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  const int64_t now = SystemClock().UnixNowMs();
  EXPECT_GE(now, before);
  EXPECT_LT(now - before, 60'000);
  const auto a = SystemClock().SteadyNow();
  EXPECT_GE(SystemClock().SteadyNow(), a);
}

}  // namespace
}  // namespace newscrawl
