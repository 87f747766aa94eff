/**
 * For firewall backends' tests only: network-namespace topologies with real TCP listeners, and the scenarios
 * every firewall backend must pass against the real kernel.
 */
module spa.fw.testkit {
  requires transitive spa.core;
  requires transitive spa.cmd.exec;
  requires transitive org.junit.jupiter.api;

  exports spa.fw.testkit;
}
