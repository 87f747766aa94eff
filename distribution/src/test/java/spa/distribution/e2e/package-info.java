/**
 * End-to-end tests: the image's {@code spad} guarding real TCP services inside network namespaces, with the
 * nftables and iptables backends and the example plugin {@code command} (examples/fw-command, built here by its
 * own pom), knocked by the image's {@code spa} and by Debian's {@code fwknop}.
 */
package spa.distribution.e2e;
