package spa.server.replay;

/**
 * One table of replay records: {@link ReplayCache} holds one per stripe and replaces it whole when it grows or is
 * pruned. Open addressing with linear probing. Probes read only {@code tags}, 8-bit fingerprints of the first key
 * long (never 0; 0 marks a free slot), one byte per slot so that the array stays in cache even for a million
 * records; the full key and the recorded second are read on a fingerprint match only (a false match is
 * one probe in 255), from {@code records}, two longs per slot side by side (the second's 32 bits share a long
 * with the key's last 32), so that a match or an insert touches one more place in memory, not three. Tables
 * grow past 80% full: probes walk tags, at most a few cache lines. {@link ReplayImage} writes these arrays to
 * disk as they are: a change to the layout or to where a key goes needs a new version of its image.
 */
final class RecordTable {
  /** Longs a table takes per slot: the key's first long, then the rest of the key and the second. */
  static final int RECORD_LONGS = 2;
  /** Bytes a table takes per slot: its tag and its record. */
  static final int SLOT_BYTES = 1 + RECORD_LONGS * Long.BYTES;
  /** The bits of the key's second long that are kept. */
  static final long KEPT = 0xFFFF_FFFF_0000_0000L;
  /** The bits of a record's second long that hold its second. */
  static final long SECONDS = 0xFFFF_FFFFL;

  final byte[] tags;
  final long[] records;
  final int mask;
  int size;

  RecordTable(int capacity) {
    this(new byte[capacity], new long[capacity * RECORD_LONGS], 0);
  }

  RecordTable(byte[] tags, long[] records, int size) {
    this.tags = tags;
    this.records = records;
    this.mask = tags.length - 1;
    this.size = size;
  }

  /** The second recorded in slot {@code i} of a table's {@code records} (see {@link ReplayCache.TableImage}). */
  static long second(long[] records, int i) {
    return records[RECORD_LONGS * i + 1] & SECONDS;
  }

  int capacity() {
    return mask + 1;
  }

  private static byte tag(long k0) {
    byte t = (byte) k0;
    return t == 0 ? 1 : t;
  }

  /** The home slot of a key: its last kept 32 bits (the first long's choose the stripe and the tag). */
  private static int slot(long k1h) {
    return (int) (k1h >>> 32);
  }

  /**
   * The slot holding the key ({@code k0} and the kept half {@code k1h} of its second long), or else the free
   * slot where the probe for it ends (a table always has one): tell them apart by {@code tags[slot] != 0}.
   */
  private int find(long k0, long k1h) {
    byte tag = tag(k0);
    byte[] t = tags;
    long[] r = records;
    int i = slot(k1h) & mask;
    byte x;
    while ((x = t[i]) != 0 && (x != tag || r[2 * i] != k0 || (r[2 * i + 1] & KEPT) != k1h)) {
      i = i + 1 & mask;
    }
    return i;
  }

  long get(long k0, long k1h) {
    int i = find(k0, k1h);
    return tags[i] != 0 ? second(records, i) : ReplayCache.ABSENT;
  }

  /** {@link ReplayCache#putIfAbsent} in one probe walk; the caller leaves a free slot. */
  long putIfAbsent(long k0, long k1h, long second) {
    int i = find(k0, k1h);
    if (tags[i] != 0) {
      return second(records, i);
    }
    records[2 * i] = k0;
    records[2 * i + 1] = k1h | second;
    tags[i] = tag(k0);
    size++;
    return ReplayCache.INSERTED;
  }

  /** A new table of {@code capacity} slots with the records from {@code minEpoch} on (grown if needed). */
  RecordTable rebuilt(int capacity, long minEpoch) {
    int live = 0;
    for (int i = 0; i < tags.length; i++) {
      if (tags[i] != 0 && second(records, i) >= minEpoch) {
        live++;
      }
    }
    while ((live + 1) * 10L > capacity * 8L) {
      capacity <<= 1;
    }
    RecordTable n = new RecordTable(capacity);
    for (int i = 0; i < tags.length; i++) {
      if (tags[i] != 0 && second(records, i) >= minEpoch) {
        n.putIfAbsent(records[2 * i], records[2 * i + 1] & KEPT, second(records, i));
      }
    }
    return n;
  }
}
