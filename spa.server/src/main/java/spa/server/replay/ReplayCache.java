package spa.server.replay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The set of packets already seen, keyed by the first 96 bits of SHA-256 over the wire payload (given as the
 * first 128, see {@link #key0}), each with the unix second it was recorded (kept as an unsigned 32-bit
 * number: up to 2106). O(1) lookups and inserts: lock-striped open-addressing tables of primitive arrays, so a
 * large cache costs neither time per packet nor garbage.
 *
 * <p>{@link #lookup} takes no lock. Slots are written once and only ever dropped by building a new table,
 * so an unlocked reader can miss a record being added at that moment but never finds one that is not
 * there; {@link #putIfAbsent}, which runs under the stripe's lock, is the authoritative check.
 *
 * <p>A cache can be in use while its records are still being read from disk: between {@link #beginLoad} and
 * {@link #endLoad}, {@link #lookup} and {@link #putIfAbsent} wait, so packets can be captured and refused
 * meanwhile but none is found new before every record is in. After a failed load they throw.
 */
public final class ReplayCache {
  /** {@link #putIfAbsent} result when the key was new. */
  public static final long INSERTED = -1;
  /** {@link #lookup} result when the key is absent. */
  public static final long ABSENT = -1;

  private static final int STRIPE_BITS = 6;
  /** Tables in a cache; a key's is chosen by the top bits of its first long. */
  static final int STRIPES = 1 << STRIPE_BITS;
  /** The bits of the key's second long that are kept. */
  private static final long KEPT = RecordTable.KEPT;
  private final Stripe[] stripes = new Stripe[STRIPES];

  public ReplayCache() {
    this(0);
  }

  /** A cache sized for {@code expected} records, so that loading them needs no rehashing. */
  public ReplayCache(int expected) {
    int perStripe = 256;
    while (perStripe * 8L < (long) expected * 10 / stripes.length + 64) {
      perStripe <<= 1;
    }
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new Stripe(perStripe);
    }
  }

  private static final VarHandle BIG_ENDIAN_LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** The first 64 bits of a SHA-256: the first long of its key. */
  public static long key0(byte[] sha) {
    return (long) BIG_ENDIAN_LONGS.get(sha, 0);
  }

  /** Bits 64 to 127 of a SHA-256: the second long of its key (the cache keeps the first 32 of them). */
  public static long key1(byte[] sha) {
    return (long) BIG_ENDIAN_LONGS.get(sha, 8);
  }
  /** Set while a loader fills the cache; completed (exceptionally when the load failed) at its end. */
  private volatile CompletableFuture<Void> load;

  private Stripe stripe(long k0) {
    return stripes[(int) (k0 >>> (64 - STRIPE_BITS))];
  }

  /** From now until {@link #endLoad}, only {@link #load} adds records; everybody else waits. */
  public void beginLoad() {
    load = new CompletableFuture<>();
  }

  /** Ends a load: on success the cache opens; with a failure every later query throws. */
  public void endLoad(Throwable failure) {
    CompletableFuture<Void> f = load;
    if (f == null) {
      return;
    }
    if (failure == null) {
      load = null;
      f.complete(null);
    } else {
      f.completeExceptionally(failure);
    }
  }

  private void awaitLoad() {
    CompletableFuture<Void> f = load;
    if (f == null) {
      return;
    }
    try {
      f.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("replay cache not loaded: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the replay cache loads");
    }
  }

  /** The second {@code k0,k1} was recorded, or {@link #ABSENT}. */
  public long lookup(long k0, long k1) {
    awaitLoad();
    return stripe(k0).table.get(k0, k1 & KEPT);
  }

  /** Records the key unless present; {@link #INSERTED}, or the second of the existing record (never negative). */
  public long putIfAbsent(long k0, long k1, long epochSecond) {
    awaitLoad();
    Stripe s = stripe(k0);
    s.lock();
    try {
      return s.putIfAbsent(k0, k1 & KEPT, epochSecond);
    } finally {
      s.unlock();
    }
  }

  /**
   * {@link #putIfAbsent} for the one thread that fills the cache before anybody else uses it: between
   * {@link #beginLoad} and {@link #endLoad} (everybody else waits), or while the cache is not yet shared. It
   * takes no lock: a large file loads without a lock operation per record.
   */
  long load(long k0, long k1, long epochSecond) {
    return stripe(k0).putIfAbsent(k0, k1 & KEPT, epochSecond);
  }

  /** Removes records older than {@code minEpochSecond}; returns how many. */
  public int prune(long minEpochSecond) {
    awaitLoad(); // the loader takes no locks
    return pruneWhileLoading(minEpochSecond);
  }

  /** {@link #prune} for the thread that fills the cache, which must not wait for its own load. */
  int pruneWhileLoading(long minEpochSecond) {
    int removed = 0;
    for (Stripe s : stripes) {
      s.lock();
      try {
        removed += s.prune(minEpochSecond);
      } finally {
        s.unlock();
      }
    }
    return removed;
  }

  /**
   * One table as its slots: {@code tags[i]} is 0 for a free slot, else the record of slot {@code i} is
   * {@code records[2i]} (the key's first long) and {@code records[2i+1]} (the high half of the key's second long,
   * then the second, see {@link RecordTable#second}); the capacity is a power of two.
   */
  record TableImage(byte[] tags, long[] records, int size) {}

  /** A copy of table {@code i}, taken under its lock while writers go on with the other tables. */
  TableImage copyTable(int i) {
    Stripe s = stripes[i];
    s.lock();
    try {
      RecordTable t = s.table;
      return new TableImage(t.tags.clone(), t.records.clone(), t.size);
    } finally {
      s.unlock();
    }
  }

  /**
   * Makes {@code image} table {@code i}, as written by {@link #copyTable} (the arrays are taken over, not copied);
   * for the thread that fills the cache, like {@link #load}.
   */
  void install(int i, TableImage image) {
    stripes[i].table = new RecordTable(image.tags(), image.records(), image.size());
  }

  public int size() {
    int n = 0;
    for (Stripe s : stripes) {
      s.lock();
      try {
        n += s.table.size;
      } finally {
        s.unlock();
      }
    }
    return n;
  }

  /**
   * One stripe: its current table, replaced whole when it grows or is pruned, and the lock writers hold. The
   * lock is taken with a compare-and-set and given back with a release store: a monitor or a
   * {@code ReentrantLock} gives it back with a full fence, which makes the worker wait for the insert's store
   * to reach memory (a cache miss in a large table) instead of going on with the next packet.
   */
  private static final class Stripe {
    private static final VarHandle LOCKED;

    static {
      try {
        LOCKED = MethodHandles.lookup().findVarHandle(Stripe.class, "locked", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /** 1 while a writer holds the stripe; read and written through {@link #LOCKED} only. */
    @SuppressWarnings("unused")
    private volatile int locked;
    volatile RecordTable table;

    void lock() {
      if (!LOCKED.compareAndSet(this, 0, 1)) {
        lockContended();
      }
    }

    /** Another writer holds the stripe: spin briefly (inserts are short), then let it run (a rebuild is not). */
    private void lockContended() {
      int spins = 0;
      while ((int) LOCKED.getOpaque(this) != 0 || !LOCKED.compareAndSet(this, 0, 1)) {
        if (++spins < 200) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
    }

    void unlock() {
      LOCKED.setRelease(this, 0);
    }

    Stripe(int capacity) {
      table = new RecordTable(capacity);
    }

    /** Grows the table first when one more record would pass the load limit, present or not. */
    long putIfAbsent(long k0, long k1h, long epoch) {
      RecordTable t = table;
      if ((t.size + 1) * 10L > t.capacity() * 8L) {
        t = t.rebuilt(t.capacity() * 2, Long.MIN_VALUE);
        table = t;
      }
      return t.putIfAbsent(k0, k1h, Math.min(Math.max(epoch, 0), RecordTable.SECONDS));
    }

    int prune(long minEpoch) {
      RecordTable t = table;
      int capacity = t.capacity();
      while (capacity > 256 && t.size * 10L < capacity * 2L) {
        capacity >>= 1;
      }
      RecordTable n = t.rebuilt(capacity, minEpoch);
      table = n;
      return t.size - n.size;
    }
  }
}
