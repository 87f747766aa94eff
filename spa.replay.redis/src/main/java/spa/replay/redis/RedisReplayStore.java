package spa.replay.redis;

import java.util.HexFormat;
import javax.net.ssl.SSLSocketFactory;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.replay.ReplayStore;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Answers {@link #firstSeen} with one {@code SET prefix+hex(digest) 1 NX PX ttl}: "OK" when the key was new,
 * nothing when another gateway (or this one) set it within its time to live. Every wait is bounded by
 * {@code REDIS_TIMEOUT}; a failure or time-out answers {@link Answer#UNAVAILABLE}, and the client's pool opens a
 * fresh connection for the next packet, so a restarted Redis is used again without restarting spad.
 */
public final class RedisReplayStore implements ReplayStore {
  /** The key prefix, so the records share a Redis with other data. */
  static final String PREFIX = "spa:replay:";
  private static final HexFormat HEX = HexFormat.of();
  private UnifiedJedis client;
  private RedisUrl url;

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public void start(Settings settings) throws ConfigException {
    start(RedisUrl.of(settings), RedisUrl.timeout(settings), RedisTls.factory(settings));
  }

  /** Connects to {@code url} with every wait bounded by {@code timeoutMillis}; checks the server answers. */
  public void start(RedisUrl url, int timeoutMillis) throws ConfigException {
    start(url, timeoutMillis, null);
  }

  /** The same, over TLS trusting {@code tls}'s CAs (null: the runtime's) for {@code rediss://}. */
  public void start(RedisUrl url, int timeoutMillis, SSLSocketFactory tls) throws ConfigException {
    this.url = url;
    this.client = url.connect(timeoutMillis, timeoutMillis, tls);
    try {
      client.ping();
    } catch (JedisException e) {
      client.close();
      throw new ConfigException(null, "REDIS_URL", url.masked() + " does not answer: " + oneLine(e));
    }
  }

  @Override
  public Answer firstSeen(byte[] digest, long epochSecond, long ttlMillis) {
    try {
      String r = client.set(PREFIX + HEX.formatHex(digest), "1", SetParams.setParams().nx().px(ttlMillis));
      return r != null ? Answer.FIRST : Answer.SEEN;
    } catch (JedisException e) {
      return Answer.UNAVAILABLE;
    }
  }

  /** The URL with its password masked, for messages. */
  public String where() {
    return url == null ? "" : url.masked();
  }

  static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    return m.lines().findFirst().orElse(m);
  }

  @Override
  public void close() {
    if (client != null) {
      client.close();
    }
  }
}
