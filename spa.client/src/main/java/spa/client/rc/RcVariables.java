package spa.client.rc;

import java.util.List;
import java.util.Map;
import java.util.Set;
import spa.core.Settings;

/** The variables of ~/.fwknoprc that spa knows, and how layers of settings override one another. */
public final class RcVariables {
  private RcVariables() {}

  /** Every variable fwknop 2.6's client reads from its rc file (plus HTTP_PROXY), upper case. */
  public static final Set<String> KNOWN = Set.of(
      "DIGEST_TYPE", "SPA_SERVER_PROTO", "SPA_SERVER_PORT", "SPA_SOURCE_PORT", "FW_TIMEOUT", "ALLOW_IP",
      "TIME_OFFSET", "ENCRYPTION_MODE", "ACCESS", "SPA_SERVER", "RAND_PORT",
      "USE_GPG", "USE_GPG_AGENT", "GPG_RECIPIENT", "GPG_SIGNER", "GPG_HOMEDIR", "GPG_EXE", "GPG_SIGNING_PW",
      "GPG_SIGNING_PW_BASE64", "GPG_NO_SIGNING_PW",
      "SPOOF_USER", "SPOOF_SOURCE_IP",
      "KEY", "KEY_BASE64", "HMAC_DIGEST_TYPE", "HMAC_KEY_BASE64", "HMAC_KEY", "USE_HMAC", "KEY_FILE", "HMAC_KEY_FILE",
      "USE_WGET_USER_AGENT", "HTTP_USER_AGENT", "RESOLVE_URL", "SERVER_RESOLVE_IPV4", "RESOLVE_IP_HTTP",
      "RESOLVE_IP_HTTPS", "RESOLVE_HTTP_ONLY", "WGET_CMD", "HTTP_PROXY",
      "NAT_ACCESS", "NAT_LOCAL", "NAT_RAND_PORT", "NAT_PORT",
      "VERBOSE", "NO_SAVE_ARGS");

  /** Known variables that spa reads but does not act on, with the reason given in a warning. */
  public static final Map<String, String> IGNORED = Map.of(
      "WGET_CMD", "spa resolves the external IP itself, without wget",
      "USE_WGET_USER_AGENT", "spa resolves the external IP itself, without wget");

  /** {@code -6}, resolve the server to IPv6 only: set from the command line only (fwknop 2.6 has no such variable). */
  public static final String SERVER_RESOLVE_IPV6 = "SERVER_RESOLVE_IPV6";

  /** The command of a command request: set from {@code -C} only, never from a file. */
  public static final String SERVER_CMD = "SERVER_CMD";

  /** Variables that are alternatives: setting one in a layer hides the others from the layers below. */
  private static final List<Set<String>> ALTERNATIVES = List.of(
      Set.of("KEY", "KEY_BASE64", "KEY_FILE"),
      Set.of("HMAC_KEY", "HMAC_KEY_BASE64", "HMAC_KEY_FILE"),
      Set.of("ALLOW_IP", "RESOLVE_IP_HTTP", "RESOLVE_IP_HTTPS"),
      Set.of("NAT_PORT", "NAT_RAND_PORT"),
      Set.of("GPG_SIGNING_PW", "GPG_SIGNING_PW_BASE64", "GPG_NO_SIGNING_PW"));

  /**
   * {@code top} over {@code base}: a named stanza over {@code [default]}, the command line over both. A key
   * set in {@code top} replaces the same key and its alternatives ({@code KEY} hides {@code KEY_BASE64}).
   * Every key keeps the place it was set.
   */
  public static Settings overlay(Settings base, Settings top) {
    Settings.Builder b = Settings.builder(top.origin());
    for (String k : base.keys()) {
      if (!hiddenBy(k, top)) {
        b.put(k, base.get(k).orElseThrow(), base.origin(k));
      }
    }
    for (String k : top.keys()) {
      b.put(k, top.get(k).orElseThrow(), top.origin(k));
    }
    return b.build();
  }

  private static boolean hiddenBy(String key, Settings top) {
    if (top.has(key)) {
      return true;
    }
    for (Set<String> group : ALTERNATIVES) {
      if (group.contains(key)) {
        for (String other : group) {
          if (top.has(other)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
