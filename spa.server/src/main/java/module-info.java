/** The spad engine: pipeline, access policy, replay cache, plugin layers, configuration. */
module spa.server {
  requires spa.core;
  requires info.picocli;
  requires typesafe.config;
  opens spa.server.cli to info.picocli;
  uses spa.core.spi.CaptureSource;
  uses spa.core.spi.Decryptor;
  uses spa.core.spi.Authorizer;
  uses spa.core.spi.FirewallBackend;
}
