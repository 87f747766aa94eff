package spa.fw.testkit;

import java.util.function.Function;
import spa.cmd.exec.CommandResult;

/**
 * What a TCP connection attempt from a test namespace met.
 *
 * @param outcome reached a listener, was refused (RST or ICMP unreachable), got no answer (dropped), or was
 *     connected but no banner came in time
 * @param banner the listener's banner when reached, else the empty string
 * @param peer the client address the listener saw (after any source translation), else the empty string
 */
public record Probe(Outcome outcome, String banner, String peer) {

  /** How a connection attempt ended. */
  public enum Outcome {
    REACHED, REFUSED, FILTERED,
    /** The connection was made (the firewall let it through), but the listener sent nothing within the wait. */
    SILENT
  }

  /** Tries a netcat connection: {@code nc} with {@code -v -n -w SECONDS} and the target, run by {@code run}. */
  public static Probe netcat(Function<String[], CommandResult> run, String... nc) {
    Probe p = null;
    // a listener slowed by a busy machine: the connection counts, so try again for its banner
    for (int attempt = 0; attempt < 3 && (p == null || p.outcome == Outcome.SILENT); attempt++) {
      p = of(run.apply(nc));
    }
    return p;
  }

  /** What one {@code nc -v -n} run met: its output is the banner and peer, its messages say how it ended. */
  static Probe of(CommandResult r) {
    if (r.ok() && !r.stdout().isBlank()) {
      String[] words = r.stdout().strip().split("\\s+", 3);
      return new Probe(Outcome.REACHED, words[0], words.length > 1 ? words[1] : "");
    }
    String err = r.stderr();
    Outcome o = err.contains("refused") || err.contains("unreachable") ? Outcome.REFUSED
        : err.contains("succeeded") ? Outcome.SILENT : Outcome.FILTERED;
    return new Probe(o, "", "");
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
