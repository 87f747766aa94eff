package spa.server.engine;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import spa.core.ConfigException;
import spa.core.Grant;
import spa.core.Packet;
import spa.core.Settings;
import spa.core.spi.CaptureSource;
import spa.core.spi.Decryptor;
import spa.core.spi.FirewallBackend;
import spa.server.config.ServerConfig;
import spa.server.config.StanzaConfig;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.grant.GrantJournal;
import spa.server.grant.GrantManager;
import spa.server.policy.DefaultAuthorizer;
import spa.server.policy.NatResolver;
import spa.server.policy.Policy;
import spa.server.policy.PolicyCompiler;
import spa.server.replay.DigestStore;
import spa.server.replay.ReplayCache;
import spa.server.replay.ReplayGuard;
import spa.server.replay.Replays;

/**
 * The packet path compiled before the first knock: the ciphers' sample packets (throwaway keys,
 * {@link Decryptor#sample()}) decided some thousands of times, on a daemon thread of its own once spad is ready,
 * by the code of spad's packet path ({@link Intake}, its queue, a {@link Worker} with its {@link Pipeline} and
 * {@link Reporter}) against a policy of their own.
 * Then, when the firewall has a stand-in ({@link FirewallBackend#rehearsal}), some hundreds of knocks are
 * rehearsed one at a time through the act path too ({@link #rehearse}: replay file, actuator, grant manager, the
 * firewall's own code up to what it would send).
 * Knocks are rare, so without it every one runs interpreted (some hundreds of microseconds more, after tens of
 * knocks still). It shares nothing with the running engine: its replay guards, files, actuator and grant manager
 * are its own, its events go nowhere, and its firewall changes nothing.
 */
public final class WarmUp {
  /** A cipher and its sample. */
  public record Cipher(Decryptor decryptor, Decryptor.Sample sample) {}

  /** Every packet is new, and nothing is recorded. */
  private static final ReplayGuard NEW = new ReplayGuard() {
    @Override
    public Seen firstSeen(byte[] sha256, Packet packet, long epochSecond) {
      return new First(0);
    }

    @Override
    public void durable(long sequence) {}

    @Override
    public int size() {
      return 0;
    }
  };

  /** Packets the warm-up's queue holds: the intake waits for room, unlike a capture's. */
  private static final int QUEUE = 256;

  private WarmUp() {}

  /**
   * Starts deciding {@code packets} sample packets, taking turns among the ciphers {@code ciphers} gives (made on
   * the warm-up thread: sealing samples is work too), events in {@code format}; {@code done} then gets one line
   * saying what was done, or {@code failed} one saying why not. Nothing happens for no packets or no ciphers.
   */
  public static void start(Supplier<List<Cipher>> ciphers, int packets, EventFormat format, Consumer<String> done,
      Consumer<String> failed) {
    start(ciphers, packets, () -> null, format, done, failed);
  }

