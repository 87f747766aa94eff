package spa.server.engine;

import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 * by the code a worker runs (the prefilter, {@link Pipeline}, {@link Reporter}) against a policy of their own.
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
   * Decides {@code packets} packets of the samples, in turn, each from its sample's source to loopback.
   *
   * @throws ConfigException when a sample's keys do not make a stanza
   * @throws IllegalStateException when a sample packet is not accepted (a cipher's sample is wrong)
   */
  static void run(List<Cipher> ciphers, int packets, EventFormat format) throws ConfigException {
    List<DecisionChain> chains = new ArrayList<>();
    List<Packet> wires = new ArrayList<>();
    List<Integer> chainOf = new ArrayList<>();
    InetAddress dst = InetAddress.getLoopbackAddress();
    for (Cipher c : ciphers) {
      Settings stanza = c.sample().keys().with(Settings.of(Map.of("SOURCE", "ANY"), "warm-up stanza"));
      ServerConfig config = new ServerConfig(Settings.empty(), List.of(new StanzaConfig("warm-up", stanza)), List.of());
      Policy policy = new PolicyCompiler(List.of(c.decryptor()), ZoneId::systemDefault).compile(config);
      chains.add(new DecisionChain(policy, new DefaultAuthorizer(policy, NatResolver.system()), List.of()));
      for (byte[] w : c.sample().packets()) {
        wires.add(new Packet(c.sample().source(), 40000 + wires.size(), dst, 62201, Packet.UDP, w, Instant.now()));
        chainOf.add(chains.size() - 1);
      }
    }
    Prefilter prefilter = new Prefilter(false, false, false);
    Pipeline pipeline = new Pipeline(NEW, new KeyTrial(null, 0), null, 0);
    Reporter reporter = new Reporter(new EventOutput(OutputStream.nullOutputStream(), format).newLog(true),
        new Counts(), null, null);
    for (int i = 0; i < packets; i++) {
      int j = i % wires.size();
      Packet p = wires.get(j);
      long now = System.currentTimeMillis();
      if (prefilter.check(p.payload()) != Prefilter.PASS) {
        throw new IllegalStateException("a sample packet does not pass the prefilter");
      }
      Outcome o = pipeline.process(chains.get(chainOf.get(j)), p, now);
      if (!(o instanceof Outcome.Accepted)) {
        throw new IllegalStateException("a sample packet was not accepted: " + o);
      }
      reporter.report(p, now, o);
      if (j == wires.size() - 1) {
        reporter.flush();
      }
    }
    reporter.flush();
  }
}
