package spa.server.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Decision;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.Packet;
import spa.core.ProtoPort;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.grant.GrantJournal;
import spa.server.grant.GrantManager;
import spa.server.policy.Stanza;
import spa.server.replay.ReplayGuard;
import spa.server.testkit.TestKit;

/** The replay record is written before the firewall changes, and forcing it to disk runs alongside the change. */
class ReplayForceTest {
  @TempDir
  Path dir;

  @Test
  void aSlowForceDoesNotHoldBackTheFirewallChangeAndTheRecordIsWrittenBeforeIt() throws Exception {
    List<String> steps = new CopyOnWriteArrayList<>();
    CountDownLatch forceMayEnd = new CountDownLatch(1);
    ReplayGuard replays = new ReplayGuard() {
      @Override
      public Seen firstSeen(byte[] sha256, Packet packet, long epochSecond) {
        throw new UnsupportedOperationException("the actuator only makes records durable");
      }

      @Override
      public void written(long sequence) {
        steps.add("written " + sequence);
      }

      @Override
      public void durable(long sequence) throws IOException {
        steps.add("force " + sequence);
        try {
          forceMayEnd.await(); // a disk that takes its time
        } catch (InterruptedException e) {
          throw new IOException("interrupted");
        }
        steps.add("forced " + sequence);
      }

      @Override
      public int size() {
        return 0;
      }
    };
    GrantBatchingTest.SlowBackend fw = new GrantBatchingTest.SlowBackend() {
      @Override
      public void openAll(List<Grant> grants) throws FirewallException {
        steps.add("firewall");
        super.openAll(grants);
      }
    };
    Stanza stanza = TestKit.policy(TestKit.config(dir, "",
        "SOURCE ANY\nKEY " + TestKit.KEY + "\nHMAC_KEY " + TestKit.HMAC + "\n")).stanzas().get(0);
    GrantManager grants = new GrantManager(fw, new GrantJournal(dir.resolve("grants")), Clock.systemUTC(),
        new GrantManager.Listener() {
          @Override
          public void expired(Grant grant) {}

          @Override
          public void failed(String operation, Grant grant, Exception cause) {}
        });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    EventOutput events = new EventOutput(out, EventFormat.JSON);
    try (SerialActuator act = new SerialActuator(grants, "slow", null, replays, events, System::currentTimeMillis, 16)) {
      Grant g = new Grant(TestKit.addr("198.18.0.2"), null, List.of(new ProtoPort("tcp", 22)), null,
          Instant.now().plusSeconds(60), stanza.name());
      act.submit(new Action(new Decision.Open(g), stanza, TestKit.udp("198.18.0.9", "198.18.0.1", "x"),
          TestKit.access("alice", "198.18.0.2", "tcp/22", TestKit.now()).build(), 7, System.currentTimeMillis()));
      TestKit.await(() -> !fw.held.isEmpty() && steps.contains("force 7"),
          "the grant reached the firewall while the force was held");
      assertEquals("written 7", steps.get(0), steps.toString());
      assertTrue(steps.indexOf("firewall") > 0, steps.toString());
      assertTrue(!steps.contains("forced 7"), "the force is still held: " + steps);
      forceMayEnd.countDown();
    } finally {
      grants.close();
      events.close();
    }
    List<Config> ev = TestKit.jsonLines(out);
    assertEquals(List.of("grant"), ev.stream().map(c -> c.getString("event")).toList(), ev.toString());
    assertEquals("forced 7", steps.get(steps.size() - 1), "the grant was reported after the force: " + steps);
  }
}