  /**
   * {@link #start(Supplier, int, EventFormat, Consumer, Consumer)}, then the act path's rehearsal that
   * {@code rehearsal} gives (made on the warm-up thread; null: none), and one line for both.
   */
  public static void start(Supplier<List<Cipher>> ciphers, int packets, Supplier<Rehearsal> rehearsal,
      EventFormat format, Consumer<String> done, Consumer<String> failed) {
    if (packets <= 0) {
      return;
    }
    Thread t = new Thread(() -> {
      long t0 = System.nanoTime();
      try {
        List<Cipher> c = ciphers.get();
        if (c.isEmpty()) {
          return;
        }
        Bench bench = Bench.of(c, format);
        run(bench, packets);
        String line = "warm-up: " + packets + " sample packets decided in " + (System.nanoTime() - t0) / 1_000_000
            + " ms";
        Rehearsal r = rehearsal.get();
        if (r != null && r.firewall() != null && r.knocks() > 0) {
          long t1 = System.nanoTime();
          Rehearsed d = rehearse(bench, r);
          line += "; " + d.knocks() + " knocks rehearsed through " + (d.captured() ? "the capture and " : "")
              + "the act path (" + r.firewallName() + " sends nothing) in " + (System.nanoTime() - t1) / 1_000_000
              + " ms" + (d.captureNote() == null ? "" : " (capture not rehearsed: " + d.captureNote() + ")");
        }
        done.accept(line);
      } catch (IOException e) {
        failed.accept("warm-up stopped (knocks are decided all the same, more slowly at first): rehearsal: "
            + e.getMessage());
      } catch (ConfigException | RuntimeException e) {
        failed.accept("warm-up stopped (knocks are decided all the same, more slowly at first): " + e.getMessage());
      }
    }, "spa-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /**
   * What the act path's rehearsal uses: the firewall's stand-in ({@link FirewallBackend#rehearsal}) and its name,
   * the capture's loopback rehearsal or null, a directory for a throwaway replay file and grant journal (made and
   * deleted inside it), and how many knocks.
   */
  public record Rehearsal(FirewallBackend firewall, String firewallName, LoopbackCapture capture, Path scratch,
      int knocks) {}

  /** Starts the capture's rehearsal ({@link CaptureSource#rehearsal}) on 127.0.0.1 {@code port}; null: none. */
  @FunctionalInterface
  public interface LoopbackCapture {
    CaptureSource.Capture start(int port, CaptureSource.Sink sink) throws Exception;
  }

  /** The samples' packets and a policy with one stanza per sample, made once for both parts of the warm-up. */
  record Bench(List<Packet> wires, DecisionChain chain, EventOutput nowhere) {
    static Bench of(List<Cipher> ciphers, EventFormat format) throws ConfigException {
      List<StanzaConfig> stanzas = new ArrayList<>();
      List<Decryptor> decryptors = new ArrayList<>();
      List<Packet> wires = new ArrayList<>();
      InetAddress dst = InetAddress.getLoopbackAddress();
      for (Cipher c : ciphers) {
        stanzas.add(new StanzaConfig("warm-up-" + stanzas.size(),
            c.sample().keys().with(Settings.of(Map.of("SOURCE", "ANY"), "warm-up stanza"))));
        if (!decryptors.contains(c.decryptor())) {
          decryptors.add(c.decryptor());
        }
        for (byte[] w : c.sample().packets()) {
          wires.add(new Packet(c.sample().source(), 40000 + wires.size(), dst, 62201, Packet.UDP, w, Instant.now()));
        }
      }
      Policy policy = new PolicyCompiler(decryptors, ZoneId::systemDefault).compile(
          new ServerConfig(Settings.empty(), stanzas, List.of()));
      DecisionChain chain = new DecisionChain(policy, new DefaultAuthorizer(policy, NatResolver.system()), List.of());
      return new Bench(wires, chain, new EventOutput(OutputStream.nullOutputStream(), format));
    }

    Intake intake(BlockingQueue<Packet[]> queue) {
      return new Intake(new Prefilter(false, false, false), queue, false, 1, 0, Engine.SYSTEM_MILLIS,
          nowhere.newLog(false), null, () -> { });
    }

    Thread worker(BlockingQueue<Packet[]> queue, ReplayGuard guard, Counts counts, Actuator actuator) {
      Worker worker = new Worker(queue, false, new ChainRef(chain), new Pipeline(guard, new KeyTrial(null, 0), null, 0),
          new Reporter(nowhere.newLog(true), counts, null, actuator), Engine.SYSTEM_MILLIS);
      Thread w = new Thread(worker, "spa-warm-up-worker");
      w.setDaemon(true);
      w.start();
      return w;
    }
  }

  /**
   * Decides {@code packets} packets of the samples, in turn, each from its sample's source to loopback: this
   * thread hands them to an {@link Intake} as a capture does, a {@link Worker} on a thread of its own takes them
   * from the queue, as spad's do, and decides them against a policy with one stanza per sample.
   *
   * @throws IllegalStateException when a sample packet is not accepted (a cipher's sample is wrong)
   */
  static void run(Bench bench, int packets) {
    BlockingQueue<Packet[]> queue = new ArrayBlockingQueue<>(QUEUE);
    Intake intake = bench.intake(queue);
    Counts counts = new Counts();
    Thread w = bench.worker(queue, NEW, counts, null);
    try {
      for (int i = 0; i < packets; i++) {
        while (queue.remainingCapacity() == 0) {
          LockSupport.parkNanos(100_000); // the intake drops what a full queue cannot take; these must all be decided
        }
        intake.accept(bench.wires().get(i % bench.wires().size()));
      }
      queue.put(Worker.POISON);
      w.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      w.interrupt();
      throw new IllegalStateException("interrupted");
    }
    long accepted = counts.accepted.sum();
    if (accepted != packets) {
      throw new IllegalStateException(accepted + " of " + packets + " sample packets were accepted (refused: "
          + counts.deniedByReason() + ", not queued: " + intake.ignored() + ")");
    }
  }

  /**
   * Rehearses the act path {@code r.knocks()} times, one knock at a time as they come: each sample packet goes
   * as a datagram to the capture's loopback rehearsal (when there is one, else straight) to an {@link Intake},
   * a {@link Worker} whose replay guard is a {@link Replays} with a file in the scratch directory (emptied
   * whenever the samples come round again, so every packet is new; its records are written and forced as a knock's
   * are, beside the firewall change), and a {@link SerialActuator} whose {@link GrantManager} (its
   * journal in the scratch directory too) opens through the firewall's stand-in; the next knock waits for the
   * grant. Three grants in four are then revoked, so that most knocks make a new opening and some extend one,
   * as real knocks do. When the capture's rehearsal cannot start, cannot be sent to, or delivers nothing of the
   * first knock within a second, the knocks go straight to the intake, and the result says why.
   *
   * @throws IllegalStateException when a knock is not granted within a second, saying what was counted
   */
  static Rehearsed rehearse(Bench bench, Rehearsal r) throws IOException {
    Path dir = Files.createTempDirectory(Files.createDirectories(r.scratch()), "spa-warm-up-");
    ReplayCache cache = new ReplayCache();
    Replays replays = new Replays(cache, DigestStore.open(dir.resolve("digest.cache"), cache, Long.MIN_VALUE, null));
    GrantManager grants = new GrantManager(r.firewall(), new GrantJournal(dir.resolve("grants.journal")),
        Clock.systemUTC(), NO_LISTENER);
    BlockingQueue<Packet[]> queue = new ArrayBlockingQueue<>(QUEUE);
    Intake intake = bench.intake(queue);
    Counts counts = new Counts();
    SerialActuator act = new SerialActuator(grants, r.firewallName(), null, replays, bench.nowhere(),
        Engine.SYSTEM_MILLIS, QUEUE);
    BlockingQueue<Grant> granted = new ArrayBlockingQueue<>(1);
    act.onGranted(granted::offer);
    Thread w = bench.worker(queue, replays, counts, act);
    int made = 0;
    Route route = new Route(intake, r.capture());
    try {
      for (int i = 0; i < r.knocks(); i++) {
        Packet p = bench.wires().get(i % bench.wires().size());
        Grant g = null;
        if (route.captured()) {
          route.send(p);
          g = route.captured() ? granted.poll(1, TimeUnit.SECONDS) : null;
          if (g == null && i == 0 && route.captured()) {
            route.fallBack("nothing sent to " + route.to + " was captured within a second");
          }
        }
        if (g == null && !route.captured()) {
          intake.accept(p);
          g = granted.poll(1, TimeUnit.SECONDS);
        }
        if (g == null) {
          throw new IllegalStateException("rehearsal: knock " + (i + 1) + " of " + r.knocks() + " was not granted"
              + " within a second (accepted: " + counts.accepted.sum() + ", refused: " + counts.deniedByReason()
              + ", not queued: " + intake.ignored() + ")");
        }
        made++;
        if (i % 4 != 3) {
          grants.revoke(List.of(g));
        }
        if ((i + 1) % bench.wires().size() == 0) {
          replays.prune(Long.MAX_VALUE); // the samples come round again: new to the guard once more
        }
      }
      return new Rehearsed(made, route.captured(), route.note);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } finally {
      route.close();
      queue.offer(Worker.POISON);
      try {
        w.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      act.close();
      grants.close();
      replays.close();
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) {
          Files.deleteIfExists(f);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  /**
   * Where the rehearsal's knocks go: as datagrams to the capture's loopback rehearsal while it works, else (none
   * given, or it failed: {@link #note} says why) straight to the intake.
   */
  private static final class Route implements AutoCloseable {
    private CaptureSource.Capture capture;
    private DatagramChannel out;
    final InetSocketAddress to;
    String note;

    Route(Intake intake, LoopbackCapture loopback) throws IOException {
      if (loopback == null) {
        to = null;
        return;
      }
      int port = freeLoopbackPort();
      to = new InetSocketAddress(LOOPBACK, port);
      try {
        capture = loopback.start(port, intake::accept);
        if (capture != null) {
          out = DatagramChannel.open();
        }
      } catch (Exception e) {
        fallBack("127.0.0.1 port " + port + ": " + e.getMessage());
      }
    }

    boolean captured() {
      return out != null;
    }

    void send(Packet p) {
      try {
        out.send(ByteBuffer.wrap(p.payload()), to);
      } catch (IOException e) {
        fallBack("cannot send to " + to + ": " + e.getMessage());
      }
    }

    void fallBack(String why) {
      note = why;
      close();
    }

    @Override
    public void close() {
      if (capture != null) {
        capture.close();
        capture = null;
      }
      if (out != null) {
        try {
          out.close();
        } catch (IOException e) {
          // a datagram socket that was only sent from: nothing is lost
        }
        out = null;
      }
    }
  }

  /**
   * What {@link #rehearse} did: the knocks granted, whether they came through the capture, and why not when its
   * rehearsal was given but not used (else null).
   */
  record Rehearsed(int knocks, boolean captured, String captureNote) {}

  /** A UDP port on 127.0.0.1 that was free a moment ago. */
  private static int freeLoopbackPort() throws IOException {
    try (DatagramChannel probe = DatagramChannel.open()) {
      probe.bind(new InetSocketAddress(LOOPBACK, 0));
      return ((InetSocketAddress) probe.getLocalAddress()).getPort();
    }
  }

  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** Failures in a rehearsal are its own; they are seen as missing grants. */
  private static final GrantManager.Listener NO_LISTENER = new GrantManager.Listener() {
    @Override
    public void expired(Grant grant) {}

    @Override
    public void failed(String operation, Grant grant, Exception cause) {}
  };


}
