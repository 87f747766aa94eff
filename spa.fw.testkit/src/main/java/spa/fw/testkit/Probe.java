package spa.fw.testkit;

/**
 * What a TCP connection attempt from a test namespace met.
 *
 * @param outcome reached a listener, was refused (RST or ICMP unreachable), or got no answer (dropped)
 * @param banner the listener's banner when reached, else the empty string
 * @param peer the client address the listener saw (after any source translation), else the empty string
 */
public record Probe(Outcome outcome, String banner, String peer) {

  /** How a connection attempt ended. */
  public enum Outcome {
    REACHED, REFUSED, FILTERED
  }

  public boolean reached(String expectedBanner) {
    return outcome == Outcome.REACHED && banner.equals(expectedBanner);
  }

  /** True when the listener saw address {@code address} (a numeric literal) as the connection's source. */
  public boolean peerIs(String address) {
    try {
      return !peer.isEmpty() && java.net.InetAddress.getByName(peer).equals(java.net.InetAddress.getByName(address));
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return outcome == Outcome.REACHED ? "REACHED(" + banner + " from " + peer + ")" : outcome.name();
  }
}
