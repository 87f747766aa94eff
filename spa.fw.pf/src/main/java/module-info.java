/** The pf firewall backend (OpenBSD, FreeBSD) through pfctl, with fwknopd's anchor rules and _exp_ labels. */
module spa.fw.pf {
  requires spa.core;
  requires spa.cmd.exec;
  provides spa.core.spi.FirewallBackend with spa.fw.pf.PfBackend;
}
