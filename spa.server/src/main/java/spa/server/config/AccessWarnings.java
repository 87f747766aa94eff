package spa.server.config;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import spa.core.Settings;

/** fwknopd's warnings about stanzas that are valid but wider than they may be meant. */
final class AccessWarnings {
  private AccessWarnings() {}

  /**
   * A stanza whose {@code SOURCE} includes {@code ANY} and that does not set {@code REQUIRE_SOURCE_ADDRESS}: its
   * packets may ask for {@code 0.0.0.0}, the address they come from, whatever it is.
   */
  static void check(List<StanzaConfig> stanzas, Consumer<String> warn) {
    for (StanzaConfig sc : stanzas) {
      Settings s = sc.settings();
      boolean any = s.get("SOURCE").stream().flatMap(v -> List.of(v.split(",")).stream())
          .anyMatch(e -> e.strip().toUpperCase(Locale.ROOT).equals("ANY"));
      if (any && !s.flag("REQUIRE_SOURCE_ADDRESS", false) && !s.flag("REQUIRE_SOURCE", false)) {
        warn.accept(s.origin("SOURCE") + ": SOURCE: stanza " + sc.name()
            + " accepts ANY source without REQUIRE_SOURCE_ADDRESS Y: a packet may ask for 0.0.0.0 (fwknop -s), the"
            + " address it comes from");
      }
    }
  }
}
