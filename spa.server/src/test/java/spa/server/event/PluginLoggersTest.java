package spa.server.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A plugin's System.Logger messages become the daemon's own messages: warnings, or information. */
class PluginLoggersTest {
  private final List<String> info = new ArrayList<>();
  private final List<String> warn = new ArrayList<>();

  @AfterEach
  void unroute() {
    PluginLoggers.route(m -> { }, m -> { }, 0);
  }

  @Test
  void theJvmUsesItForEverySystemLogger() {
    assertInstanceOf(PluginLoggers.class, System.LoggerFinder.getLoggerFinder());
  }

  @Test
  void warningsAndErrorsAreWarningsInfoIsInformationAndDebugNeedsTwoVs() {
    PluginLoggers.route(info::add, warn::add, 1);
    System.Logger log = System.getLogger("spa.capture.example");
    log.log(System.Logger.Level.WARNING, "udp capture on port 62201: packet sink failed: boom");
    log.log(System.Logger.Level.ERROR, "cannot read {0} ({1} bytes)", "/var/log/ulogd.pcap", 24);
    log.log(System.Logger.Level.INFO, "udp capture on port {0}: receive buffer {1} bytes", 62201, 33554432L);
    log.log(System.Logger.Level.DEBUG, "not shown at -v");
    log.log(System.Logger.Level.WARNING, "closing", new IOException("socket closed"));
    assertEquals(List.of("udp capture on port 62201: packet sink failed: boom",
        "cannot read /var/log/ulogd.pcap (24 bytes)", "closing: java.io.IOException: socket closed"), warn);
    assertEquals(List.of("udp capture on port 62201: receive buffer 33554432 bytes"), info);

    PluginLoggers.route(info::add, warn::add, 2);
    log.log(System.Logger.Level.DEBUG, "shown at -v -v");
    assertTrue(log.isLoggable(System.Logger.Level.TRACE));
    assertEquals("shown at -v -v", info.get(info.size() - 1));
  }
}
