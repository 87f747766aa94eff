package spa.server.event;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/** UTC ISO-8601 timestamps with milliseconds, formatting each second only once. Not thread-safe. */
final class Timestamps {
  private long cachedSecond = Long.MIN_VALUE;
  private final byte[] prefix = new byte[19]; // yyyy-MM-ddTHH:mm:ss

  void append(long millis, ByteLine out) {
    long second = Math.floorDiv(millis, 1000);
    if (second != cachedSecond) {
      LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
      ByteLine b = new ByteLine(19);
      b.padded(t.getYear(), 4).put('-').padded(t.getMonthValue(), 2).put('-').padded(t.getDayOfMonth(), 2).put('T')
          .padded(t.getHour(), 2).put(':').padded(t.getMinute(), 2).put(':').padded(t.getSecond(), 2);
      System.arraycopy(b.array(), 0, prefix, 0, 19);
      cachedSecond = second;
    }
    out.bytes(prefix).put('.').padded(Math.floorMod(millis, 1000), 3).put('Z');
  }
}
