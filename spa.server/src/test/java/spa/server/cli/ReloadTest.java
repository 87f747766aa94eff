package spa.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.ProtoPort;
import spa.core.Settings;
import spa.server.config.ConfigLoader;
import spa.server.engine.DecisionChain;
import spa.core.Packet;
import spa.server.replay.ReplayCache;
import spa.server.replay.ReplayGuard;
import spa.server.replay.Replays;
import spa.server.replay.ReplayWindow;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.grant.GrantJournal;
import spa.server.grant.GrantManager;
import spa.server.plugin.Plugins;
import spa.server.testkit.TestKit;

/** A reload is applied whole (policy and the firewall's protected ports) or refused whole. */
class ReloadTest {
  @TempDir
  Path dir;

  private static final String KEYS = "KEY " + TestKit.KEY + "\nHMAC_KEY " + TestKit.HMAC + "\n";
  private static final String SSH = "SOURCE 198.18.0.0/24\n" + KEYS + "OPEN_PORTS tcp/22\n";
  private static final InetAddress STRANGER = TestKit.addr("198.18.1.99");
  private static final ProtoPort PG = new ProtoPort("tcp", 5432);

  private final RecordingFirewall fw = new RecordingFirewall();
  private final AtomicReference<DecisionChain> installed = new AtomicReference<>();
  private final ByteArrayOutputStream events = new ByteArrayOutputStream();
  private final List<String> warnings = new ArrayList<>();
  private Path conf;
  private Path access;
  private ReplayWindow replayWindow;
  private Reload reload;

  @BeforeEach
  void start() throws Exception {
    conf = dir.resolve("fwknopd.conf");
    access = dir.resolve("access.conf");
    Files.writeString(conf, "");
    Files.writeString(access, SSH);
    ConfigLoader loader = new ConfigLoader(w -> { });
    ConfigLoader.Sources sources = new ConfigLoader.Sources(conf, List.of(),
        Settings.builder("command line").put("ACCESS_FILE", access.toString()).build(), null);
    ChainCompiler compiler = new ChainCompiler(Plugins.bootOnly(), warnings::add);
    DecisionChain first = compiler.compile(loader.load(sources));
    Settings fs = FirewallSettings.of(first.policy().globals(), first.policy());
    fw.start(fs);
    GrantManager grants = new GrantManager(fw, new GrantJournal(dir.resolve("grants.journal")), Clock.systemUTC(),
        new GrantManager.Listener() {
          @Override
          public void expired(Grant grant) {}

          @Override
          public void failed(String operation, Grant grant, Exception cause) {}
        });
    replayWindow = new ReplayWindow(ReplayWindow.of(first.policy().server()));
    reload = new Reload(loader, sources, compiler, grants, fs, replayWindow, installed::set,
        new EventOutput(events, EventFormat.JSON).newLog(false), System::currentTimeMillis, m -> { }, warnings::add);
  }

  @Test
  void aNewStanzasPortsAreProtectedFromTheReloadOn() throws Exception {
    Files.writeString(access, SSH + "\nSOURCE ANY\n" + KEYS + "OPEN_PORTS tcp/5432\n");
    String reply = reload.apply();
    assertTrue(reply.startsWith("ok: reloaded configuration: 2 access stanzas"), reply);
    assertEquals(2, installed.get().policy().stanzas().size());
    assertFalse(fw.admits(STRANGER, PG), "the new stanza's port is closed to one who did not knock");
    assertFalse(fw.admits(STRANGER, new ProtoPort("tcp", 22)));
    assertEquals("", events.toString());
  }

  @Test
  void aFirewallThatCannotTakeTheNewPortsRefusesTheWholeReload() throws Exception {
    fw.failReconfigure = new FirewallException("nft: table busy");
    Files.writeString(access, SSH + "\nSOURCE ANY\n" + KEYS + "OPEN_PORTS tcp/5432\n");
    String reply = reload.apply();
    assertEquals("error: firewall: nft: table busy", reply);
    assertEquals(null, installed.get(), "the running policy stays in force");
    List<Config> ev = TestKit.jsonLines(events);
    assertEquals(1, ev.size(), events.toString());
    assertEquals("error", ev.get(0).getString("event"));
    assertEquals("reload", ev.get(0).getString("reason"));
    assertTrue(ev.get(0).getString("detail").endsWith("firewall: nft: table busy"), ev.get(0).getString("detail"));

    // the settings in force are still the old ones: the next reload applies the new ports
    fw.failReconfigure = null;
    assertTrue(reload.apply().startsWith("ok: "));
    assertFalse(fw.admits(STRANGER, PG));
  }

