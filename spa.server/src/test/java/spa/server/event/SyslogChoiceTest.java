package spa.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import spa.core.Settings;

class SyslogChoiceTest {
  private static final Settings DEFAULTS =
      Settings.of(Map.of("SYSLOG_IDENTITY", "spad", "SYSLOG_FACILITY", "LOG_DAEMON"), "default");

  private static Settings conf(Map<String, String> file) {
    return DEFAULTS.with(Settings.of(file, "/etc/fwknop/fwknopd.conf"));
  }

  @Test
  void onlyWhenTheConfigurationSetsIdentityOrFacility() {
    assertEquals(Optional.empty(), SyslogChoice.of(DEFAULTS, null, "pipe:[7]"));
    assertEquals(Optional.of(new SyslogChoice("spad", "LOG_LOCAL3")),
        SyslogChoice.of(conf(Map.of("SYSLOG_FACILITY", "LOG_LOCAL3")), null, "pipe:[7]"));
    SyslogChoice c = SyslogChoice.of(conf(Map.of("SYSLOG_IDENTITY", "knockd")), null, null).orElseThrow();
    assertEquals(new SyslogChoice("knockd", "LOG_DAEMON"), c);
    assertEquals("daemon", c.loggerFacility());
  }

  @Test
  void notWhenStandardOutputIsTheJournal() {
    Settings asked = conf(Map.of("SYSLOG_IDENTITY", "knockd"));
    assertEquals(Optional.empty(), SyslogChoice.of(asked, "8:4242", "socket:[4242]"));
    assertTrue(SyslogChoice.of(asked, "8:4242", "socket:[4243]").isPresent(), "another socket is not the journal");
  }
}
