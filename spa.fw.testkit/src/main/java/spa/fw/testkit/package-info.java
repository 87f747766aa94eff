/**
 * Test support for the firewall backends and the end-to-end tests: network-namespace topologies with real TCP
 * listeners, and {@link spa.fw.testkit.FirewallContract}, the scenarios every backend runs through them.
 */
package spa.fw.testkit;
