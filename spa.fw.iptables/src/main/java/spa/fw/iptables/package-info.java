/**
 * The iptables firewall backend ({@code iptables}): fwknop 2.6's chains (FWKNOP_INPUT, _OUTPUT, _FORWARD,
 * _PREROUTING, _POSTROUTING, _MASQUERADE) and rule strings with {@code _exp_<epoch>} comments, for IPv4
 * (iptables) and IPv6 (ip6tables). Settings are fwknopd.conf's: FIREWALL_EXE, IPT_*_ACCESS,
 * ENABLE_IPT_FORWARDING, ENABLE_IPT_LOCAL_NAT, ENABLE_IPT_SNAT, ENABLE_IPT_OUTPUT, FLUSH_IPT_AT_INIT,
 * ENABLE_RULE_PREPEND, ENABLE_DESTINATION_RULE; plus IP6TABLES_EXE and ENABLE_IP6TABLES. See
 * {@code docs/iptables.md} of this module.
 */
package spa.fw.iptables;
