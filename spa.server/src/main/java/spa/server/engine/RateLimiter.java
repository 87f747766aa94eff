package spa.server.engine;

import java.net.InetAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Authenticated packets per second per stanza and source ({@code SPA_RATE_LIMIT}), up to two seconds' worth at
 * once: token buckets in an exact map, so two sources never share or reset a bucket. A bucket idle long enough
 * to have refilled is dropped (a new one starts full, so nothing is lost); the map holds at most
 * {@code capacity} buckets, and when all of them are in use a further pair is refused rather than an active
 * bucket reset. Only packets that authenticated are counted: forged packets from a user's address cost that
 * user nothing.
 */
final class RateLimiter {
  /** What a packet's bucket said. */
  enum Verdict {
    ALLOW, OVER, FULL
  }

  private record Key(String stanza, InetAddress source) {}

  private static final class Bucket {
    double tokens;
    long last;
  }

  private final double perMilli;
  private final double burst;
  private final long refillMillis;
  private final int capacity;
  /** In access order: the eldest is the least recently used, the first to have refilled. */
  private final LinkedHashMap<Key, Bucket> buckets = new LinkedHashMap<>(64, 0.75f, true);

  RateLimiter(double perSecond, int capacity) {
    if (!(perSecond > 0) || capacity < 1) {
      throw new IllegalArgumentException("rate " + perSecond + "/s, " + capacity + " buckets");
    }
    this.perMilli = perSecond / 1000;
    this.burst = Math.max(1, perSecond * 2);
    this.refillMillis = (long) Math.ceil(burst / perMilli);
    this.capacity = capacity;
  }

  /** Takes a token from the bucket of {@code stanza} and {@code source} at {@code nowMillis}. */
  synchronized Verdict take(String stanza, InetAddress source, long nowMillis) {
    Key k = new Key(stanza, source);
    Bucket b = buckets.get(k);
    if (b == null) {
      dropIdle(nowMillis);
      if (buckets.size() >= capacity) {
        return Verdict.FULL;
      }
      b = new Bucket();
      b.tokens = burst;
      b.last = nowMillis;
      buckets.put(k, b);
    }
    double t = Math.min(burst, b.tokens + Math.max(0, nowMillis - b.last) * perMilli);
    b.last = Math.max(b.last, nowMillis);
    if (t < 1) {
      b.tokens = t;
      return Verdict.OVER;
    }
    b.tokens = t - 1;
    return Verdict.ALLOW;
  }

  /** Drops the buckets that have refilled since their last packet, eldest first. */
  private void dropIdle(long nowMillis) {
    Iterator<Map.Entry<Key, Bucket>> it = buckets.entrySet().iterator();
    while (it.hasNext() && nowMillis - it.next().getValue().last >= refillMillis) {
      it.remove();
    }
  }

  synchronized int size() {
    return buckets.size();
  }
}
