package spa.server.config;

import java.util.ArrayList;
import java.util.List;
import spa.core.Settings;

/** The effective configuration as {@code spad -D} prints it: every value with its origin, secrets masked. */
public final class ConfigDump {
  private ConfigDump() {}

  public static String render(ServerConfig config) {
    StringBuilder sb = new StringBuilder();
    sb.append("# spad effective configuration; secrets are masked\n");
    for (String f : config.files()) {
      sb.append("# read: ").append(f).append('\n');
    }
    sb.append('\n');
    block(sb, config.globals());
    for (StanzaConfig s : config.stanzas()) {
      sb.append("\n# access stanza ").append(s.name()).append(" (").append(s.settings().origin()).append(")\n");
      block(sb, s.settings());
    }
    return sb.toString();
  }

  private static void block(StringBuilder sb, Settings s) {
    List<String> keys = new ArrayList<>();
    for (String k : Variables.SERVER_DEFAULTS.keySet()) {
      if (s.has(k)) {
        keys.add(k);
      }
    }
    if (s.has("SOURCE")) {
      keys.add("SOURCE");
    }
    s.keys().stream().filter(k -> !keys.contains(k)).sorted().forEach(keys::add);
    for (String k : keys) {
      String v = Variables.display(k, s.get(k).orElse(""));
      sb.append(String.format("%-28s %-40s # %s%n", k, v, s.origin(k)));
    }
  }
}