  @Test
  void aPolicyThatDoesNotCompileLeavesTheFirewallAlone() throws Exception {
    Files.writeString(access, SSH + "\nSOURCE ANY\n" + KEYS + "OPEN_PORTS tcp/99999\n");
    String reply = reload.apply();
    assertTrue(reply.startsWith("error: " + access + ":9: OPEN_PORTS: "), reply);
    assertEquals(List.of("start"), fw.calls);
    assertEquals(null, installed.get());
    assertEquals(1, TestKit.jsonLines(events).size());
    assertEquals(1, warnings.size(), warnings.toString());
  }

  @Test
  void startOnlyVariablesThatChangedAreNamedAndTheRestIsApplied() throws Exception {
    Files.writeString(conf, "UDPSERV_PORT 62202\nSPA_WORKERS 1\nFLEET_ID b\nMAX_SPA_PACKET_AGE 60\n");
    Files.writeString(access, SSH + "REQUIRE_USERNAME bob\n");
    String reply = reload.apply();
    assertEquals("ok: reloaded configuration: 1 access stanzas; FLEET_ID, SPA_WORKERS, UDPSERV_PORT changed, which"
        + " only a restart applies", reply);
    assertEquals(List.of(reply.substring(4)), warnings);
    assertEquals("bob", installed.get().policy().stanzas().get(0).requireUser(), "the policy is applied");
    assertEquals("", events.toString(), "not a refusal");

    // still named on the next reload: they are still not in force; once back as they were, not named
    warnings.clear();
    assertTrue(reload.apply().contains("; FLEET_ID, SPA_WORKERS, UDPSERV_PORT changed"));
    Files.writeString(conf, "MAX_SPA_PACKET_AGE 30\n");
    assertEquals("ok: reloaded configuration: 1 access stanzas", reload.apply());
  }

  @Test
  void anUnchangedFirewallIsNotTouched() throws Exception {
    Files.writeString(access, SSH + "REQUIRE_USERNAME bob\n");
    assertTrue(reload.apply().startsWith("ok: "));
    assertEquals(List.of("start"), fw.calls);
    assertEquals("bob", installed.get().policy().stanzas().get(0).requireUser());
  }

  /** Started with the default MAX_SPA_PACKET_AGE (120 s): records are kept 2 * 120 + 60 s. */
  private static final long T0 = 1_800_000_000L;

  @Test
  void aReloadRaisingThePacketAgeKeepsTheRecordsOfPacketsThatCouldPassIt() throws Exception {
    Replays replays = new Replays(new ReplayCache(), null);
    byte[] sha = new byte[32];
    sha[0] = 42;
    Packet knock = TestKit.udp("198.18.0.10", "198.18.0.1", "x");
    assertTrue(replays.firstSeen(sha, knock, T0) instanceof ReplayGuard.First);
    Files.writeString(conf, "MAX_SPA_PACKET_AGE 600\n");
    assertTrue(reload.apply().startsWith("ok: "));
    assertEquals(600, installed.get().policy().server().maxAgeSeconds());
    // past the start-up window, inside the new one (a packet stamped T0 passes the age check): the upkeep
    // prunes as the window now says and keeps the record, so the packet seen again is a replay
    long now = T0 + 400;
    replays.prune(replayWindow.oldestKept(now));
    assertEquals(new ReplayGuard.Again(T0), replays.firstSeen(sha, knock, now), "seen before: refused as a replay");
  }

  @Test
  void aReloadTurningAgingOffKeepsEveryRecord() throws Exception {
    Files.writeString(conf, "ENABLE_SPA_PACKET_AGING N\n");
    assertTrue(reload.apply().startsWith("ok: "));
    assertTrue(replayWindow.keepsAll());
  }

  @Test
  void aReloadNarrowingThePacketAgeDoesNotNarrowTheWindow() throws Exception {
    Files.writeString(conf, "MAX_SPA_PACKET_AGE 600\n");
    assertTrue(reload.apply().startsWith("ok: "));
    Files.writeString(conf, "MAX_SPA_PACKET_AGE 30\n");
    assertTrue(reload.apply().startsWith("ok: "));
    // packets recorded under the 600 s policy stay recorded for as long as that policy could have passed them
    assertEquals(T0 - 1260, replayWindow.oldestKept(T0));
  }

  @Test
  void aRefusedReloadLeavesTheWindowAlone() throws Exception {
    Files.writeString(conf, "MAX_SPA_PACKET_AGE 600\n");
    fw.failReconfigure = new FirewallException("nft: table busy");
    Files.writeString(access, SSH + "\nSOURCE ANY\n" + KEYS + "OPEN_PORTS tcp/5432\n");
    assertTrue(reload.apply().startsWith("error: "));
    assertEquals(T0 - 300, replayWindow.oldestKept(T0));
  }
}
