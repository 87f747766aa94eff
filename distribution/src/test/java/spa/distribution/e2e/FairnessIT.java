package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;

/**
 * The image's spad with nftables under a flood of valid packets, in network namespaces ({@link Site}): one key
 * holder sending 2,000 distinct authenticated packets a second does not keep another's single knock from opening
 * the port within 200 ms; and 10,000 distinct knocks at 2,000 a second are all in the firewall before they expire,
 * none reported granted without being there. The packets are made in-process ({@link Wires}) and sent from the
 * client namespace by {@link Sender}; each floods with its own allow address (198.19.0.0/16), so none coalesces.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class FairnessIT extends OnSite {
  private static final int RATE = 2000;
  /** FW_ACCESS_TIMEOUT of the flooding stanza (seconds). */
  private static final int FLOOD_TIMEOUT = 60;
  private static final long KNOCK_LIMIT_MILLIS = 200;
  private static final Pattern FLOOD_ELEMENT = Pattern.compile("(198\\.19\\.\\d+\\.\\d+) \\. ");

  private final Keys flooder = Keys.random();
  private final Keys other = Keys.random();
  private Path dir;
  private Spad spad;
  private final List<Process> senders = new ArrayList<>();

  @BeforeEach
  void startSpad(@TempDir Path dir) throws Exception {
    this.dir = dir;
    Backend.NFTABLES.reset(site);
    Path run = Files.createDirectories(dir.resolve("run"));
    Path conf = write(dir.resolve("fwknopd.conf"), "UDPSERV_PORT " + ServerFiles.UDP_PORT + ";\nFWKNOP_RUN_DIR " + run
        + ";\n");
    Path access = write(dir.resolve("access.conf"), "SOURCE ANY\n" + flooder.stanzaLines()
        + "OPEN_PORTS tcp/22\nFW_ACCESS_TIMEOUT " + FLOOD_TIMEOUT + "\n\n"
        + "SOURCE ANY\n" + other.stanzaLines() + "OPEN_PORTS tcp/22\nFW_ACCESS_TIMEOUT 30\n");
    ServerFiles files = new ServerFiles(conf, access, dir.resolve("digest.cache"), run.resolve("spad.pid"), run);
    spad = Spad.start(site, image, files, Backend.NFTABLES, "spad");
  }

  @AfterEach
  void stop() {
    senders.forEach(Process::destroyForcibly);
    senders.clear();
    if (spad != null) {
      spad.close();
    }
  }

  @Test
  void aSingleKnockOpensWithin200msWhileAnotherKeyFloods2000ValidPacketsASecond() throws Exception {
    int seconds = 6;
    String[] flood = Wires.of(image, flooder).access("flooder", RATE * seconds, FairnessIT::floodAddress, "tcp/22");
    Process flooding = sender("flood", Site.A4, Site.SERVER4, ServerFiles.UDP_PORT, RATE, file("flood", flood));
    // the knock lands in the middle of the flood: well after the server is busy, well before the flood ends
    Thread.sleep(2000);
    spad.await("grant for the flood", e -> "grant".equals(e.event()) && e.get("allow").startsWith("198.19."),
        Duration.ofSeconds(5));
    String knock = Wires.of(image, other).access("other", Site.B4, "tcp/22");
    Process knocking = sender("knock", Site.B4, Site.SERVER4, ServerFiles.UDP_PORT, Site.SSH, knock);
    String result = output(knocking, Duration.ofSeconds(20));
    assertTrue(flooding.isAlive(), "the knock's opening was measured while the flood went on: " + result);
    String sent = output(flooding, Duration.ofSeconds(seconds + 10));
    assertTrue(sent.startsWith("sent " + flood.length + " in "), sent);
    long floodMillis = Long.parseLong(sent.split(" ")[3]);
    assertTrue(floodMillis >= (seconds - 1) * 1000L, "the flood lasted " + floodMillis + " ms");

    Matcher open = Pattern.compile("(open (\\d+)|closed) sent (\\d+)").matcher(result);
    assertTrue(open.matches(), result);
    long sentAt = Long.parseLong(open.group(3));
    assertTrue(open.group(2) != null, "no TCP connection from " + Site.B4 + " within 10 s of its knock; "
        + timeline(sentAt));
    long millis = Long.parseLong(open.group(2));
    System.out.println("knock opened after " + millis + " ms; " + timeline(sentAt));
    assertTrue(millis <= KNOCK_LIMIT_MILLIS, "the knock opened tcp/22 " + millis + " ms after it was sent (limit "
        + KNOCK_LIMIT_MILLIS + " ms) during the flood; " + timeline(sentAt));
    spad.await("grant for " + Site.B4, e -> e.is("grant", Site.B4), Duration.ofSeconds(5));
  }

  @Test
  void tenThousandDistinctKnocksAt2000ASecondAreAllInTheFirewallBeforeTheyExpire() throws Exception {
    int n = 10_000;
    String[] knocks = Wires.of(image, flooder).access("flooder", n, FairnessIT::floodAddress, "tcp/22");
    long start = System.currentTimeMillis();
    Process flooding = sender("flood", Site.A4, Site.SERVER4, ServerFiles.UDP_PORT, RATE, file("knocks", knocks));
    String sent = output(flooding, Duration.ofSeconds(30));
    assertTrue(sent.startsWith("sent " + n + " in "), sent);

    // every knock decided (granted or not) before the first grant's expiry, with time to list the firewall
    long deadline = start + (FLOOD_TIMEOUT - 10) * 1000L;
    List<Json> decided;
    while ((decided = floodOutcomes()).size() < n) {
      if (System.currentTimeMillis() > deadline) {
        fail(decided.size() + " of " + n + " knocks decided " + (FLOOD_TIMEOUT - 10) + " s after the first was sent; "
            + counts());
      }
      Thread.sleep(500);
    }
    long decidedAt = System.currentTimeMillis();
    CommandResult listing = site.runInServer(Command.of("nft", "list", "table", "inet", "spa")
        .withTimeout(Duration.ofSeconds(30)));
    long listedAt = System.currentTimeMillis();
    assertTrue(listing.ok(), listing.failure());
    assertTrue(listedAt < start + FLOOD_TIMEOUT * 1000L, "listed " + (listedAt - start) + " ms after the first knock");
    Set<String> inFirewall = new HashSet<>();
    Matcher m = FLOOD_ELEMENT.matcher(listing.stdout());
    while (m.find()) {
      inFirewall.add(m.group(1));
    }
    List<Json> grants = decided.stream().filter(e -> "grant".equals(e.event())).toList();
    Set<String> granted = grants.stream().map(e -> e.get("allow")).collect(Collectors.toSet());
    Set<String> grantedNotThere = new HashSet<>(granted);
    grantedNotThere.removeAll(inFirewall);
    assertEquals(Set.of(), grantedNotThere, "reported granted but not in the firewall");
    List<Json> refused = decided.stream().filter(e -> !"grant".equals(e.event())).toList();
    assertEquals(List.of(), refused.stream().limit(5).toList(), refused.size() + " knocks not granted");
    assertEquals(n, granted.size(), "distinct grants");
    Set<String> all = new HashSet<>();
    for (int i = 0; i < n; i++) {
      all.add(floodAddress(i));
    }
    all.removeAll(inFirewall);
    System.out.println(n + " knocks sent in " + sent.split(" ")[3] + " ms, all decided " + (decidedAt - start)
        + " ms and listed " + (listedAt - start) + " ms after the first was sent");
    assertEquals(Set.of(), all, "knocks missing from the firewall " + (listedAt - start) + " ms after the first ("
        + "all decided after " + (decidedAt - start) + " ms)");
  }

  /** The flood's allow address {@code i}: 198.19.0.1 on, 250 to a /24. */
  private static String floodAddress(int i) {
    return "198.19." + i / 250 + "." + (i % 250 + 1);
  }

  /** The grant and error events about the flood's allow addresses. */
  private List<Json> floodOutcomes() {
    return spad.all(e -> ("grant".equals(e.event()) || "error".equals(e.event())) && e.get("allow") != null
        && e.get("allow").startsWith("198.19."));
  }

  /**
   * When the knock sent at {@code sentAt} was decided and granted, and the flood's firewall batches around then
   * (grant events of one batch share their time): where the time went, for failure messages.
   */
  private String timeline(long sentAt) {
    List<Json> events = spad.events();
    long accept = events.stream().filter(e -> e.is("accept", Site.B4)).mapToLong(e -> e.ts().toEpochMilli())
        .findFirst().orElse(-1);
    long grant = events.stream().filter(e -> e.is("grant", Site.B4)).mapToLong(e -> e.ts().toEpochMilli())
        .findFirst().orElse(-1);
    java.util.function.Predicate<Json> flood = e -> e.get("allow") != null && e.get("allow").startsWith("198.19.");
    long acceptedBefore = events.stream().filter(e -> "accept".equals(e.event()) && flood.test(e)
        && e.ts().toEpochMilli() <= accept).count();
    long grantedBefore = events.stream().filter(e -> "grant".equals(e.event()) && flood.test(e)
        && e.ts().toEpochMilli() <= accept).count();
    java.util.TreeMap<Long, Long> batches = events.stream()
        .filter(e -> "grant".equals(e.event()) && flood.test(e) && e.ts().toEpochMilli() >= sentAt - 1000
            && e.ts().toEpochMilli() <= Math.max(grant, sentAt) + 500)
        .collect(Collectors.groupingBy(e -> e.ts().toEpochMilli() - sentAt, java.util.TreeMap::new,
            Collectors.counting()));
    return "after the send: accepted at +" + (accept - sentAt) + " ms, granted at +" + (grant - sentAt)
        + " ms; flood accepted " + acceptedBefore + ", granted " + grantedBefore + " by then; flood batches"
        + " (ms after the send = grants): " + batches + "; " + counts();
  }

  /** spad's events counted by type and reason, for failure messages. */
  private String counts() {
    return "events: " + spad.events().stream()
        .collect(Collectors.groupingBy(e -> e.event() + (e.get("reason") == null ? "" : "/" + e.get("reason")),
            java.util.TreeMap::new, Collectors.counting()));
  }

  private Path file(String name, String[] lines) throws IOException {
    return Files.write(dir.resolve(name + ".txt"), Arrays.asList(lines), StandardCharsets.US_ASCII);
  }

  private static Path write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /** Starts {@link Sender} in the client namespace. */
  private Process sender(Object... args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", site.clientNs(),
        ProcessHandle.current().info().command().orElse("java"), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-Xmx256m", "-cp", classPath(), Sender.class.getName()));
    for (Object a : args) {
      argv.add(a.toString());
    }
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    senders.add(p);
    return p;
  }

  /** What {@code p} printed, once it has ended (killed after {@code limit}). */
  private static String output(Process p, Duration limit) throws Exception {
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        return r.lines().collect(Collectors.joining("\n"));
      } catch (IOException e) {
        return e.toString();
      }
    });
    if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      return fail("the sender did not finish within " + limit.toMillis() + " ms");
    }
    return out.get(5, TimeUnit.SECONDS).strip();
  }

  private static String classPath() {
    try {
      return Path.of(Sender.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
