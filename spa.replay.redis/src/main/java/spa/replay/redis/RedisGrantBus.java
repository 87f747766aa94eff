package spa.replay.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocketFactory;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XReadParams;
import redis.clients.jedis.resps.StreamEntry;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.fleet.GrantBus;

/**
 * The fleet's grant entries on one Redis stream ({@code FLEET_STREAM}, default {@value #DEFAULT_STREAM}): each
 * publication is one {@code XADD} that also trims entries older than the catch-up horizon ({@code MINID ~}), so
 * the stream holds only what a gateway starting now could still need. A thread of its own reads with
 * {@code XREAD BLOCK} from the last entry it delivered, on a connection of its own; a lost connection is retried
 * with a growing pause (at most 2 s) and reading goes on from that entry, so nothing published meanwhile is
 * missed. Publications go through a bounded queue on a second thread: {@link #publish} never waits for Redis.
 */
public final class RedisGrantBus implements GrantBus {
  static final String DEFAULT_STREAM = "spa:fleet:grants";
  /** The longest one read waits for new entries; bounds how long {@link #close} waits for the reader. */
  private static final int BLOCK_MILLIS = 1000;
  private static final int READ_BATCH = 512;
  private static final int OUTBOX = 4096;
  private static final long MAX_PAUSE_MILLIS = 2000;
  private final BlockingQueue<String> outbox = new ArrayBlockingQueue<>(OUTBOX);
  private volatile boolean closed;
  private UnifiedJedis writer;
  private UnifiedJedis reader;
  private String stream;
  private long catchUpMillis;
  private Receiver receiver;
  private RedisUrl url;
  private Thread publisher;
  private Thread consumer;

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public void start(Settings settings, long catchUpMillis, Receiver receiver) throws ConfigException {
    start(RedisUrl.of(settings), RedisUrl.timeout(settings), RedisTls.factory(settings),
        settings.get("FLEET_STREAM").orElse(DEFAULT_STREAM).strip(), catchUpMillis, receiver);
  }

  /** Connects to {@code url}, every wait but the blocking read bounded by {@code timeoutMillis}. */
  public void start(RedisUrl url, int timeoutMillis, String stream, long catchUpMillis, Receiver receiver)
      throws ConfigException {
    start(url, timeoutMillis, null, stream, catchUpMillis, receiver);
  }

  /** The same, over TLS trusting {@code tls}'s CAs (null: the runtime's) for {@code rediss://}. */
  public void start(RedisUrl url, int timeoutMillis, SSLSocketFactory tls, String stream, long catchUpMillis,
      Receiver receiver) throws ConfigException {
    if (stream.isEmpty()) {
      throw new ConfigException(null, "FLEET_STREAM", "must name a Redis key");
    }
    this.url = url;
    this.stream = stream;
    this.catchUpMillis = catchUpMillis;
    this.receiver = receiver;
    writer = url.connect(timeoutMillis, timeoutMillis, tls);
    reader = url.connect(timeoutMillis, BLOCK_MILLIS + timeoutMillis, tls);
    try {
      writer.ping();
    } catch (JedisException e) {
      close();
      throw new ConfigException(null, "REDIS_URL", url.masked() + " does not answer: " + RedisReplayStore.oneLine(e));
    }
    StreamEntryID from = new StreamEntryID(Math.max(0, System.currentTimeMillis() - catchUpMillis), 0);
    publisher = thread("spad-fleet-pub", this::publishLoop);
    consumer = thread("spad-fleet-sub", () -> consumeLoop(from));
  }

  private static Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Override
  public boolean publish(String entry) {
    return !closed && outbox.offer(entry);
  }

  private void publishLoop() {
    String entry = null;
    long pause = 0;
    while (!closed || entry != null || !outbox.isEmpty()) {
      try {
        if (entry == null) {
          entry = outbox.poll(200, TimeUnit.MILLISECONDS);
          if (entry == null) {
            continue;
          }
        }
        String horizon = String.valueOf(Math.max(0, System.currentTimeMillis() - catchUpMillis));
        writer.xadd(stream, XAddParams.xAddParams().minId(horizon).approximateTrimming(), Map.of("e", entry));
        entry = null;
        pause = 0;
      } catch (InterruptedException e) {
        return;
      } catch (JedisException e) {
        if (closed) {
          return; // what is left at close after a failure is dropped: close does not wait for a lost server
        }
        pause = pause(pause);
      }
    }
  }

  private void consumeLoop(StreamEntryID from) {
    StreamEntryID last = from;
    long pause = 0;
    boolean lost = false;
    while (!closed) {
      List<Map.Entry<String, List<StreamEntry>>> read;
      try {
        read = reader.xread(XReadParams.xReadParams().count(READ_BATCH).block(BLOCK_MILLIS), Map.of(stream, last));
      } catch (JedisException e) {
        if (closed) {
          return;
        }
        if (!lost) {
          lost = true;
          receiver.lost(url.masked() + ": " + RedisReplayStore.oneLine(e));
        }
        pause = pause(pause);
        continue;
      }
      if (lost) {
        lost = false;
        receiver.restored();
      }
      pause = 0;
      if (read == null) {
        continue;
      }
      List<String> batch = new ArrayList<>();
      for (Map.Entry<String, List<StreamEntry>> s : read) {
        for (StreamEntry e : s.getValue()) {
          last = e.getID();
          String text = e.getFields().get("e");
          if (text != null) {
            batch.add(text);
          }
        }
      }
      if (!batch.isEmpty()) {
        try {
          receiver.received(batch);
        } catch (RuntimeException e) {
          // the receiver's fault must not stop the bus; it reports its own
        }
      }
    }
  }

  /** Sleeps after a failure, each time longer, up to {@link #MAX_PAUSE_MILLIS}; returns the pause taken. */
  private long pause(long previous) {
    long next = Math.min(MAX_PAUSE_MILLIS, previous == 0 ? 100 : previous * 2);
    try {
      Thread.sleep(next);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closed = true;
    }
    return next;
  }

  /** Where it connects, the password masked. */
  public String where() {
    return url == null ? "" : url.masked();
  }

  @Override
  public void close() {
    closed = true;
    join(publisher);
    join(consumer);
    if (writer != null) {
      writer.close();
    }
    if (reader != null) {
      reader.close();
    }
  }

  private static void join(Thread t) {
    if (t == null) {
      return;
    }
    try {
      t.join(BLOCK_MILLIS + MAX_PAUSE_MILLIS + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
