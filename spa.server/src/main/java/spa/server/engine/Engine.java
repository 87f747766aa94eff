package spa.server.engine;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import spa.server.replay.ReplayGuard;
import spa.core.Decision;
import spa.core.DigestType;
import spa.core.Grant;
import spa.core.Packet;
import spa.core.ProtoPort;
import spa.core.SpaException;
import spa.core.SpaMessage;
import spa.core.codec.Digests;
import spa.core.codec.SpaCodec;
import spa.core.spi.CaptureSource;
import spa.core.spi.Decryptor;
import spa.server.event.Event;
import spa.server.event.EventLog;
import spa.server.event.EventOutput;
import spa.server.policy.IpList;
import spa.server.policy.Reasons;
import spa.server.policy.Stanza;

/**
 * The packet path. The capture thread runs the prefilter and hands packets to a bounded queue; worker
 * threads match sources, try each matching stanza's keys, check and record the replay key of a packet that
 * authenticates (before any effect), decide, emit one event per decision, and pass accepted decisions to the
 * actuator.
 */
public final class Engine {
  private static final Packet[] POISON = new Packet[0];
  /**
   * Packets an offline capture hands over at once; live packets go one by one, at once. Large, so that the
   * reader and the workers seldom wait for each other: each wait is a thread switch.
   */
  private static final int OFFLINE_BATCH = 512;
  /**
   * Batches an offline capture may queue per worker: enough to keep every worker busy. A file is read faster
   * than it is decided, so a deeper queue would only hold more packets alive through each garbage collection.
   */
  private static final int OFFLINE_BATCHES_PER_WORKER = 2;
  /** Live packets a worker takes from the queue at once. */
  private static final int LIVE_DRAIN = 64;

  /**
   * How the engine runs.
   *
   * @param testMode decide and log only: nothing acted on, nothing persisted
   * @param offline the capture reads a file: wait for queue space instead of dropping
   * @param workers decision threads
   * @param queueSize packets that may wait for a worker
   * @param packetLimit stop after this many packets from the capture (0: no limit)
   * @param ratePerSource packets per second per source before the prefilter drops (0: no limit)
   */
  public record Options(boolean testMode, boolean offline, int workers, int queueSize, long packetLimit,
      double ratePerSource) {}

  private final Options options;
  private volatile DecisionChain chain;
  private final ReplayGuard guard;
  private final Actuator actuator;
  private final EventOutput events;
  private final LongSupplier clock;
  private final Prefilter prefilter;
  private final RateLimiter rateLimiter;
  private final BlockingQueue<Packet[]> queue;
  private Packet[] batch;
  private int batchSize;
  private final List<Thread> workers = new ArrayList<>();
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicLong received = new AtomicLong();
  private final LongAdder[] ignored = new LongAdder[Prefilter.NAMES.length];
  private final LongAdder rateLimited = new LongAdder();
  private final LongAdder queueDropped = new LongAdder();
  private final LongAdder accepted = new LongAdder();
  private final LongAdder replays = new LongAdder();
  private final Map<String, LongAdder> denied = new ConcurrentHashMap<>();
  private final EventLog intakeLog;
  private long lastDropReport;
  private volatile boolean finished;

  /**
   * @param guard asked whether an authenticated packet was seen before (and made to record it)
   */
  public Engine(Options options, DecisionChain chain, ReplayGuard guard, Actuator actuator,
      EventOutput events, Prefilter prefilter, LongSupplier clock) {
    this.options = options;
    this.chain = chain;
    this.guard = guard;
    this.actuator = actuator;
    this.events = events;
    this.clock = clock;
    this.prefilter = prefilter;
    this.rateLimiter = options.ratePerSource() > 0 ? new RateLimiter(options.ratePerSource()) : null;
    int perEntry = options.offline() ? OFFLINE_BATCH : 1;
    int capacity = Math.max(16, options.queueSize() / perEntry);
    if (options.offline()) {
      capacity = Math.min(capacity, OFFLINE_BATCHES_PER_WORKER * Math.max(1, options.workers()));
    }
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.batch = new Packet[perEntry];
    this.intakeLog = events.newLog(false);
    for (int i = 0; i < ignored.length; i++) {
      ignored[i] = new LongAdder();
    }
  }

  /** Replaces the policy (configuration reload); packets in flight finish with the one they started with. */
  public void policy(DecisionChain next) {
    this.chain = next;
  }

