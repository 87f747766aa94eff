package spa.replay.redis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.time.Duration;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import javax.net.ssl.SSLSocketFactory;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * {@code REDIS_URL}: {@code redis://[user:pass@]HOST:PORT[/db]}, {@code rediss://} (TLS), {@code
 * redis-sentinel://[user:pass@]H1:P1,H2:P2/MASTER[/db]} or {@code redis-cluster://[user:pass@]H1:P1,H2:P2,...}.
 * Hosts are addresses or names the resolver knows; the password never appears in {@link #masked}.
 */
public record RedisUrl(Kind kind, List<HostAndPort> nodes, String user, String password, int database,
    String master) {
  /** How the nodes are used. */
  public enum Kind { STANDALONE, TLS, SENTINEL, CLUSTER }

  public static RedisUrl parse(String url) throws ConfigException {
    String s = url.strip();
    int sep = s.indexOf("://");
    if (sep < 0) {
      throw bad("not a URL (redis://HOST:PORT)");
    }
    Kind kind = switch (s.substring(0, sep)) {
      case "redis" -> Kind.STANDALONE;
      case "rediss" -> Kind.TLS;
      case "redis-sentinel" -> Kind.SENTINEL;
      case "redis-cluster" -> Kind.CLUSTER;
      default -> throw bad("scheme must be redis, rediss, redis-sentinel or redis-cluster");
    };
    String rest = s.substring(sep + 3);
    String user = null;
    String password = null;
    int at = rest.lastIndexOf('@');
    if (at >= 0) {
      String cred = rest.substring(0, at);
      rest = rest.substring(at + 1);
      int colon = cred.indexOf(':');
      user = colon < 0 ? null : cred.substring(0, colon);
      password = colon < 0 ? cred : cred.substring(colon + 1);
      user = user == null || user.isEmpty() ? null : user;
    }
    String[] parts = rest.split("/", -1);
    List<HostAndPort> nodes = new ArrayList<>();
    for (String n : parts[0].split(",")) {
      nodes.add(node(n.strip()));
    }
    if (kind != Kind.SENTINEL && kind != Kind.CLUSTER && nodes.size() != 1) {
      throw bad("redis:// and rediss:// take one HOST:PORT");
    }
    String master = null;
    int next = 1;
    if (kind == Kind.SENTINEL) {
      if (parts.length < 2 || parts[1].isEmpty()) {
        throw bad("redis-sentinel:// needs the master's name: redis-sentinel://H1:P1,H2:P2/MASTER");
      }
      master = parts[1];
      next = 2;
    }
    int db = 0;
    if (parts.length > next && !parts[next].isEmpty()) {
      if (kind == Kind.CLUSTER) {
        throw bad("a Redis Cluster has only database 0");
      }
      try {
        db = Integer.parseInt(parts[next]);
      } catch (NumberFormatException e) {
        throw bad("database must be a number");
      }
    }
    return new RedisUrl(kind, List.copyOf(nodes), user, password, db, master);
  }

  private static HostAndPort node(String n) throws ConfigException {
    int colon = n.lastIndexOf(':');
    String host = colon < 0 ? n : n.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (host.isEmpty()) {
      throw bad("a node has no host");
    }
    try {
      return new HostAndPort(host, colon < 0 ? 6379 : Integer.parseInt(n.substring(colon + 1)));
    } catch (NumberFormatException e) {
      throw bad("port of " + n + " is not a number");
    }
  }

  private static ConfigException bad(String why) {
    return new ConfigException(null, "REDIS_URL", why);
  }

  /** The URL as given, with the password replaced by {@code ***}. */
  public String masked() {
    String scheme = switch (kind) {
      case STANDALONE -> "redis";
      case TLS -> "rediss";
      case SENTINEL -> "redis-sentinel";
      case CLUSTER -> "redis-cluster";
    };
    StringBuilder b = new StringBuilder(scheme).append("://");
    if (password != null) {
      b.append(user == null ? "" : user).append(":***@");
    }
    b.append(String.join(",", nodes.stream().map(HostAndPort::toString).toList()));
    if (master != null) {
      b.append('/').append(master);
    }
    if (database != 0) {
      b.append('/').append(database);
    }
    return b.toString();
  }

  /** {@code REDIS_URL} of {@code settings} (default {@code redis://127.0.0.1:6379}). */
  static RedisUrl of(Settings settings) throws ConfigException {
    return parse(settings.get("REDIS_URL").orElse("redis://127.0.0.1:6379"));
  }

  /** {@code REDIS_TIMEOUT} of {@code settings}, in milliseconds (default 200). */
  static int timeout(Settings settings) throws ConfigException {
    try {
      int t = Integer.parseInt(settings.get("REDIS_TIMEOUT").orElse("200").strip());
      if (t > 0) {
        return t;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new ConfigException(null, "REDIS_TIMEOUT", "must be a positive number of milliseconds");
  }

  /** A client whose connect, read and pool waits are bounded by {@code timeoutMillis}. */
  UnifiedJedis connect(int timeoutMillis) {
    return connect(timeoutMillis, timeoutMillis, null);
  }

  /**
   * The same, with blocking reads ({@code XREAD BLOCK}) bounded by {@code blockingMillis}, and for
   * {@code rediss://} the CAs of {@code tls} (null: the runtime's), the server's name always checked.
   */
  UnifiedJedis connect(int timeoutMillis, int blockingMillis, SSLSocketFactory tls) {
    DefaultJedisClientConfig.Builder c = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(timeoutMillis).socketTimeoutMillis(timeoutMillis)
        .blockingSocketTimeoutMillis(blockingMillis).ssl(kind == Kind.TLS).clientName("spad");
    if (kind == Kind.TLS) {
      c.sslParameters(RedisTls.verifyingHost());
      if (tls != null) {
        c.sslSocketFactory(tls);
      }
    }
    if (password != null) {
      c.user(user).password(password);
    }
    if (kind != Kind.CLUSTER) {
      c.database(database);
    }
    JedisClientConfig config = c.build();
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxWait(Duration.ofMillis(timeoutMillis)); // a packet never waits longer for a connection
    return switch (kind) {
      case STANDALONE, TLS -> RedisClient.builder().hostAndPort(nodes.get(0)).clientConfig(config).poolConfig(pool)
          .build();
      case CLUSTER -> RedisClusterClient.builder().nodes(new HashSet<>(nodes)).clientConfig(config).poolConfig(pool)
          .maxAttempts(2).maxTotalRetriesDuration(Duration.ofMillis(timeoutMillis)).build();
      case SENTINEL -> RedisSentinelClient.builder().masterName(master).sentinels(Set.copyOf(nodes))
          .clientConfig(config).poolConfig(pool).sentinelClientConfig(DefaultJedisClientConfig.builder()
              .connectionTimeoutMillis(timeoutMillis).socketTimeoutMillis(timeoutMillis).build())
          .build();
    };
  }

  @Override
  public String toString() {
    return masked();
  }
}
