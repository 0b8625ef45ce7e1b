#include "server/signals.h"

#include <utility>  // before Asio (DESIGN.md pitfalls)

#include <csignal>

#include <boost/asio/signal_set.hpp>

namespace newscrawl::server {

struct SignalHandlers::State : std::enable_shared_from_this<State> {
  State(boost::asio::any_io_executor executor, SignalCallbacks callbacks)
      : signals(std::move(executor), SIGTERM, SIGINT, SIGHUP), callbacks(std::move(callbacks)) {}

  void Wait() {
    signals.async_wait([weak = weak_from_this()](const boost::system::error_code& ec, int number) {
      auto self = weak.lock();
      if (!self || ec || self->cancelled) return;
      if (number == SIGHUP) {
        if (self->callbacks.on_reload) self->callbacks.on_reload();
      } else if (self->callbacks.on_terminate) {
        self->callbacks.on_terminate(number);
      }
      if (!self->cancelled) self->Wait();
    });
  }

  boost::asio::signal_set signals;
  SignalCallbacks callbacks;
  bool cancelled = false;
};

SignalHandlers::SignalHandlers(boost::asio::any_io_executor executor, SignalCallbacks callbacks)
    : state_(std::make_shared<State>(std::move(executor), std::move(callbacks))) {
  state_->Wait();
}

SignalHandlers::~SignalHandlers() { Cancel(); }

void SignalHandlers::Cancel() {
  if (state_->cancelled) return;
  state_->cancelled = true;
  boost::system::error_code ignored;
  state_->signals.clear(ignored);  // restores the default dispositions
  state_->signals.cancel(ignored);
}

}  // namespace newscrawl::server
