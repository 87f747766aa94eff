package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import spa.test.support.Required;

/**
 * The image's {@code spad -t} under a flood of 100 000 garbage datagrams a second on loopback, captured by the
 * {@code udp} and by the {@code pcap} plugin: 20 valid knocks made by the image's {@code bin/spa} and sent among the
 * garbage are each accepted. With a deliberately tiny capture buffer the flood overflows it, and {@code spad -S}
 * and an {@code error} event (reason {@code capture-dropped}) say so.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FloodIT {
  private static final int RATE = 100_000;
  private static final int SENDERS = 2;
  private static final int KNOCKS = 20;
  private static final long FLOOD_MILLIS = 5_000;
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final Path FLOOD = Path.of("bench", "Flood.java").toAbsolutePath();
  private static final Pattern DROPPED = Pattern.compile("capture-dropped=(\\d+)");

  private final Image image = Image.get();
  private Path dir;
  private Keys keys;
  /** Each knock's packet file as bin/spa wrote it, and the allow IP that names it in spad's events. */
  private final List<Path> knocks = new ArrayList<>();
  private final List<String> allowIps = new ArrayList<>();

  @BeforeAll
  void makeTheKnocks(@TempDir Path tmp) throws Exception {
    dir = tmp;
    keys = Keys.randomBase64();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Run.Result>> made = new ArrayList<>();
      for (int i = 0; i < KNOCKS; i++) {
        String allow = "198.18.1." + (i + 1);
        Path home = Files.createDirectories(dir.resolve("client-" + i));
        List<String> cmd = new ArrayList<>(List.of(image.spa().toString(), "--no-rc-file", "-A", "tcp/22", "-a",
            allow, "-D", "127.0.0.1", "--use-hmac", "-T", "-B", home.resolve("packet").toString()));
        cmd.addAll(keys.clientArgs());
        allowIps.add(allow);
        made.add(pool.submit(() -> Run.run(cmd, Map.of("HOME", home.toString()), home, LIMIT)));
      }
      for (int i = 0; i < KNOCKS; i++) {
        Run.Result r = made.get(i).get();
        assertTrue(r.ok(), r::describe);
        knocks.add(dir.resolve("client-" + i).resolve("packet"));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void everyKnockIsAcceptedUnderAFloodCapturedByUdp() throws Exception {
    int port = Tools.freeUdpPort();
    try (Spad spad = Spad.start(image, dir.resolve("udp"), keys, port, List.of("-U"), List.of())) {
      long sent = flood(port, FLOOD_MILLIS, knocks);
      assertAllAccepted(spad, sent);
    }
  }

  @Test
  void everyKnockIsAcceptedUnderAFloodCapturedByPcap() throws Exception {
    Required.root();
    int port = Tools.freeUdpPort();
    // a socket on the port that nobody reads, so that the flood is not answered by ICMP port-unreachable
    try (DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Spad spad = Spad.start(image, dir.resolve("pcap"), keys, port, List.of("--capture", "pcap"),
            List.of("PCAP_INTF lo", "PCAP_FILTER udp dst port " + port))) {
      sink.setReceiveBufferSize(4096);
      long sent = flood(port, FLOOD_MILLIS, knocks);
      assertAllAccepted(spad, sent);
    }
  }

  @Test
  void aTinyReceiveBufferOverflowsAndSpadSaysSo() throws Exception {
    int port = Tools.freeUdpPort();
    try (Spad spad = Spad.start(image, dir.resolve("tiny-udp"), keys, port, List.of("-U"),
        List.of("SPA_UDP_RECEIVE_BUFFER 4096"))) {
      long sent = flood(port, 1_500, List.of());
      assertDropsReported(spad, sent);
    }
  }

  @Test
  void aTinyPcapBufferOverflowsAndSpadSaysSo() throws Exception {
    Required.root();
    int port = Tools.freeUdpPort();
    try (DatagramSocket sink = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Spad spad = Spad.start(image, dir.resolve("tiny-pcap"), keys, port, List.of("--capture", "pcap"),
            List.of("PCAP_INTF lo", "PCAP_FILTER udp dst port " + port, "SPA_PCAP_BUFFER_SIZE 4096"))) {
      sink.setReceiveBufferSize(4096);
      long sent = flood(port, 1_500, List.of());
      assertDropsReported(spad, sent);
    }
  }

  /**
   * Runs the benchmarks' flood ({@code bench/Flood.java}) at {@link #RATE} to {@code port} on loopback for
   * {@code millis}, sending {@code knockFiles} among the garbage; returns the garbage datagrams sent.
   */
  private long flood(int port, long millis, List<Path> knockFiles) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        FLOOD.toString(), "127.0.0.1", String.valueOf(port), String.valueOf(RATE), String.valueOf(SENDERS),
        String.valueOf(millis)));
    knockFiles.forEach(f -> cmd.add(f.toString()));
    Run.Result r = Run.run(cmd, Map.of(), dir, LIMIT);
    assertTrue(r.ok() && r.stdout().startsWith("sent "), r::describe);
    return Long.parseLong(r.stdout().strip().substring("sent ".length()));
  }

  private void assertAllAccepted(Spad spad, long sent) throws Exception {
    Set<String> missing = new TreeSet<>(allowIps);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!missing.isEmpty() && System.nanoTime() < deadline) {
      for (String e : spad.events()) {
        if ("accept".equals(JsonFields.get(e, "event"))) {
          missing.remove(JsonFields.get(e, "allow"));
        }
      }
      Thread.sleep(100);
    }
    String status = spad.status();
    System.out.println("FloodIT " + spad.name() + ": " + sent + " garbage datagrams sent in " + FLOOD_MILLIS
        + " ms, " + (KNOCKS - missing.size()) + "/" + KNOCKS + " knocks accepted; " + status);
    assertTrue(missing.isEmpty(), () -> "knocks not accepted: " + missing + " (" + status + ")\n" + spad.output());
  }

  private static void assertDropsReported(Spad spad, long sent) throws Exception {
    String status = spad.status();
    System.out.println("FloodIT " + spad.name() + ": " + sent + " garbage datagrams sent; " + status);
    Matcher m = DROPPED.matcher(status);
    assertTrue(m.find(), () -> "spad -S says nothing of capture drops: " + status);
    assertTrue(Long.parseLong(m.group(1)) > 0, () -> "no drops reported: " + status + "\n" + spad.output());
    spad.awaitEvent("capture-dropped error",
        e -> "error".equals(JsonFields.get(e, "event")) && "capture-dropped".equals(JsonFields.get(e, "reason")));
  }

  /** spad -t with JSON events on standard output, its configuration in its own directory. */
  private static final class Spad implements AutoCloseable {
    private final Image image;
    private final Path dir;
    private final List<String> files;
    private final Process process;

    private Spad(Image image, Path dir, List<String> files, Process process) {
      this.image = image;
      this.dir = dir;
      this.files = files;
      this.process = process;
    }

    static Spad start(Image image, Path dir, Keys keys, int port, List<String> capture, List<String> globals)
        throws IOException, InterruptedException {
      Files.createDirectories(dir);
      StringBuilder conf = new StringBuilder("UDPSERV_PORT " + port + "\n");
      globals.forEach(g -> conf.append(g).append('\n'));
      StringBuilder access = new StringBuilder("SOURCE ANY\n");
      keys.stanzaVariables().forEach((k, v) -> access.append(k).append(' ').append(v).append('\n'));
      access.append("OPEN_PORTS tcp/22\n");
      Path c = owned(dir.resolve("fwknopd.conf"), conf.toString());
      Path a = owned(dir.resolve("access.conf"), access.toString());
      List<String> files = List.of("-c", c.toString(), "-a", a.toString(), "-d", dir.resolve("digest.cache").toString(),
          "-p", dir.resolve("spad.pid").toString());
      List<String> argv = new ArrayList<>(List.of(image.spad().toString(), "-t", "-v", "--log-format", "json"));
      argv.addAll(capture);
      argv.addAll(files);
      Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectOutput(dir.resolve("events").toFile())
          .redirectError(dir.resolve("stderr").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
      Spad spad = new Spad(image, dir, files, p);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!read(dir.resolve("stderr")).contains("spad: ready")) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          spad.close();
          fail("spad did not get ready:\n" + spad.output());
        }
        Thread.sleep(20);
      }
      return spad;
    }

    String name() {
      return dir.getFileName().toString();
    }

    /** What {@code spad -S} answers. */
    String status() throws IOException, InterruptedException {
      List<String> argv = new ArrayList<>(List.of(image.spad().toString()));
      argv.addAll(files);
      argv.add("-S");
      Run.Result r = Run.run(argv, Map.of(), dir, LIMIT);
      assertEquals(0, r.exitCode(), r::describe);
      return r.stdout().strip().replace('\n', ' ');
    }

    List<String> events() {
      return read(dir.resolve("events")).lines().filter(l -> l.startsWith("{")).toList();
    }

    void awaitEvent(String what, java.util.function.Predicate<String> match) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (events().stream().noneMatch(match)) {
        if (System.nanoTime() > deadline) {
          fail("no " + what + " event:\n" + output());
        }
        Thread.sleep(50);
      }
    }

    String output() {
      String ev = read(dir.resolve("events"));
      if (ev.length() > 20_000) {
        ev = ev.substring(0, 10_000) + "\n...\n" + ev.substring(ev.length() - 10_000);
      }
      return "--- events:\n" + ev + "--- stderr:\n" + read(dir.resolve("stderr"));
    }

    private static Path owned(Path f, String text) throws IOException {
      Files.writeString(f, text);
      Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      return f;
    }

    private static String read(Path f) {
      try {
        return Files.readString(f, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