  public DecisionChain policy() {
    return chain;
  }

  /** Starts the worker threads. */
  public void start() {
    for (int i = 0; i < Math.max(1, options.workers()); i++) {
      Worker w = new Worker(events.newLog(true));
      Thread t = new Thread(w, "spad-worker-" + i);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
  }

  /** Where captures deliver packets. */
  public CaptureSource.Sink sink() {
    return new CaptureSource.Sink() {
      @Override
      public void accept(Packet p) {
        intake(p);
      }

      @Override
      public void end() {
        flushBatch();
        ended.countDown();
      }
    };
  }

  /** Ends waiting in {@link #awaitEnd} (a signal, a stop request). */
  public void stop() {
    ended.countDown();
  }

  /** Waits until the capture ended, the packet limit was reached, or {@link #stop} was called. */
  public void awaitEnd() throws InterruptedException {
    ended.await();
  }

  public boolean awaitEnd(long millis) throws InterruptedException {
    return ended.await(millis, TimeUnit.MILLISECONDS);
  }

  private void intake(Packet p) {
    if (finished) {
      return;
    }
    long limit = options.packetLimit();
    long n = received.incrementAndGet();
    if (limit > 0 && n > limit) {
      return;
    }
    byte[] payload = p.payload();
    int r = payload == null || p.src() == null ? Prefilter.TOO_SHORT : prefilter.check(payload);
    if (r == Prefilter.HTTP) {
      p = prefilter.unwrapHttp(p);
      r = p == null ? Prefilter.HTTP : Prefilter.PASS;
    }
    if (r != Prefilter.PASS) {
      ignored[r].increment();
    } else if (rateLimiter != null && !allowRate(p)) {
      rateLimited.increment();
    } else {
      enqueue(p);
    }
    if (limit > 0 && n == limit) {
      flushBatch();
      ended.countDown();
    }
  }

  private synchronized boolean allowRate(Packet p) {
    return rateLimiter.allow(p.src(), System.nanoTime());
  }

  private void enqueue(Packet p) {
    if (options.offline()) {
      synchronized (this) {
        batch[batchSize++] = p;
        if (batchSize == batch.length) {
          flushBatch();
        }
      }
      return;
    }
    if (!queue.offer(new Packet[] {p})) {
      queueDropped.increment();
      long now = clock.getAsLong();
      synchronized (intakeLog) {
        if (now - lastDropReport >= 1000) {
          lastDropReport = now;
          intakeLog.emit(Event.plain(now, Event.Type.ERROR, "queue-full",
              queueDropped.sum() + " packets dropped so far: workers cannot keep up"));
        }
      }
    }
  }

  /** Hands an offline capture's partial batch to the workers, waiting for queue space. */
  private synchronized void flushBatch() {
    if (batchSize == 0) {
      return;
    }
    Packet[] full = batchSize == batch.length ? batch : java.util.Arrays.copyOf(batch, batchSize);
    batch = new Packet[batch.length];
    batchSize = 0;
    try {
      queue.put(full);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Lets the workers finish the queue, stops them, and flushes their events. */
  public void finish() throws InterruptedException {
    flushBatch();
    finished = true;
    for (int i = 0; i < workers.size(); i++) {
      queue.put(POISON);
    }
    for (Thread t : workers) {
      t.join();
    }
    synchronized (intakeLog) {
      intakeLog.flush();
    }
  }

  public Stats stats() {
    Map<String, Long> ign = new TreeMap<>();
    for (int i = 1; i < ignored.length; i++) {
      long v = ignored[i].sum();
      if (v > 0) {
        ign.put(Prefilter.NAMES[i], v);
      }
    }
    Map<String, Long> den = new TreeMap<>();
    denied.forEach((k, v) -> den.put(k, v.sum()));
    return new Stats(received.get(), ign, rateLimited.sum(), queueDropped.sum(), accepted.sum(), den, replays.sum(),
        guard.size());
  }

  /** One decision thread's state: its digest, buffers and event log. */
  private final class Worker implements Runnable {
    private final EventLog log;
    private final MessageDigest sha256 = Digests.newDigest(DigestType.SHA256);
    private final byte[] digest = new byte[32];
    private boolean[] sourceMatch = new boolean[0];
    private String authDetail;
    private boolean badMessage;
    private String badDetail;
    /** The counter of the last refusal reason: a flood is mostly one reason, so most counts skip the map. */
    private String lastDenyReason;
    private LongAdder lastDenyCount;

    Worker(EventLog log) {
      this.log = log;
    }

    @Override
    public void run() {
      List<Packet[]> batch = new ArrayList<>(LIVE_DRAIN);
      // an offline batch is already large: taking one at a time leaves the others to the other workers
      int drain = options.offline() ? 0 : LIVE_DRAIN - 1;
      try {
        while (true) {
          batch.add(queue.take());
          if (drain > 0) {
            queue.drainTo(batch, drain);
          }
          int poisons = 0;
          for (int b = 0; b < batch.size(); b++) {
            Packet[] ps = batch.get(b);
            if (ps == POISON) {
              poisons++;
            } else {
              for (Packet p : ps) {
                processSafely(p);
              }
            }
          }
          batch.clear();
          if (poisons > 0) {
            for (int i = 1; i < poisons; i++) {
              queue.put(POISON);
            }
            break;
          }
          if (queue.isEmpty()) {
            log.flush();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        log.flush();
      }
    }

    private void countDeny(String reason) {
      if (reason != lastDenyReason) {
        lastDenyCount = denied.computeIfAbsent(reason, k -> new LongAdder());
        lastDenyReason = reason;
      }
      lastDenyCount.increment();
    }

    private void processSafely(Packet p) {
      try {
        process(p);
      } catch (RuntimeException e) {
        countDeny(Reasons.ERROR);
        log.emit(event(p, Event.Type.ERROR, clock.getAsLong(), null, null, null, Reasons.ERROR,
            "internal error: " + e));
      }
    }

    private void process(Packet p) {
      DecisionChain c = chain;
      Stanza[] stanzas = c.policy().stanzaArray();
      long now = clock.getAsLong();
      if (!matchSources(stanzas, p.src())) {
        deny(p, now, null, null, null, Reasons.SOURCE, "no access stanza's SOURCE matches");
        return;
      }
      byte[] payload = p.payload();
      long nowSec = Math.floorDiv(now, 1000);
      boolean destinationMatched = false;
      boolean recorded = false;
      long seq = 0;
      Decision.Deny firstDeny = null;
      Stanza denyStanza = null;
      SpaMessage denyMessage = null;
      List<Stanza> expired = null;
      authDetail = null;
      badMessage = false;
      badDetail = null;
      for (int i = 0; i < stanzas.length; i++) {
        if (!sourceMatch[i]) {
          continue;
        }
        Stanza s = stanzas[i];
        if (!s.destination().isAny() && !s.destination().matches(p.dst())) {
          continue;
        }
        destinationMatched = true;
        if (s.expired(nowSec)) {
          if (expired == null) {
            expired = new ArrayList<>(2);
          }
          expired.add(s);
          continue;
        }
        SpaMessage m = authenticate(s, payload);
        if (m == null) {
          continue;
        }
        if (!recorded) {
          // Only a packet that authenticates can be a replay (only such packets are recorded), so the digest
          // and the cache are left alone until one does: a flood of forged packets never touches them.
          sha256.update(payload);
          try {
            sha256.digest(digest, 0, 32);
          } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
          }
          switch (guard.firstSeen(digest, p, nowSec)) {
            case ReplayGuard.Again again -> {
              replay(p, now, again.firstSecond());
              return;
            }
            case ReplayGuard.First first -> seq = first.sequence();
          }
          recorded = true;
        }
        Decision d = c.decide(s, p, m, now);
        if (d instanceof Decision.Deny deny) {
          if (firstDeny == null) {
            firstDeny = deny;
            denyStanza = s;
            denyMessage = m;
          }
          continue;
        }
        accept(p, now, s, m, d, seq);
        return;
      }
      if (!destinationMatched) {
        deny(p, now, null, null, null, Reasons.SOURCE, "no access stanza's SOURCE and DESTINATION match");
      } else if (firstDeny != null) {
        deny(p, now, denyStanza, denyMessage, null, firstDeny.reason(), firstDeny.detail());
      } else if (expired != null && authenticatesAny(expired, payload)) {
        Stanza s = expired.get(0);
        deny(p, now, s, null, null, Reasons.STANZA_EXPIRED, "the stanza's ACCESS_EXPIRE has passed");
      } else if (badMessage) {
        deny(p, now, null, null, null, Reasons.BAD_MESSAGE, badDetail);
      } else {
        deny(p, now, null, null, null, Reasons.AUTH,
            authDetail != null ? authDetail : "no matching stanza's keys verify and decrypt the packet");
      }
    }

    private boolean matchSources(Stanza[] stanzas, InetAddress src) {
      if (sourceMatch.length != stanzas.length) {
        sourceMatch = new boolean[stanzas.length];
      }
      boolean any = false;
      if (src instanceof Inet4Address v4) {
        int ip = IpList.v4(v4);
        for (int i = 0; i < stanzas.length; i++) {
          any |= sourceMatch[i] = stanzas[i].source().matchesV4(ip);
        }
      } else {
        for (int i = 0; i < stanzas.length; i++) {
          any |= sourceMatch[i] = stanzas[i].source().matches(src);
        }
      }
      return any;
    }

    /** The message if one of the stanza's ciphers verifies, decrypts and decodes the packet, else null. */
    private SpaMessage authenticate(Stanza s, byte[] wire) {
      List<Decryptor.Keyed> ds = s.decryptors();
      for (int j = 0; j < ds.size(); j++) {
        String plaintext;
        try {
          plaintext = ds.get(j).decrypt(wire, 0, wire.length);
        } catch (SpaException e) {
          if (e.kind() == SpaException.Kind.MESSAGE) {
            badMessage = true;
            badDetail = e.getMessage();
          }
          continue;
        } catch (RuntimeException e) {
          authDetail = s.cipherNames().get(j) + " failed: " + e;
          continue;
        }
        if (plaintext == null) {
          continue;
        }
        try {
          return SpaCodec.decode(plaintext);
        } catch (SpaException e) {
          badMessage = true;
          badDetail = e.getMessage();
        }
      }
      return null;
    }

    private boolean authenticatesAny(List<Stanza> stanzas, byte[] wire) {
      for (Stanza s : stanzas) {
        if (authenticate(s, wire) != null) {
          return true;
        }
      }
      return false;
    }

    private void accept(Packet p, long now, Stanza s, SpaMessage m, Decision d, long seq) {
      accepted.increment();
      Grant g = d instanceof Decision.Open o ? o.grant() : null;
      String allow = g != null ? allowText(m, g) : m.allowIp();
      long timeout = g == null ? -1 : Math.max(0, (g.expires().toEpochMilli() - now) / 1000);
      String command = d instanceof Decision.RunCommand rc ? rc.command()
          : s.cycle() != null ? s.cycle().open() : null;
      log.emit(new Event(now, Event.Type.ACCEPT, p.src(), p.srcPort(), p.dst(), p.dstPort(), p.protocol(), m.user(),
          allow, g == null ? List.of() : g.access(), g == null ? null : g.nat(), timeout, s.name(), null, null,
          command));
      if (!options.testMode()) {
        actuator.submit(new Action(d, s, p, m, seq, now));
      }
    }

    private String allowText(SpaMessage m, Grant g) {
      String a = m.allowIp();
      return a.equals("0.0.0.0") ? g.source().getHostAddress() : a;
    }

    private void replay(Packet p, long now, long firstSeen) {
      replays.increment();
      countDeny(Reasons.REPLAY);
      log.emit(event(p, Event.Type.REPLAY, now, null, null, null, Reasons.REPLAY,
          "packet already seen (first at " + java.time.Instant.ofEpochSecond(firstSeen) + ")"));
    }

    private void deny(Packet p, long now, Stanza s, SpaMessage m, List<ProtoPort> access, String reason,
        String detail) {
      countDeny(reason);
      String user = m == null ? null : m.user();
      String allow = m == null ? null : m.allowIp();
      List<ProtoPort> acc = access;
      if (acc == null && m != null && !m.type().isCommand()) {
        acc = m.access();
      }
      log.emit(event(p, Event.Type.DENY, now, user, allow, acc, reason, detail, s == null ? null : s.name(),
          m != null && m.type().isCommand() ? m.command() : null));
    }

    private Event event(Packet p, Event.Type type, long now, String user, String allow, List<ProtoPort> access,
        String reason, String detail) {
      return event(p, type, now, user, allow, access, reason, detail, null, null);
    }

    private Event event(Packet p, Event.Type type, long now, String user, String allow, List<ProtoPort> access,
        String reason, String detail, String stanza, String command) {
      return new Event(now, type, p.src(), p.srcPort(), p.dst(), p.dstPort(), p.protocol(), user, allow, access, null,
          -1, stanza, reason, detail, command);
    }
  }
}
