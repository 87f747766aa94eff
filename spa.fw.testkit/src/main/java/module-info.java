/**
 * For firewall backends' tests: the scenarios every backend must pass (against the kernel, or a simulator of its
 * tool), network-namespace topologies with real TCP listeners, and a recording command runner for golden
 * transcripts.
 */
module spa.fw.testkit {
  requires transitive spa.core;
  requires transitive spa.cmd.exec;
  requires transitive org.junit.jupiter.api;

  exports spa.fw.testkit;
}
