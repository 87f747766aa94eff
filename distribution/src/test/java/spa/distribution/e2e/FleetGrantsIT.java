package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.distribution.e2e.FleetSite.A;
import static spa.distribution.e2e.FleetSite.B;
import static spa.distribution.e2e.FleetSite.CLIENT;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.test.support.Required;

/**
 * A fleet of two gateways in network namespaces, each the image's spad on nftables with {@code REPLAY_STORE redis}
 * and {@code FLEET_GRANTS Y}, sharing one redis-server: a knock to A opens tcp/22 on B too, within 100 ms of A's
 * grant; both close at the grant's expiry; A's packet sent again to B is refused as a replay; and after
 * {@code spad --fw-flush} on A, B no longer holds A's opening.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FleetGrantsIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final int TIMEOUT = 4;
  private static final String REDIS_PASSWORD = "fleet-secret";

  @TempDir
  Path dir;

  @Test
  void aKnockToOneGatewayOpensOnBothAndClosesOnBoth() throws Exception {
    Required.root();
    Path redis = Required.programs("redis-server");
    Path image = OnSite.imageUnderTest();
    Keys keys = Keys.random();
    byte[] fleetKey = new byte[32];
    new java.security.SecureRandom().nextBytes(fleetKey);
    try (FleetSite site = new FleetSite()) {
      // an ACL user with only the commands spad's store and bus send, as the README says to configure one
      site.start(site.client, redis.toString(), "--port", "6379", "--bind", CLIENT, "--save", "", "--appendonly", "no",
          "--dir", dir.toString(), "--user", "default", "off", "--user", "spa", "on", ">" + REDIS_PASSWORD, "~spa:*",
          "+ping", "+set", "+xadd", "+xread", "+hello", "+client|setname", "+select");
      site.start(site.a, "nc", "-l", "-k", "22");
      site.start(site.b, "nc", "-l", "-k", "22");
      await(() -> site.runIn(site.client, Command.of("redis-cli", "-h", CLIENT, "--user", "spa", "--pass", REDIS_PASSWORD,
          "--no-auth-warning", "PING")).stdout().contains("PONG"),
          "redis-server");
      List<Spad> gateways = new ArrayList<>();
      try {
        Spad a = gateway(site, site.a, "gw-a", keys, fleetKey, image);
        gateways.add(a);
        Spad b = gateway(site, site.b, "gw-b", keys, fleetKey, image);
        gateways.add(b);
        await(() -> !site.reaches(A) && !site.reaches(B), "both gateways closed before the knock");

        // a knock to A: open on A, then on B from the fleet
        String packet = packet(site, image, keys, dir.resolve("p1"), TIMEOUT);
        site.send(packet, A, ServerFiles.UDP_PORT);
        Json atA = a.await("grant at A", e -> e.is("grant", CLIENT), WAIT);
        Json atB = b.await("fleet grant at B", e -> e.is("grant", CLIENT)
            && String.valueOf(e.get("detail")).contains("fleet: from gw-a"), WAIT);
        long delay = Duration.between(atA.ts(), atB.ts()).toMillis();
        System.out.println("fleet: A's grant to B's in " + delay + " ms");
        assertTrue(delay <= 100, "B opened " + delay + " ms after A");
        assertTrue(site.reaches(A), "A after the knock");
        assertTrue(site.reaches(B), () -> "B after A's knock\n" + site.in(site.b, "nft", "list", "ruleset") + b.output());

        // A's packet, seen again by B: a replay for the whole fleet
        site.send(packet, B, ServerFiles.UDP_PORT);
        b.await("replay of A's packet", e -> e.is("replay", CLIENT), WAIT);

        // both close at the grant's own expiry
        await(() -> !site.reaches(A) && !site.reaches(B), "both closed after " + TIMEOUT + " s");
        assertTrue(Duration.between(atA.ts(), java.time.Instant.now()).toSeconds() <= TIMEOUT + 3,
            "closed on time");

        // a flush on A: B removes what it holds from A, long before its expiry
        site.send(packet(site, image, keys, dir.resolve("p2"), 60), A, ServerFiles.UDP_PORT);
        b.await("second fleet grant at B", e -> e.is("grant", CLIENT)
            && b.all(x -> x.is("grant", CLIENT)).size() == 2, WAIT);
        assertTrue(site.reaches(B), "B after the second knock");
        CommandResult flushed = Spad.tool(c -> site.runIn(site.a, c), image, files(site.a), Backend.NFTABLES,
            "--fw-flush");
        assertTrue(flushed.ok(), flushed::failure);
        assertTrue(flushed.stdout().contains("told the fleet"), flushed.stdout());
        await(() -> !site.reaches(B), "B closed after A's flush");
        String set = site.in(site.b, "nft", "list", "ruleset");
        assertFalse(set.contains(CLIENT), "B holds nothing for the client:\n" + set);
        assertEquals(List.of(), b.all(e -> "error".equals(e.event())), "no errors at B");
      } finally {
        for (Spad g : gateways) {
          g.close();
        }
      }
    }
  }

  private final java.util.Map<String, ServerFiles> files = new java.util.HashMap<>();

  private ServerFiles files(String ns) {
    return files.get(ns);
  }

  private Spad gateway(FleetSite site, String ns, String id, Keys keys, byte[] fleetKey, Path image) throws Exception {
    Path home = Files.createDirectories(dir.resolve(id));
    Path run = Files.createDirectories(home.resolve("run"));
    Path conf = home.resolve("fwknopd.conf");
    Files.writeString(conf, "UDPSERV_PORT " + ServerFiles.UDP_PORT + ";\nFWKNOP_RUN_DIR " + run + ";\n"
        + "REPLAY_STORE redis;\nREDIS_URL redis://spa:" + REDIS_PASSWORD + "@" + CLIENT + ":6379;\nFLEET_GRANTS Y;\nFLEET_ID " + id + ";\n"
        + "FLEET_KEY " + Base64.getEncoder().encodeToString(fleetKey) + ";\n");
    Path access = home.resolve("access.conf");
    Files.writeString(access, "SOURCE ANY\n" + keys.stanzaLines() + "OPEN_PORTS tcp/22\nFW_ACCESS_TIMEOUT " + TIMEOUT
        + "\nMAX_FW_TIMEOUT 120\n");
    ServerFiles f = new ServerFiles(conf, access, home.resolve("digest.cache"), run.resolve("spad.pid"), run);
    files.put(ns, f);
    site.in(ns, "nft", "flush", "ruleset");
    return Spad.start(FleetSite.prefix(ns), c -> site.runIn(ns, c), image, f, Backend.NFTABLES, "spad",
        List.of("env", "JAVA_HOME=" + System.getProperty("java.home")));
  }

  /** A knock built by the image's client for {@code seconds} of access, saved rather than sent. */
  private static String packet(FleetSite site, Path image, Keys keys, Path saved, int seconds) throws Exception {
    List<String> argv = new ArrayList<>(List.of("env", "HOME=" + saved.getParent(),
        "JAVA_HOME=" + System.getProperty("java.home"), image.resolve("bin/spa").toString(), "--no-rc-file",
        "--no-save-args", "-A", "tcp/22", "-a", CLIENT, "-D", A, "-f", String.valueOf(seconds), "-T", "-B",
        saved.toString()));
    argv.addAll(keys.clientArgs());
    CommandResult r = site.runIn(site.client, Command.of(argv).withTimeout(Duration.ofSeconds(30)));
    assertTrue(r.ok(), r::failure);
    return Files.readString(saved).strip();
  }

  private static void await(BooleanSupplier done, String what) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < end, "timed out: " + what);
      Thread.sleep(20);
    }
  }
}
