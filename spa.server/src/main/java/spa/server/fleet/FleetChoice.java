package spa.server.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.fleet.GrantBus;
import spa.server.event.EventLog;
import spa.server.grant.GrantManager;
import spa.server.plugin.Plugins;
import spa.server.policy.Policy;
import spa.server.policy.Stanza;

/**
 * Reads {@code FLEET_GRANTS}, {@code FLEET_ID} and {@code FLEET_KEY} and starts the fleet's grant bus: the
 * {@link GrantBus} plugin of the same name as {@code REPLAY_STORE} (a fleet that shares openings shares its replay
 * records too: otherwise a packet opening on A could be replayed to B). {@code REDIS_START} applies as for the
 * replay store: {@code required} stops start-up when the bus does not answer, {@code local} starts without it.
 */
public final class FleetChoice {
  /** The shortest FLEET_KEY, in bytes. */
  static final int MIN_KEY_BYTES = 16;

  private FleetChoice() {}

  /** True when the settings ask for shared openings. */
  public static boolean wanted(Settings g) {
    return g.flag("FLEET_GRANTS", false);
  }

  /**
   * Starts this gateway's part in the fleet, or returns null when {@code FLEET_GRANTS} is N, or the bus does not
   * answer and {@code REDIS_START} is local.
   */
  public static FleetGrants start(Plugins plugins, Settings g, Supplier<Policy> policy, GrantManager grants,
      EventLog log, LongSupplier clock, Consumer<String> info, Consumer<String> warn) throws ConfigException {
    if (!wanted(g)) {
      return null;
    }
    byte[] key = key(g);
    String id = id(g);
    GrantBus bus = bus(plugins, g);
    FleetGrants fleet = new FleetGrants(bus, key, id, policy, grants, log, clock, warn);
    try {
      bus.start(g, catchUpMillis(policy.get()), fleet);
    } catch (ConfigException e) {
      if (g.get("REDIS_START").orElse("required").strip().equals("local")) {
        warn.accept("fleet: " + e + ": starting without shared openings (REDIS_START local)");
        return null;
      }
      throw e;
    }
    info.accept("fleet: shared openings as " + id + " on " + bus.name());
    return fleet;
  }

  /**
   * For {@code --fw-flush}: tells the fleet this gateway's openings are gone, so the others remove those they
   * applied from it. Throws when the bus does not answer.
   *
   * @return this gateway's fleet id
   */
  public static String publishFlush(Plugins plugins, Settings g, LongSupplier clock) throws ConfigException {
    byte[] key = key(g);
    String id = id(g);
    try (GrantBus bus = bus(plugins, g)) {
      bus.start(g, 0, entries -> { });
      bus.publish(FleetEntry.flush(id, clock.getAsLong()).encode(key));
    }
    return id;
  }

  /** How far back a starting gateway reads: the longest any stanza's grant can last, and the skew. */
  static long catchUpMillis(Policy p) {
    long longest = 0;
    for (Stanza s : p.stanzas()) {
      longest = Math.max(longest, Math.max(s.maxTimeout(), s.accessTimeout()));
    }
    return longest * 1000 + FleetGrants.SKEW_MILLIS;
  }

  private static GrantBus bus(Plugins plugins, Settings g) throws ConfigException {
    String name = g.get("REPLAY_STORE").orElse("local").strip();
    if (name.equals("local")) {
      throw new ConfigException(null, "FLEET_GRANTS", "needs a replay store the fleet shares (REPLAY_STORE redis)");
    }
    List<String> errors = new ArrayList<>();
    return plugins.providers(GrantBus.class, name, errors).stream().map(Plugins.Found::provider)
        .findFirst()
        .orElseThrow(() -> new ConfigException(null, "FLEET_GRANTS", "no grant bus named " + name
            + " among the plugins" + (errors.isEmpty() ? "" : " (" + String.join("; ", errors) + ")")));
  }

  static byte[] key(Settings g) throws ConfigException {
    String text = g.get("FLEET_KEY").orElseThrow(() -> new ConfigException(null, "FLEET_KEY",
        "must be set with FLEET_GRANTS Y: the fleet's shared secret, base64 (e.g. head -c 32 /dev/urandom | base64)"));
    byte[] key;
    try {
      key = Base64.getDecoder().decode(text.strip());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(null, "FLEET_KEY", "is not base64");
    }
    if (key.length < MIN_KEY_BYTES) {
      throw new ConfigException(null, "FLEET_KEY", "must be at least " + MIN_KEY_BYTES + " bytes (it is " + key.length + ")");
    }
    return key;
  }

  /** {@code FLEET_ID}, else the kernel's host name (read from /proc, never looked up). */
  static String id(Settings g) throws ConfigException {
    String id = g.get("FLEET_ID").orElse(null);
    if (id == null) {
      try {
        id = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
      } catch (IOException e) {
        throw new ConfigException(null, "FLEET_ID", "must be set: the host name cannot be read (" + e.getMessage() + ")");
      }
    }
    id = id.strip();
    if (!id.matches("[A-Za-z0-9._:-]{1,64}")) {
      throw new ConfigException(null, "FLEET_ID", "'" + id + "': 1 to 64 letters, digits or . _ : -");
    }
    return id;
  }
}
