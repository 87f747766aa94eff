/** The ipfw firewall backend (FreeBSD, macOS), with fwknopd's rule numbers, sets and _exp_ comments. */
module spa.fw.ipfw {
  requires spa.core;
  requires spa.cmd.exec;
  provides spa.core.spi.FirewallBackend with spa.fw.ipfw.IpfwBackend;
}
