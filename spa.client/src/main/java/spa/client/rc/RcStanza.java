package spa.client.rc;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * A stanza of ~/.fwknoprc written from the command line's settings ({@code --save-rc-stanza}), laid out as
 * fwknop 2.6 writes one: the variables in fwknop's order, each name padded to 28 columns, the values in the form
 * fwknop writes them (modes and digests upper case, time offsets in seconds, {@code -R} as
 * {@code RESOLVE_IP_HTTPS Y}).
 */
public final class RcStanza {
  private RcStanza() {}

  /** The order fwknop 2.6.10 writes the variables in; spa's own extras last. */
  private static final List<String> ORDER = List.of(
      "DIGEST_TYPE", "SPA_SERVER_PROTO", "SPA_SERVER_PORT", "SPA_SOURCE_PORT", "FW_TIMEOUT", "ALLOW_IP",
      "TIME_OFFSET", "ENCRYPTION_MODE", "USE_GPG", "USE_GPG_AGENT", "GPG_RECIPIENT", "GPG_SIGNER", "GPG_HOMEDIR",
      "GPG_EXE", "GPG_SIGNING_PW", "GPG_SIGNING_PW_BASE64", "GPG_NO_SIGNING_PW", "SPOOF_USER", "SPOOF_SOURCE_IP",
      "ACCESS", "SPA_SERVER", "RAND_PORT", "KEY", "KEY_BASE64", "HMAC_DIGEST_TYPE", "HMAC_KEY_BASE64", "HMAC_KEY",
      "USE_HMAC", "KEY_FILE", "HMAC_KEY_FILE", "NAT_ACCESS", "HTTP_USER_AGENT", "RESOLVE_URL", "NAT_LOCAL",
      "NAT_RAND_PORT", "NAT_PORT", "VERBOSE", "RESOLVE_IP_HTTPS", "RESOLVE_HTTP_ONLY", "SERVER_RESOLVE_IPV4",
      "HTTP_PROXY", "NO_SAVE_ARGS");

  /** Values fwknop writes in upper case. */
  private static final List<String> UPPER = List.of("DIGEST_TYPE", "HMAC_DIGEST_TYPE", "ENCRYPTION_MODE");

  /** The stanza's lines (without the {@code [name]} line) for the settings {@code s} of one command line. */
  public static List<String> lines(Settings s) throws ConfigException {
    List<String> lines = new ArrayList<>();
    for (String var : ORDER) {
      String v = value(s, var);
      if (v != null) {
        lines.add(String.format("%-28s%s", var, v));
      }
    }
    return lines;
  }

  private static String value(Settings s, String var) throws ConfigException {
    String allow = s.get("ALLOW_IP").orElse("");
    return switch (var) {
      case "ALLOW_IP" -> allow.equalsIgnoreCase("resolve") ? null : s.get(var).orElse(null);
      case "RESOLVE_IP_HTTPS" -> allow.equalsIgnoreCase("resolve") || s.flag(var, false) ? "Y" : null;
      case "TIME_OFFSET" -> s.has(var) ? Long.toString(ClientConfig.timeOffset(s, var)) : null;
      case "USE_HMAC" -> s.flag(var, false) || s.has("HMAC_KEY") || s.has("HMAC_KEY_BASE64") ? "Y" : null;
      default -> s.get(var).map(v -> UPPER.contains(var) ? v.toUpperCase(Locale.ROOT) : v).orElse(null);
    };
  }

  /**
   * The rc file's text with stanza {@code name} set to {@code lines}: a new file holds an empty {@code [default]}
   * first, as fwknop creates it; an existing stanza is replaced where it is (the blank lines after it kept), a new
   * one is added at the end after a blank line. Every other line stays as it was.
   *
   * @param existing the file's text, or null when there is no file
   */
  public static String merge(String existing, String name, List<String> lines) {
    List<String> stanza = new ArrayList<>();
    stanza.add("[" + name + "]");
    stanza.addAll(lines);
    if (existing == null) {
      return "[default]\n\n" + String.join("\n", stanza) + "\n";
    }
    List<String> file = new ArrayList<>(existing.lines().toList());
    int start = indexOf(file, name);
    if (start < 0) {
      while (!file.isEmpty() && file.getLast().isBlank()) {
        file.removeLast();
      }
      if (!file.isEmpty()) {
        file.add("");
      }
      file.addAll(stanza);
    } else {
      int end = start + 1;
      while (end < file.size() && !isHeader(file.get(end))) {
        end++;
      }
      while (end > start + 1 && file.get(end - 1).isBlank()) {
        end--;
      }
      file.subList(start, end).clear();
      file.addAll(start, stanza);
    }
    return String.join("\n", file) + "\n";
  }

  /** Whether the file's text has a stanza called {@code name}. */
  public static boolean has(String existing, String name) {
    return existing != null && indexOf(existing.lines().toList(), name) >= 0;
  }

  private static int indexOf(List<String> file, String name) {
    for (int i = 0; i < file.size(); i++) {
      String t = file.get(i).strip();
      if (isHeader(t) && t.indexOf(']') > 0 && t.substring(1, t.indexOf(']')).strip().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isHeader(String line) {
    return line.stripLeading().startsWith("[");
  }
}
