package spa.fw.pf;

import java.time.Duration;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * The pf backend's settings, with fwknopd.conf's names and defaults.
 *
 * @param exe PFCTL_EXE, else FIREWALL_EXE when it names pfctl (fwknopd's), else {@code /sbin/pfctl}
 * @param anchor PF_ANCHOR_NAME (default {@code fwknop}); pf.conf must reference it
 * @param expireInterval PF_EXPIRE_INTERVAL (30 s): how often the anchor is swept of rules whose {@code _exp_} has
 *     passed, a backstop for closings the engine did not make (a crash, a rule written by fwknopd)
 * @param killStates PF_KILL_STATES (N): on close, also kill the source's states ({@code pfctl -k SRC}), so an
 *     established session ends with its grant
 */
record PfConfig(String exe, String anchor, Duration expireInterval, boolean killStates) {

  static PfConfig from(Settings s) throws ConfigException {
    // fwknopd's FIREWALL_EXE names pfctl in a BSD build's fwknopd.conf; PFCTL_EXE wins, being pfctl's alone
    String exe = s.get("PFCTL_EXE").or(() -> s.get("FIREWALL_EXE")
        .filter(f -> java.nio.file.Path.of(f.trim()).getFileName().toString().startsWith("pfctl")))
        .orElse("/sbin/pfctl").trim();
    if (exe.isEmpty()) {
      throw s.invalid("PFCTL_EXE", "empty path");
    }
    String anchor = s.get("PF_ANCHOR_NAME").orElse("fwknop").trim();
    if (!anchor.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*") || anchor.length() > 64) {
      throw s.invalid("PF_ANCHOR_NAME", "not an anchor name (letters, digits, _ . - and / between parts): "
          + anchor);
    }
    String v = s.get("PF_EXPIRE_INTERVAL").orElse("30").trim();
    int seconds;
    try {
      seconds = Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw s.invalid("PF_EXPIRE_INTERVAL", "not a whole number of seconds: " + v);
    }
    if (seconds < 1 || seconds > 86400) {
      throw s.invalid("PF_EXPIRE_INTERVAL", "must be 1..86400 seconds, not " + seconds);
    }
    return new PfConfig(exe, anchor, Duration.ofSeconds(seconds), s.flag("PF_KILL_STATES", false));
  }
}
