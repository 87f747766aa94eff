package spa.fw.ipfw;

import java.time.Duration;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * The ipfw backend's settings, with fwknopd.conf's names and defaults.
 *
 * @param exe IPFW_EXE, else FIREWALL_EXE when it names ipfw (fwknopd's), else {@code /sbin/ipfw}
 * @param first IPFW_START_RULE_NUM (10000)
 * @param end one past the last rule number spa may use: IPFW_START_RULE_NUM + IPFW_MAX_RULES, at most 65535
 *     (ipfw's default rule)
 * @param activeSet IPFW_ACTIVE_SET_NUM (1)
 * @param expireSet IPFW_EXPIRE_SET_NUM (2), kept disabled
 * @param purgeInterval IPFW_EXPIRE_PURGE_INTERVAL (30 s)
 * @param checkState IPFW_ADD_CHECK_STATE: a {@code check-state} rule at IPFW_START_RULE_NUM (N)
 * @param flushAtInit FLUSH_IPFW_AT_INIT: start deletes spa's rules in the active set (Y, as fwknopd)
 */
record IpfwConfig(String exe, int first, int end, int activeSet, int expireSet, Duration purgeInterval,
    boolean checkState, boolean flushAtInit) {

  static IpfwConfig from(Settings s) throws ConfigException {
    // fwknopd's FIREWALL_EXE names ipfw in a BSD build's fwknopd.conf; IPFW_EXE wins, being ipfw's alone
    String exe = s.get("IPFW_EXE").or(() -> s.get("FIREWALL_EXE")
        .filter(f -> java.nio.file.Path.of(f.trim()).getFileName().toString().startsWith("ipfw")))
        .orElse("/sbin/ipfw").trim();
    if (exe.isEmpty()) {
      throw s.invalid("IPFW_EXE", "empty path");
    }
    int start = number(s, "IPFW_START_RULE_NUM", 10000, 1, 65534);
    int max = number(s, "IPFW_MAX_RULES", 65535, 1, 65535);
    int active = number(s, "IPFW_ACTIVE_SET_NUM", 1, 0, 30);
    int expire = number(s, "IPFW_EXPIRE_SET_NUM", 2, 0, 30);
    if (active == expire) {
      throw s.invalid("IPFW_EXPIRE_SET_NUM", "must differ from IPFW_ACTIVE_SET_NUM (" + active + ")");
    }
    int purge = number(s, "IPFW_EXPIRE_PURGE_INTERVAL", 30, 1, 86400);
    boolean checkState = s.flag("IPFW_ADD_CHECK_STATE", false);
    int end = Math.min(start + max, 65535);
    if (end - start < (checkState ? 2 : 1)) {
      throw s.invalid("IPFW_MAX_RULES", "leaves no rule number for grants");
    }
    return new IpfwConfig(exe, start, end, active, expire, Duration.ofSeconds(purge), checkState,
        s.flag("FLUSH_IPFW_AT_INIT", true));
  }

  /** The first rule number a grant may take (after the check-state rule, when there is one). */
  int firstGrantNumber() {
    return checkState ? first + 1 : first;
  }

  boolean inWindow(int number) {
    return number >= first && number < end;
  }

  private static int number(Settings s, String key, int dflt, int min, int max) throws ConfigException {
    String v = s.get(key).orElse(null);
    if (v == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) {
        throw s.invalid(key, "must be " + min + ".." + max + ", not " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw s.invalid(key, "not a whole number: " + v);
    }
  }
}
