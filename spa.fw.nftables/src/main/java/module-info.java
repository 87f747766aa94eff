/** nftables backend: own inet table, set and map elements with kernel timeouts, IPv4 and IPv6. */
module spa.fw.nftables {
  requires spa.core;
  requires spa.cmd.exec;
  requires com.sun.jna; // libnftables in-process
  provides spa.core.spi.FirewallBackend with spa.fw.nftables.NftablesBackend;
}
