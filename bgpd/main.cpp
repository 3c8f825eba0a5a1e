// closbgpd: wiring only. Who produces, who consumes, and the process's life.
#include <malloc.h>

#include <csignal>
#include <iostream>
#include <thread>

#include "bgpd/api/api_server.h"
#include "bgpd/api/event_publisher.h"
#include "bgpd/api/metrics_server.h"
#include "bgpd/api/node_control.h"
#include "bgpd/api/node_views.h"
#include "bgpd/asio.h"
#include "bgpd/bfd/service.h"
#include "bgpd/bmp/exporter.h"
#include "bgpd/config/command_line.h"
#include "bgpd/config/config.h"
#include "bgpd/discovery/link_watch.h"
#include "bgpd/evpn/vni_sync.h"
#include "bgpd/log/log.h"
#include "bgpd/mrt/recorder.h"
#include "bgpd/net/systemd_notify.h"
#include "bgpd/net/time_source.h"
#include "bgpd/session/speaker.h"
#include "bgpd/version.h"
#include "fib/netlink_fib.h"

using namespace closbgp;

int main(int argc, char** argv) {
  // Blocks of 256 KiB and more (tables' arrays as they double, FIB batches)
  // are mapped and unmapped on their own. glibc would otherwise raise this
  // threshold to the largest block freed, after which such blocks come from
  // the arenas and their pages stay there: 1,000,000 routes into the kernel
  // peaked at 145 MB RSS instead of 130 (bench/README.md).
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  auto opts = config::parse_daemon_options(std::span<char* const>(argv, size_t(argc)));
  if (!opts) {
    std::cerr << "closbgpd: " << opts.error() << "\n\n" << config::daemon_usage();
    return 2;
  }
  if (opts->show_help) {
    std::cout << config::daemon_usage();
    return 0;
  }
  if (opts->show_version) {
    std::cout << "closbgpd " << kVersion << " (" << kGitCommit << ")\n";
    return 0;
  }
  // Until the config is read: the command line's level, or info.
  if (!log::set_levels(opts->log_level.empty() ? "info" : opts->log_level)) {
    std::cerr << "closbgpd: unknown log level '" << opts->log_level << "'\n";
    return 2;
  }
  if (!log::set_format(opts->log_format)) {
    std::cerr << "closbgpd: unknown log format '" << opts->log_format << "' (text or json)\n";
    return 2;
  }
  auto main_log = log::get("main");
  auto cfg = config::load_config_file(opts->config_path);
  if (!cfg) {
    log::get("config")->error("invalid configuration: {}", cfg.error().to_string());
    return 1;
  }
  // The command line's level overrides the config's for every module
  // the config does not name.
  log::set_levels(opts->log_level.empty() ? cfg->logging.level : opts->log_level,
                  cfg->logging.modules);
  if (opts->check_only) {
    std::cout << cfg->source << ": valid (AS " << cfg->asn << ", router-id "
              << cfg->router_id.to_string() << ", " << cfg->neighbors.size() << " neighbors, "
              << cfg->networks.size() << " networks)\n";
    return 0;
  }
  main_log->info("closbgpd {} starting: AS {}, router-id {}, {} neighbors, config {}", kVersion,
                 cfg->asn, cfg->router_id.to_string(), cfg->neighbors.size(), cfg->source);
  if (cfg->neighbors.empty())
    main_log->warn(
        "{} configures no neighbors: this node peers with nothing until you add "
        "some (README, Configuration) and reload",
        cfg->source);

  asio::io_context io;
  bfd::BfdService bfd(io);
  if (auto started = bfd.start(); !started) {
    log::get("bfd")->error("{}", started.error());
    return 1;
  }
  std::unique_ptr<fib::NetlinkFib> kernel;
  if (cfg->fib.enabled) {
    kernel = std::make_unique<fib::NetlinkFib>(
        fib::NetlinkOptions{
            {cfg->fib.table, cfg->fib.metric, cfg->fib.protocol, cfg->fib.resilient},
            cfg->fib.nexthop_objects,
            cfg->fib.retain_on_exit,
            cfg->fib.repair,
            cfg->fib.audit_interval},
        log::get("fib"));
    if (auto started = kernel->start(); !started) {
      log::get("fib")->error("{}", started.error());
      return 1;
    }
  } else {
    main_log->info("fib: disabled; running the control plane only");
  }
  const config::Grpc grpc = cfg->grpc;
  const std::string metrics_listen = cfg->metrics.listen;
  session::Speaker speaker(io, std::move(*cfg), bfd, kernel ? &kernel->fib() : nullptr);
  // The API reads the speaker and its RIB engine, steers the speaker, and
  // hears its events.
  // BMP: the sessions and routes mirrored to monitoring stations; MRT files.
  bmp::Exporter monitoring(io, speaker);
  speaker.add_monitor(&monitoring);
  mrt::Recorder recorder(io, speaker);
  speaker.add_monitor(&recorder);
  api::NodeViews views(speaker, monitoring, recorder);
  api::NodeControl control(speaker);
  api::EventBus events;
  api::EventPublisher publisher(speaker, events);
  speaker.set_observer(&publisher);
  if (auto started = speaker.start(); !started) {
    log::get("session")->error("{}", started.error());
    return 1;
  }
  // After the speaker, so it goes first: links followed as the kernel tells,
  // through the FIB's watch of the kernel when there is one.
  discovery::LinkWatch links(
      io, [&] { speaker.interfaces_changed(); }, [&] { speaker.interfaces_followed(false); });
  const auto fib_listener = [&kernel](std::function<void()> on_links) {
    return kernel && kernel->follow_links(std::move(on_links));
  };
  if (auto watching = links.start(fib_listener); !watching)
    log::get("session")->warn("{}: interfaces are read every second", watching.error());
  else
    speaker.interfaces_followed(true);
  // A leaf's VNIs: the kernel's VXLAN devices, MACs and neighbours in, the
  // remote VNIs' entries out.
  net::AsioTimeSource evpn_time(io);
  std::unique_ptr<evpn::VniSync> vnis;
  if (speaker.config().evpn.advertise_all_vni) {
    // Routed tenants' routes: the FIB's protocol, the metric after the
    // underlay's; each in the table of its L3 VNI's bridge (the main
    // table, or its VRF's).
    const auto& c = speaker.config();
    std::optional<fib::RouteMarks> tenant_routes;
    if (!c.evpn.vrfs.empty())
      tenant_routes = fib::RouteMarks{254, c.fib.protocol, c.fib.metric + 1};
    std::optional<evpn::DuplicateMacs> duplicates;
    if (const auto& d = c.evpn.duplicates; d.enabled)
      duplicates.emplace(d.max_moves, std::chrono::seconds(d.time), std::chrono::seconds(d.freeze));
    vnis = std::make_unique<evpn::VniSync>(
        io, evpn_time,
        evpn::VniSync::Hooks{[&](const auto& change) { speaker.change_evpn_leaf(change); },
                             [&] { return speaker.initial_tables_in(); }},
        std::chrono::seconds(std::max<uint32_t>(speaker.config().drain.warm_up, 60)), tenant_routes,
        std::move(duplicates));
    speaker.set_evpn_kernel([&](const rib::EvpnKernelUpdate& u) { vnis->apply(u); },
                            [&](const rib::EvpnLeaf::Findings& f) {
                              vnis->report(f, [&](uint32_t id) { return speaker.peer_name(id); });
                            },
                            [&] { return vnis->backlog(); });
    if (auto started = vnis->start(); !started) {
      log::get("evpn")->error("{}", started.error());
      return 1;
    }
    control.set_clear_duplicates(
        [&](auto vni, auto mac) { return vnis->clear_duplicates(vni, mac); });
  }
  monitoring.start();
  recorder.start();
  api::ApiServer api(io, views, control, events);
  if (auto started = api.start(grpc); !started) {
    log::get("api")->error("{}", started.error());
    return 1;
  }

  api::MetricsServer metrics(io, views);
  if (!metrics_listen.empty()) {
    if (auto started = metrics.start(metrics_listen); !started) {
      log::get("api")->error("{}", started.error());
      return 1;
    }
  }

  // systemd (Type=notify): ready now; the watchdog is fed from the main
  // loop, so a loop that hangs stops feeding it and systemd restarts us.
  net::systemd_notify("READY=1\nSTATUS=running: AS " + std::to_string(speaker.config().asn));
  asio::steady_timer watchdog(io);
  std::function<void()> feed_watchdog = [&] {
    const auto interval = net::systemd_watchdog_interval();
    if (!interval) return;
    net::systemd_notify("WATCHDOG=1");
    watchdog.expires_after(*interval);
    watchdog.async_wait([&](const boost::system::error_code& ec) {
      if (!ec) feed_watchdog();
    });
  };
  feed_watchdog();

  // In-flight API calls finish on the main loop, so the server is shut down
  // from another thread while the loop keeps running, then the loop stops.
  std::thread stopper;
  asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int sig) {
        if (ec) return;
        if (sig == SIGHUP) {
          main_log->info("SIGHUP: reloading {}", speaker.config_source());
          net::systemd_notify("RELOADING=1");
          speaker.reload_config();  // logs what changed, or why nothing did
          net::systemd_notify("READY=1");
          signals.async_wait(on_signal);
          return;
        }
        main_log->info("{} received: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
        net::systemd_notify("STOPPING=1");
        watchdog.cancel();
        metrics.stop();
        // Peers get Cease / Administrative Shutdown first, then the API stops.
        speaker.shutdown("closbgpd shutting down", [&] {
          monitoring.stop();  // after the neighbours' Peer Down
          stopper = std::thread([&] {
            api.shutdown(1000);
            bfd.stop();
            asio::post(io, [&] { io.stop(); });
          });
        });
      };
  signals.async_wait(on_signal);
  io.run();
  if (stopper.joinable()) stopper.join();
  main_log->info("stopped");
  return 0;
}
