package spa.server.engine;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * Per-source token buckets in a fixed table (sources that share a slot share a bucket), so memory stays
 * bounded whatever the number of sources. Used by the capture thread only.
 */
final class RateLimiter {
  private static final int SLOTS = 4096;
  private final double perSecond;
  private final double burst;
  private final int[] owner = new int[SLOTS];
  private final double[] tokens = new double[SLOTS];
  private final long[] last = new long[SLOTS];

  RateLimiter(double perSecond) {
    this.perSecond = perSecond;
    this.burst = Math.max(1, perSecond * 2);
    Arrays.fill(tokens, burst);
  }

  /** True when a packet from {@code src} at {@code nanos} is within its source's rate. */
  boolean allow(InetAddress src, long nanos) {
    int h = src.hashCode();
    int i = (h ^ h >>> 16) & (SLOTS - 1);
    if (owner[i] != h) {
      owner[i] = h;
      tokens[i] = burst;
      last[i] = nanos;
    }
    double t = Math.min(burst, tokens[i] + (nanos - last[i]) * perSecond / 1e9);
    last[i] = nanos;
    if (t < 1) {
      tokens[i] = t;
      return false;
    }
    tokens[i] = t - 1;
    return true;
  }
}
