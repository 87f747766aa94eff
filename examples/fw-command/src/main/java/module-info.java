/**
 * An example firewall plugin for spa: a generic backend whose open, close, list and flush are argv templates
 * from the configuration, for a firewall or router ACL spa has no plugin for.
 */
module example.fw.command {
  requires spa.core;
  requires spa.cmd.exec;

  provides spa.core.spi.FirewallBackend with example.fw.command.CommandBackend;
}
