/** Test support shared with the firewall modules: network-namespace topologies with real TCP listeners. */
package spa.cmd.exec.testkit;
