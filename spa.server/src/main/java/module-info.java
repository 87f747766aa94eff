/**
 * The spad engine: capture to decision pipeline, fwknop access policy, replay cache, plugin layers,
 * configuration, and the {@code spad} command. Exports nothing: plugins depend on spa.core alone.
 */
module spa.server {
  requires spa.core;
  requires spa.cmd.exec;
  requires typesafe.config;
  requires jdk.unsupported; // sun.misc.Signal: SIGHUP reload

  uses spa.core.spi.CaptureSource;
  uses spa.core.spi.Decryptor;
  uses spa.core.spi.Authorizer;
  uses spa.core.spi.FirewallBackend;
  uses spa.core.replay.ReplayStore;
  uses spa.core.fleet.GrantBus;

  provides spa.core.replay.ReplayStore with spa.server.replay.LocalReplayStore;
  // plugins' System.Logger messages become spad's own lines (and syslog's), not java.util.logging records
  provides java.lang.System.LoggerFinder with spa.server.event.PluginLoggers;
}
