/**
 * End-to-end tests: the image's {@code spad} guarding real TCP services inside network namespaces, with the
 * nftables and iptables backends, knocked by the image's {@code spa} and by Debian's {@code fwknop}.
 */
package spa.distribution.e2e;
