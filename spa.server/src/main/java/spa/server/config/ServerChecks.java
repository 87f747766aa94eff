package spa.server.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * The daemon variables fwknopd checks at start-up whichever plugin later reads them: whole numbers in their
 * ranges ({@link Variables#RANGES}), {@code SYSLOG_FACILITY} one of the facilities fwknopd takes, an absolute
 * {@code FWKNOP_RUN_DIR}. A bad value stops start-up naming the file, line and variable.
 */
final class ServerChecks {
  /** The facilities fwknopd 2.6 accepts, without case. */
  static final Set<String> FACILITIES = Set.of("LOG_DAEMON", "LOG_LOCAL0", "LOG_LOCAL1", "LOG_LOCAL2", "LOG_LOCAL3",
      "LOG_LOCAL4", "LOG_LOCAL5", "LOG_LOCAL6", "LOG_LOCAL7");

  private ServerChecks() {}

  static void check(Settings s) throws ConfigException {
    for (Map.Entry<String, Variables.Range> r : Variables.RANGES.entrySet()) {
      range(s, r.getKey(), r.getValue());
    }
    String facility = s.get("SYSLOG_FACILITY").map(String::strip).orElse(null);
    if (facility != null && !FACILITIES.contains(facility.toUpperCase(Locale.ROOT))) {
      throw s.invalid("SYSLOG_FACILITY", "'" + facility + "' is not one of LOG_DAEMON, LOG_LOCAL0 .. LOG_LOCAL7");
    }
    Path run = s.path("FWKNOP_RUN_DIR").orElse(null);
    if (run != null && !run.isAbsolute()) {
      throw s.invalid("FWKNOP_RUN_DIR", "'" + run + "' is not an absolute path");
    }
  }

  /** A whole number within {@code range} (one without a ceiling, such as VERBOSE's, is "N or more"). */
  private static void range(Settings s, String key, Variables.Range range) throws ConfigException {
    String v = s.get(key).map(String::strip).orElse(null);
    if (v == null) {
      return;
    }
    String span = range.max() == Long.MAX_VALUE ? range.min() + " or more" : range.min() + ".." + range.max();
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw s.invalid(key, "'" + v + "' is not a whole number (" + span + ")");
    }
    if (n < range.min() || n > range.max()) {
      throw s.invalid(key, n + " is outside " + span);
    }
  }
}
