package example.fw.command;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * The backend's settings, all named {@code FWCMD_*}: the command templates, the pattern that reads the list
 * command's output, whether the firewall expires entries by itself, and the commands' time limit.
 *
 * @param open run once per proto/port of a grant (required)
 * @param close run once per proto/port of a held entry (required)
 * @param list prints the entries the firewall holds (required)
 * @param entry finds one entry in the list output, with the named groups source, proto, port, expires
 * @param start run when spad starts and to repair, when set
 * @param flush removes every entry at once, when set; otherwise each listed entry is closed
 * @param check exits 0 while what start set up is intact, when set
 * @param kernelExpiry the open command makes the firewall remove the entry at its expiry by itself
 * @param timeout each command's time limit
 */
public record CommandConfig(ArgvTemplate open, ArgvTemplate close, ArgvTemplate list, Pattern entry,
    Optional<ArgvTemplate> start, Optional<ArgvTemplate> flush, Optional<ArgvTemplate> check, boolean kernelExpiry,
    Duration timeout) {

  /** The placeholders of open and close: one proto/port of one source. */
  public static final Set<String> ENTRY_PLACEHOLDERS =
      Set.of("SOURCE", "IPV", "PROTO", "PROTO_NUM", "PORT", "EXPIRES", "TIMEOUT");

  /** One {@code SOURCE PROTO/PORT EXPIRES} line, the list format when FWCMD_LIST_PATTERN is not set. */
  public static final String DEFAULT_ENTRY =
      "(?m)^\\s*(?<source>[0-9A-Fa-f.:]+)\\s+(?<proto>tcp|udp)/(?<port>\\d{1,5})\\s+(?<expires>\\d{1,12})\\s*$";

  private static final String[] GROUPS = {"source", "proto", "port", "expires"};

  /** Reads and checks the settings; the error names the file, line and key at fault. */
  public static CommandConfig read(Settings s) throws ConfigException {
    Optional<String> pattern = s.get("FWCMD_LIST_PATTERN");
    Pattern entry;
    try {
      entry = Pattern.compile(pattern.orElse(DEFAULT_ENTRY));
    } catch (PatternSyntaxException e) {
      throw s.invalid("FWCMD_LIST_PATTERN", "not a regular expression: " + e.getDescription());
    }
    for (String g : GROUPS) {
      if (!entry.namedGroups().containsKey(g)) {
        throw s.invalid("FWCMD_LIST_PATTERN", "needs the named groups (?<source>...) (?<proto>...) (?<port>...)"
            + " (?<expires>...); (?<" + g + ">...) is missing");
      }
    }
    return new CommandConfig(required(s, "FWCMD_OPEN", ENTRY_PLACEHOLDERS),
        required(s, "FWCMD_CLOSE", ENTRY_PLACEHOLDERS), required(s, "FWCMD_LIST", Set.of()), entry,
        optional(s, "FWCMD_START"), optional(s, "FWCMD_FLUSH"), optional(s, "FWCMD_CHECK"),
        s.flag("FWCMD_KERNEL_EXPIRY", false), timeout(s));
  }

  private static ArgvTemplate required(Settings s, String key, Set<String> placeholders) throws ConfigException {
    if (s.get(key).isEmpty()) {
      throw s.invalid(key, "not set: the command backend needs FWCMD_OPEN, FWCMD_CLOSE and FWCMD_LIST");
    }
    return template(s, key, placeholders);
  }

  private static Optional<ArgvTemplate> optional(Settings s, String key) throws ConfigException {
    return s.has(key) ? Optional.of(template(s, key, Set.of())) : Optional.empty();
  }

  private static ArgvTemplate template(Settings s, String key, Set<String> placeholders) throws ConfigException {
    try {
      return ArgvTemplate.parse(s.get(key).orElse(""), placeholders);
    } catch (IllegalArgumentException e) {
      throw s.invalid(key, e.getMessage());
    }
  }

  private static Duration timeout(Settings s) throws ConfigException {
    String v = s.get("FWCMD_EXEC_TIMEOUT").orElse("10");
    if (!v.matches("\\d{1,3}") || Integer.parseInt(v) < 1 || Integer.parseInt(v) > 300) {
      throw s.invalid("FWCMD_EXEC_TIMEOUT", "seconds from 1 to 300, not " + v);
    }
    return Duration.ofSeconds(Integer.parseInt(v));
  }
}
