// `newscrawl run --config FILE`: the daemon (a systemd Type=notify service).
//
// READY=1 (with STATUS=) once the store is open, the workers run and the HTTP API listens;
// WATCHDOG=1 from the event loop every half of WatchdogSec when systemd asks for it; STATUS=
// (server/status_line.h) every 5 s;
// SIGHUP: RELOADING=1, reload the file (a bad file is rejected with its errors logged and the
// old config kept), READY=1; SIGTERM/SIGINT: STOPPING=1, drain within --drain-timeout, exit 0
// (a second signal stops at once). Exit 1 when the config, the store or the API cannot start.
//
// With `cluster: enabled: true` the daemon joins the NATS JetStream cluster of the config
// (cluster/nats_cluster.h; docs/cluster.md) before READY=1, and exits 1 when no NATS server can
// be reached at start. /healthz stays 200 while the process runs (a broker outage is no reason to
// restart it: the daemon waits and retries); /readyz is 503 while the connection to NATS is down
// (checked every second) and during the drain.
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "cli/command.h"
#include "cli/store_article_source.h"
#include "cluster/nats_cluster.h"
#include "config/config.h"
#include "pipeline/daemon.h"
#include "server/http_server.h"
#include "server/process_metrics.h"
#include "server/signals.h"
#include "server/status_line.h"
#include "server/systemd_notify.h"
#include "store/store.h"

namespace newscrawl::cli {
namespace {

struct RunFlags {
  std::string config_path;
  std::string drain_timeout = "10s";
  std::string lease = "2m";
  int workers = 0;
  std::string min_poll;  // tests: override every site's poll bounds below the config's minimum
  std::string max_poll;
};

// "127.0.0.1:8080" or "[::1]:8080" -> address and port.
bool SplitBind(const std::string& bind, std::string* address, uint16_t* port) {
  size_t colon = bind.rfind(':');
  if (colon == std::string::npos) return false;
  std::string host = bind.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  try {
    unsigned long p = std::stoul(bind.substr(colon + 1));
    if (p > 65535) return false;
    *port = static_cast<uint16_t>(p);
  } catch (...) {
    return false;
  }
  *address = host;
  return !host.empty();
}

void LogIfFailed(const Status& s) {
  if (!s.ok()) spdlog::warn("sd_notify: {}", s.ToString());
}

// The STATUS= line: article counts from the store's totals, the rest from this process.
std::string StatusLineOf(pipeline::Daemon& daemon, size_t sites, bool cluster) {
  server::StatusFacts facts;
  if (store::Store* store = daemon.store()) {
    if (auto stats = store->Stats(); stats.ok()) {
      facts.articles = stats->counters.articles;
      facts.duplicates = stats->counters.duplicates;
    }
    facts.last_seq = store->LastSeq();
  }
  pipeline::DaemonCounters c = daemon.counters();
  facts.fetched = c.fetched;
  facts.failed = c.fetch_failures;
  facts.in_flight = c.outstanding;
  facts.sites = sites;
  facts.cluster = cluster;
  facts.routed = c.routed;
  facts.received = c.received;
  facts.published = c.published;
  facts.claimed_elsewhere = c.cluster_duplicates;
  facts.deferred = c.deferred;
  return server::FormatStatusLine(facts);
}

int RunDaemon(const RunFlags& flags) {
  Result<Config> config = LoadConfigFile(flags.config_path);
  if (!config.ok()) {
    std::fprintf(stderr, "newscrawl run: %s\n", config.status().message().c_str());
    return kExitFailure;
  }
  auto drain = ParseDuration(flags.drain_timeout);
  auto lease = ParseDuration(flags.lease);
  if (!drain.ok() || !lease.ok()) {
    std::fprintf(stderr, "newscrawl run: --drain-timeout/--lease: %s\n",
                 (!drain.ok() ? drain.status() : lease.status()).message().c_str());
    return kExitUsage;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));
  server::RegisterProcessMetrics(&MetricsRegistry::Default(), NEWSCRAWL_VERSION);
  std::string address;
  uint16_t port = 0;
  if (!SplitBind(config->http_api.bind, &address, &port)) {
    std::fprintf(stderr, "newscrawl run: http_api.bind \"%s\" is not host:port\n",
                 config->http_api.bind.c_str());
    return kExitFailure;
  }

