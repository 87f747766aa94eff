/**
 * Test support for the firewall backends and the end-to-end tests: {@link spa.fw.testkit.BackendContract}, the
 * scenarios every backend passes judged by the firewall's state; {@link spa.fw.testkit.FirewallContract}, the same
 * plus real traffic through network-namespace topologies; {@link spa.fw.testkit.RecordingRunner} for golden
 * transcripts with scripted answers and failures; {@link spa.fw.testkit.SimulatedTool} to run a simulator of a
 * firewall tool as the backend's executable.
 */
package spa.fw.testkit;
