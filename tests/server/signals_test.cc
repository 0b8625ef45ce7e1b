// Signals become callbacks on the Asio loop; handling ends with the object.
#include "server/signals.h"

#include <gtest/gtest.h>

#include <csignal>
#include <utility>

#include <boost/asio/io_context.hpp>

namespace newscrawl::server {
namespace {

// Runs `ioc` until `done` or 10 s pass.
template <typename Done>
void RunUntil(boost::asio::io_context& ioc, Done done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!done() && std::chrono::steady_clock::now() < deadline) {
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds(20));
  }
}

TEST(SignalHandlersTest, TerminateAndReloadCallbacksRunOnTheLoopRepeatedly) {
  boost::asio::io_context ioc;
  std::vector<int> terminations;
  int reloads = 0;
  SignalHandlers handlers(ioc.get_executor(), {[&](int number) { terminations.push_back(number); },
                                               [&] { ++reloads; }});
  raise(SIGHUP);
  RunUntil(ioc, [&] { return reloads == 1; });
  EXPECT_EQ(reloads, 1);
  raise(SIGHUP);  // handling is re-armed after each signal
  RunUntil(ioc, [&] { return reloads == 2; });
  EXPECT_EQ(reloads, 2);
  raise(SIGTERM);
  RunUntil(ioc, [&] { return terminations.size() == 1; });
  raise(SIGINT);
  RunUntil(ioc, [&] { return terminations.size() == 2; });
  EXPECT_EQ(terminations, (std::vector<int>{SIGTERM, SIGINT}));
  EXPECT_EQ(reloads, 2);
}

TEST(SignalHandlersTest, CancelRestoresDefaultDisposition) {
  boost::asio::io_context ioc;
  int reloads = 0;
  {
    SignalHandlers handlers(ioc.get_executor(), {nullptr, [&] { ++reloads; }});
    struct sigaction current {};
    sigaction(SIGHUP, nullptr, &current);
    EXPECT_NE(current.sa_handler, SIG_DFL);
    handlers.Cancel();
    sigaction(SIGHUP, nullptr, &current);
    EXPECT_EQ(current.sa_handler, SIG_DFL);
  }
  ioc.restart();
  ioc.run_for(std::chrono::milliseconds(50));
  EXPECT_EQ(reloads, 0);
}

}  // namespace
}  // namespace newscrawl::server
