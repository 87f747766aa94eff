package spa.server.engine;

import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import spa.core.ConfigException;
import spa.core.Packet;
import spa.core.Settings;
import spa.core.spi.Decryptor;
import spa.server.config.ServerConfig;
import spa.server.config.StanzaConfig;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.policy.DefaultAuthorizer;
import spa.server.policy.NatResolver;
import spa.server.policy.Policy;
import spa.server.policy.PolicyCompiler;
import spa.server.replay.ReplayGuard;

/**
 * The packet path compiled before the first knock: the ciphers' sample packets (throwaway keys,
 * {@link Decryptor#sample()}) decided some thousands of times, on a daemon thread of its own once spad is ready,
 * by the code of spad's packet path ({@link Intake}, its queue, a {@link Worker} with its {@link Pipeline} and
 * {@link Reporter}) against a policy of their own.
 * Knocks are rare, so without it every one runs interpreted (some hundreds of microseconds more, after tens of
 * knocks still). It shares nothing with the running engine: its replay guard only answers "new", its events go
 * nowhere, its counts are its own, and it has no actuator.
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
        run(c, packets, format);
        done.accept("warm-up: " + packets + " sample packets decided in " + (System.nanoTime() - t0) / 1_000_000
            + " ms");
      } catch (ConfigException | RuntimeException e) {
        failed.accept("warm-up stopped (knocks are decided all the same, more slowly at first): " + e.getMessage());
      }
    }, "spa-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /**
   * Decides {@code packets} packets of the samples, in turn, each from its sample's source to loopback: this
   * thread hands them to an {@link Intake} as a capture does, a {@link Worker} on a thread of its own takes them
   * from the queue, as spad's do, and decides them against a policy with one stanza per sample.
   *
   * @throws ConfigException when a sample's keys do not make a stanza
   * @throws IllegalStateException when a sample packet is not accepted (a cipher's sample is wrong)
   */
  static void run(List<Cipher> ciphers, int packets, EventFormat format) throws ConfigException {
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
    EventOutput nowhere = new EventOutput(OutputStream.nullOutputStream(), format);
    BlockingQueue<Packet[]> queue = new ArrayBlockingQueue<>(QUEUE);
    Intake intake = new Intake(new Prefilter(false, false, false), queue, false, 1, 0, System::currentTimeMillis,
        nowhere.newLog(false), null, () -> { });
    Counts counts = new Counts();
    Worker worker = new Worker(queue, false, () -> chain, new Pipeline(NEW, new KeyTrial(null, 0), null, 0),
        new Reporter(nowhere.newLog(true), counts, null, null), System::currentTimeMillis);
    Thread w = new Thread(worker, "spa-warm-up-worker");
    w.setDaemon(true);
    w.start();
    try {
      for (int i = 0; i < packets; i++) {
        while (queue.remainingCapacity() == 0) {
          LockSupport.parkNanos(100_000); // the intake drops what a full queue cannot take; these must all be decided
        }
        intake.accept(wires.get(i % wires.size()));
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
}
