// SignalHandlers: SIGTERM, SIGINT and SIGHUP delivered as callbacks on an Asio executor (the
// daemon's event loop), not in signal context, so the callbacks may do anything.
//
//   SIGTERM, SIGINT -> on_terminate(signal number)   (drain and exit)
//   SIGHUP          -> on_reload()                   (reload the configuration)
//
// Handling stays installed until the object is destroyed or Cancel() is called; then the default
// dispositions come back. A second SIGTERM while draining calls on_terminate again (the daemon may
// then exit at once). Thread safety: construct, Cancel() and destroy on the executor's thread, or
// before/after it runs; callbacks run on the executor.
#pragma once

#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>

namespace newscrawl::server {

struct SignalCallbacks {
  std::function<void(int signal_number)> on_terminate;
  std::function<void()> on_reload;
};

class SignalHandlers {
 public:
  SignalHandlers(boost::asio::any_io_executor executor, SignalCallbacks callbacks);
  ~SignalHandlers();
  SignalHandlers(const SignalHandlers&) = delete;
  SignalHandlers& operator=(const SignalHandlers&) = delete;

  // Stops handling; pending callbacks are not called.
  void Cancel();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace newscrawl::server
