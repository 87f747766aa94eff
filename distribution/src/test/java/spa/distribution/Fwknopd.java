package spa.distribution;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's fwknopd 2.6 in test mode ({@code -t}: no firewall change, no command, no replay-cache write) as a
 * UDP server on a loopback port, verbose, exiting after a given number of datagrams. Its log is parsed
 * into one {@link Datagram} per packet received.
 */
final class Fwknopd implements AutoCloseable {

  /** What fwknopd did with one stanza for one packet. */
  record StanzaOutcome(int stanza, Map<String, String> fields, String action, List<String> lines) {
    /** Whether fwknopd accepted the packet here: it logged what it would do and skipped only because of -t. */
    boolean accepted() {
      return action != null;
    }

    /** The number before the parenthesis in a field such as {@code Message Type: 1 (Access msg)}. */
    int code(String field) {
      String v = fields.getOrDefault(field, "");
      int sp = v.indexOf(' ');
      return Integer.parseInt(sp < 0 ? v : v.substring(0, sp));
    }
  }

  /** One received packet: its wire text and what each stanza made of it. */
  record Datagram(String wire, List<StanzaOutcome> stanzas) {
    List<StanzaOutcome> accepted() {
      return stanzas.stream().filter(StanzaOutcome::accepted).toList();
    }
  }

  /**
   * The line fwknopd 2.6 logs in test mode once a packet has passed every check (keys, age, NAT and command
   * permissions, ports) and would be acted on.
   */
  static final Pattern ACCEPTED =
      Pattern.compile("\\(stanza #(\\d+)\\) --test mode enabled, skipping (firewall manipulation|command execution)\\.$");
  private static final Pattern DATAGRAM = Pattern.compile("^udp_server: Got UDP datagram");
  private static final Pattern STANZA = Pattern.compile("^\\(stanza #(\\d+)\\) SPA Packet from IP: ");
  private static final Pattern PACKET = Pattern.compile("^SPA Packet: '([^']*)'$");
  private static final Pattern FIELD = Pattern.compile("^\\s*([A-Za-z ]+?): (.*)$");

  private final Process process;
  private final Path log;
  private final int port;

  private Fwknopd(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Writes the configuration into {@code dir}, starts fwknopd and waits until its UDP socket is bound. */
  static Fwknopd start(Path dir, List<FwknopFiles.Stanza> stanzas, int packetLimit)
      throws IOException, InterruptedException {
    int port = Tools.freeUdpPort();
    FwknopFiles files = FwknopFiles.write(dir, stanzas, port);
    return start(dir, files, port, packetLimit);
  }

  /** Starts fwknopd on configuration files already written, whose UDPSERV_PORT is {@code port}. */
  static Fwknopd start(Path dir, FwknopFiles files, int port, int packetLimit) throws IOException, InterruptedException {
    Path fwknopd = Tools.require("fwknopd", "fwknop-server");
    Path log = dir.resolve("fwknopd.log");
    Process p = new ProcessBuilder(fwknopd.toString(), "-f", "-t", "-v", "-U", "-C", String.valueOf(packetLimit),
        "-c", files.fwknopdConf().toString(), "-a", files.accessConf().toString(),
        "-d", dir.resolve("digest.cache").toString(), "-p", dir.resolve("fwknopd.pid").toString())
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
    Fwknopd d = new Fwknopd(p, log, port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!Tools.udpPortBound(port)) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        d.close();
        fail("fwknopd did not start a UDP server on port " + port + ":\n" + d.log());
      }
      Thread.sleep(20);
    }
    return d;
  }

  int port() {
    return port;
  }

  /** Waits for fwknopd to reach its packet limit and exit; false if it is still running after {@code limit}. */
  boolean awaitExit(Duration limit) throws InterruptedException {
    return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** The packets fwknopd logged, in arrival order. */
  List<Datagram> datagrams() {
    LogParser parser = new LogParser();
    for (String line : log().split("\n", -1)) {
      parser.line(line);
    }
    return parser.finish();
  }

  /** Splits the verbose log into datagrams (each starts at "Got UDP datagram") and stanza attempts. */
  private static final class LogParser {
    private final List<Datagram> out = new ArrayList<>();
    private List<StanzaOutcome> stanzas;
    private String wire;
    private int stanza = -1;
    private Map<String, String> fields;
    private String action;
    private List<String> lines;
    private boolean inFields;

    void line(String line) {
      if (DATAGRAM.matcher(line).find()) {
        endDatagram();
        stanzas = new ArrayList<>();
        return;
      }
      Matcher m = STANZA.matcher(line);
      if (m.find()) {
        endStanza();
        if (stanzas != null) {
          stanza = Integer.parseInt(m.group(1));
          fields = new LinkedHashMap<>();
          action = null;
          lines = new ArrayList<>();
        }
        return;
      }
      if (stanza < 0) {
        return;
      }
      lines.add(line);
      if ((m = PACKET.matcher(line)).find()) {
        wire = wire == null ? m.group(1) : wire;
      } else if (line.startsWith("SPA Field Values:")) {
        inFields = true;
      } else if (inFields && line.isBlank()) {
        inFields = false;
      } else if (inFields && (m = FIELD.matcher(line)).find()) {
        fields.put(m.group(1), m.group(2));
      } else if ((m = ACCEPTED.matcher(line)).find() && Integer.parseInt(m.group(1)) == stanza) {
        action = m.group(2);
      }
    }

    private void endStanza() {
      if (stanza >= 0) {
        stanzas.add(new StanzaOutcome(stanza, Map.copyOf(fields), action, List.copyOf(lines)));
      }
      stanza = -1;
      inFields = false;
    }

    private void endDatagram() {
      endStanza();
      if (stanzas != null) {
        out.add(new Datagram(wire, List.copyOf(stanzas)));
      }
      stanzas = null;
      wire = null;
    }

    List<Datagram> finish() {
      endDatagram();
      return out;
    }
  }

  /** Stops fwknopd if it is still running. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
