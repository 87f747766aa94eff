package spa.server.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.replay.ReplayStore;
import spa.server.plugin.Plugins;

/**
 * Chooses the replay guard from {@code REPLAY_STORE}: {@code local} (the default) is the daemon's own cache; any
 * other name is a {@link ReplayStore} plugin shared with the fleet, started here ({@code REDIS_START required}:
 * a store that does not answer stops start-up with its one line; {@code local}: spad starts on its own cache),
 * and wrapped by {@link SharedReplays} with the fault policy {@code REDIS_FAULT closed|local}.
 */
public final class ReplayStores {
  private ReplayStores() {}

  /** The started store with the guard that asks it; close the store at exit. */
  public record Chosen(ReplayGuard guard, ReplayStore store) {}

  /**
   * @param windowSeconds how long a record matters ({@link ReplayWindow#of}); 0 (aging off) cannot be shared
   * @param error one line for an {@code error} event
   */
  public static Chosen choose(Plugins plugins, Settings g, Replays local, long windowSeconds, Consumer<String> error,
      Consumer<String> info, Consumer<String> warn) throws ConfigException {
    String name = g.get("REPLAY_STORE").orElse("local").strip();
    if (name.equals("local")) {
      return new Chosen(local, null);
    }
    if (windowSeconds <= 0) {
      throw new ConfigException(null, "REPLAY_STORE", name + " needs ENABLE_SPA_PACKET_AGING: records a fleet shares expire");
    }
    SharedReplays.Fault fault = switch (g.get("REDIS_FAULT").orElse("closed").strip()) {
      case "closed" -> SharedReplays.Fault.CLOSED;
      case "local" -> SharedReplays.Fault.LOCAL;
      default -> throw new ConfigException(null, "REDIS_FAULT", "must be closed or local");
    };
    String startPolicy = g.get("REDIS_START").orElse("required").strip();
    if (!startPolicy.equals("required") && !startPolicy.equals("local")) {
      throw new ConfigException(null, "REDIS_START", "must be required or local");
    }
    List<String> errors = new ArrayList<>();
    ReplayStore store = plugins.providers(ReplayStore.class, name, errors).stream()
        .map(Plugins.Found::provider).findFirst()
        .orElseThrow(() -> new ConfigException(null, "REPLAY_STORE", "no replay store named " + name
            + " among the plugins" + (errors.isEmpty() ? "" : " (" + String.join("; ", errors) + ")")));
    try {
      store.start(g);
    } catch (ConfigException e) {
      if (startPolicy.equals("required")) {
        throw e;
      }
      warn.accept("replay store " + name + ": " + e + ": starting on this gateway's cache alone (REDIS_START local)");
      return new Chosen(local, null);
    }
    info.accept("replay store: " + name + " shared by the fleet, fault policy " + fault.name().toLowerCase());
    return new Chosen(new SharedReplays(store, local, windowSeconds * 1000, fault, error, info,
        System::currentTimeMillis, 10_000), store);
  }
}
