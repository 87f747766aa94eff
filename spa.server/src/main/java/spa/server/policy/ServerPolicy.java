package spa.server.policy;

import java.net.InetAddress;

/**
 * The daemon-wide settings the access decision depends on.
 *
 * @param agingEnabled ENABLE_SPA_PACKET_AGING
 * @param maxAgeSeconds MAX_SPA_PACKET_AGE (window in both directions)
 * @param forwarding ENABLE_IPT_FORWARDING (or ENABLE_FIREWD_FORWARDING)
 * @param localNat ENABLE_IPT_LOCAL_NAT (or ENABLE_FIREWD_LOCAL_NAT)
 * @param natDns ENABLE_NAT_DNS: resolve host names in NAT requests
 * @param destinationRule ENABLE_DESTINATION_RULE: restrict grants to the packet's destination address
 * @param globalSnat ENABLE_IPT_SNAT: translate the source of forwarded connections
 * @param snatAddress SNAT_TRANSLATE_IP, or null for masquerading
 */
public record ServerPolicy(boolean agingEnabled, int maxAgeSeconds, boolean forwarding, boolean localNat,
    boolean natDns, boolean destinationRule, boolean globalSnat, InetAddress snatAddress) {}