  for (const std::string* flag : {&flags.min_poll, &flags.max_poll}) {
    if (flag->empty()) continue;
    auto d = ParseDuration(*flag);
    if (!d.ok()) {
      std::fprintf(stderr, "newscrawl run: --min-poll/--max-poll: %s\n",
                   d.status().message().c_str());
      return kExitUsage;
    }
    for (auto& site : config->sites)
      (flag == &flags.min_poll ? site.min_poll_interval : site.max_poll_interval) = *d;
  }
  std::atomic<server::HttpServer*> http_for_changes{nullptr};
  pipeline::DaemonOptions options;
  options.config = *config;
  options.lease = *lease;
  options.workers =
      flags.workers > 0 ? flags.workers : std::max(2u, std::thread::hardware_concurrency());
  options.on_changes = [&http_for_changes] {
    if (server::HttpServer* http = http_for_changes.load()) http->NotifyChanges();
  };
  cluster::NatsCluster* nats = nullptr;  // owned by options.cluster, then by the daemon
  if (config->cluster.enabled) {
    auto made = cluster::MakeNatsCluster(config->cluster, &MetricsRegistry::Default());
    if (!made.ok()) {
      std::fprintf(stderr, "newscrawl run: cluster: %s\n", made.status().ToString().c_str());
      return kExitFailure;
    }
    nats = made->get();
    options.cluster = std::shared_ptr<pipeline::ClusterHooks>(std::move(made).value());
    spdlog::info("cluster: instance {} joining via {}", config->cluster.instance_name,
                 config->cluster.nats_urls.front());
  }
  auto daemon = pipeline::Daemon::Start(std::move(options));
  if (!daemon.ok()) {
    std::fprintf(stderr, "newscrawl run: %s\n", daemon.status().ToString().c_str());
    return kExitFailure;
  }
  server::HttpServerOptions http_options;
  http_options.address = address;
  http_options.port = port;
  http_options.api.bearer_token = config->http_api.bearer_token;
  StoreArticleSource articles((*daemon)->store());  // declared before `http`: outlives it
  auto http = std::make_unique<server::HttpServer>(http_options, &articles);
  if (Status s = http->Start(); !s.ok()) {
    std::fprintf(stderr, "newscrawl run: HTTP API on %s: %s\n", config->http_api.bind.c_str(),
                 s.ToString().c_str());
    (*daemon)->Stop(std::chrono::milliseconds(0));
    return kExitFailure;
  }
  http_for_changes.store(http.get());
  http->SetReady(true);
  spdlog::info("newscrawl run: {}; API on {}:{}", config->Summary(), address, http->port());
  size_t sites = config->sites.size();
  const bool cluster = config->cluster.enabled;
  auto status_line = [&] { return StatusLineOf(**daemon, sites, cluster); };
  LogIfFailed(server::NotifyReady(status_line()));

  boost::asio::io_context io;
  bool stopping = false;
  auto stop = [&](int signal_number) {
    if (stopping) {
      spdlog::warn("second signal {}: stopping now", signal_number);
      std::_Exit(kExitOk);
    }
    stopping = true;
    http->SetReady(false);
    spdlog::info("signal {}: draining (up to {} ms)", signal_number, drain->count());
    LogIfFailed(server::NotifyStopping());
    (*daemon)->Stop(*drain);
    http_for_changes.store(nullptr);
    http->Stop(std::chrono::milliseconds(1000));
    io.stop();
  };
  auto reload = [&] {
    LogIfFailed(server::NotifyReloading());
    Result<Config> fresh = LoadConfigFile(flags.config_path);
    if (!fresh.ok()) {
      spdlog::error("reload rejected, keeping the running config: {}", fresh.status().message());
    } else {
      auto notes = (*daemon)->Reload(*fresh);
      if (!notes.ok()) {
        spdlog::error("reload failed, keeping the running config: {}", notes.status().ToString());
      } else {
        spdlog::set_level(spdlog::level::from_str(fresh->log_level));
        sites = fresh->sites.size();
        for (const auto& note : *notes) spdlog::warn("reload: {}", note);
        spdlog::info("reloaded {}: {}", flags.config_path, fresh->Summary());
      }
    }
    LogIfFailed(server::NotifyReady(status_line()));
  };
  server::SignalHandlers signals(io.get_executor(), {stop, reload});

  // From the event loop, so a hung loop stops both: WATCHDOG=1 every half of WatchdogSec (when
  // systemd watches us), STATUS= every 5 s.
  const auto watchdog = server::WatchdogInterval();
  boost::asio::steady_timer watchdog_timer(io);
  std::function<void()> watchdog_beat = [&] {
    LogIfFailed(server::NotifyWatchdog());
    watchdog_timer.expires_after(*watchdog / 2);
    watchdog_timer.async_wait([&](const boost::system::error_code& ec) {
      if (!ec && !stopping) watchdog_beat();
    });
  };
  if (watchdog) watchdog_beat();
  boost::asio::steady_timer status_timer(io);
  std::function<void()> status_beat = [&] {
    status_timer.expires_after(std::chrono::seconds(5));
    status_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec || stopping) return;
      LogIfFailed(server::NotifyStatus(status_line()));
      status_beat();
    });
  };
  status_beat();
  // Cluster: ready only while connected to NATS.
  boost::asio::steady_timer readiness_timer(io);
  std::function<void()> readiness = [&] {
    readiness_timer.expires_after(std::chrono::seconds(1));
    readiness_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec || stopping) return;
      http->SetReady(nats->Connected());
      readiness();
    });
  };
  if (nats) readiness();
  io.run();
  signals.Cancel();
  http.reset();
  spdlog::info("stopped: {}", status_line());
  daemon->reset();
  return kExitOk;
}

CommandRunner SetupRun(CLI::App& sub) {
  auto flags = std::make_shared<RunFlags>();
  sub.add_option("--config", flags->config_path, "The YAML config file")->required();
  sub.add_option("--drain-timeout", flags->drain_timeout,
                 "On SIGTERM, time given to in-flight work (default 10s)");
  sub.add_option("--lease", flags->lease,
                 "How long an in-flight URL stays claimed; after a crash it is due again then "
                 "(default 2m)");
  sub.add_option("--min-poll", flags->min_poll,
                 "Tests: override every site's min_poll_interval (the config allows >= 10s)");
  sub.add_option("--max-poll", flags->max_poll, "Tests: override every site's max_poll_interval");
  sub.add_option("--workers", flags->workers, "Extraction threads (default: CPU count, >= 2)");
  return [flags] { return RunDaemon(*flags); };
}

}  // namespace
}  // namespace newscrawl::cli

NC_REGISTER_COMMAND(run, "run", "Run the crawler daemon (systemd Type=notify service)",
                    newscrawl::cli::SetupRun);
