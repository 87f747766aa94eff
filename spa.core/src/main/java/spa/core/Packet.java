package spa.core;

import java.net.InetAddress;
import java.time.Instant;

/**
 * A candidate packet as a capture source saw it: addresses from the IP header, transport ports and
 * protocol, the application payload (ASCII for SPA), and when it arrived. Knows nothing of SPA.
 *
 * @param protocol IP protocol number (6 tcp, 17 udp, 1 icmp, 58 icmpv6)
 * @param dst destination address; {@code 0.0.0.0} when the capture cannot know it (UDP socket mode)
 */
public record Packet(InetAddress src, int srcPort, InetAddress dst, int dstPort, int protocol, byte[] payload,
    Instant arrival) {

  public static final int TCP = 6;
  public static final int UDP = 17;
  public static final int ICMP = 1;
  public static final int ICMPV6 = 58;
}
