package spa.server.config;

import java.util.List;
import spa.core.Settings;

/**
 * Everything spad was configured with: the daemon-wide variables (defaults, files and command line
 * merged) and the access stanzas in the order they are tried.
 *
 * @param globals daemon-wide variables, fwknopd.conf names
 * @param stanzas access stanzas in file order
 * @param files the files read, for {@code -D} and reload messages
 * @param skipped one line per stanza left out because its {@code %include_keys} file is unusable
 */
public record ServerConfig(Settings globals, List<StanzaConfig> stanzas, List<String> files, List<String> skipped) {
  public ServerConfig {
    stanzas = List.copyOf(stanzas);
    files = List.copyOf(files);
    skipped = List.copyOf(skipped);
  }

  public ServerConfig(Settings globals, List<StanzaConfig> stanzas, List<String> files) {
    this(globals, stanzas, files, List.of());
  }
}
