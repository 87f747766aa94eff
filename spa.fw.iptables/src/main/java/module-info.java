/** iptables/ip6tables backend with fwknop-compatible chains and _exp_ comments. */
module spa.fw.iptables {
  requires spa.core;
  requires spa.cmd.exec;
  provides spa.core.spi.FirewallBackend with spa.fw.iptables.IptablesBackend;
}
