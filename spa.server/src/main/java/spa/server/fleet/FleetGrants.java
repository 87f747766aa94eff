package spa.server.fleet;

import java.util.ArrayList;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.ProtoPort;
import spa.core.fleet.GrantBus;
import spa.server.event.Event;
import spa.server.event.EventLog;
import spa.server.grant.GrantManager;
import spa.server.policy.Policy;
import spa.server.policy.Stanza;

/**
 * This gateway's part in a fleet's shared openings. Each grant it makes from a packet is published (never one it
 * applied from the fleet: no echoes); each entry another gateway published is authenticated ({@link FleetEntry})
 * and checked against this gateway's own policy before it is applied: the stanza it names exists here, is not
 * expired and opens plain access (no NAT, no commands); the source is within the stanza's SOURCE; every port is
 * one the stanza allows; the expiry is within the stanza's longest timeout of now. So a writer to the bus without
 * the fleet's key opens nothing, and one with it opens no more than a knock to this gateway could. An entry from
 * before its origin's last flush is refused too, so a flush cannot be undone by replaying older entries.
 * Applied grants go through the {@link GrantManager} (journaled, kernel-enforced expiry) until their absolute
 * expiry; one with less than {@link #MIN_LEFT_MILLIS} left is skipped.
 */
public final class FleetGrants implements GrantBus.Receiver, AutoCloseable {
  /** A fleet grant with less time left than this is not applied. */
  static final long MIN_LEFT_MILLIS = 1000;
  /** Allowed clock difference between gateways, on the expiry check. */
  static final long SKEW_MILLIS = 5000;
  private final GrantBus bus;
  private final byte[] key;
  private final String origin;
  private final Supplier<Policy> policy;
  private final GrantManager grants;
  private final EventLog log;
  private final LongSupplier clock;
  private final Consumer<String> warn;
  /** The openings applied from the fleet: the gateway each came from, and until when. */
  private final Map<Opening, Held> fromFleet = new ConcurrentHashMap<>();
  private long prunedAt;
  private final Map<String, Long> flushedAt = new HashMap<>();
  private final AtomicLong unpublished = new AtomicLong();

  public FleetGrants(GrantBus bus, byte[] key, String origin, Supplier<Policy> policy, GrantManager grants,
      EventLog log, LongSupplier clock, Consumer<String> warn) {
    this.bus = bus;
    this.key = key.clone();
    this.origin = origin;
    this.policy = policy;
    this.grants = grants;
    this.log = log;
    this.clock = clock;
    this.warn = warn;
  }

  /** This gateway's fleet id. */
  public String origin() {
    return origin;
  }

  /** What identifies an opening here, expiry aside (as {@link Grant#sameOpening} for plain access). */
  private record Opening(InetAddress source, Set<ProtoPort> access) {
    static Opening of(Grant g) {
      return new Opening(g.source(), Set.copyOf(g.access()));
    }
  }

  private record Held(String origin, long expiresMillis) {}

  /**
   * Publishes a grant made here from a packet; never waits (a full queue drops it, counted and logged). From now
   * on the opening is this gateway's own: another's flush leaves it.
   */
  public void published(Grant g) {
    if (g.nat() != null || g.access().isEmpty()) {
      return; // NAT openings depend on each gateway's own addresses: not shared
    }
    fromFleet.remove(Opening.of(g));
    if (!bus.publish(FleetEntry.grant(origin, clock.getAsLong(), g).encode(key))) {
      long n = unpublished.incrementAndGet();
      if (Long.bitCount(n) == 1) { // 1, 2, 4, ...: a lost bus does not flood the log
        warn.accept("fleet: " + n + " grant(s) not published: the bus is not keeping up (Redis slow or lost)");
      }
    }
  }

  /** Tells the fleet this gateway removed all its openings. */
  public void flushed() {
    bus.publish(FleetEntry.flush(origin, clock.getAsLong()).encode(key));
  }

  @Override
  public void received(List<String> entries) {
    long now = clock.getAsLong();
    if (now - prunedAt > 60_000) {
      prunedAt = now;
      fromFleet.values().removeIf(h -> h.expiresMillis() <= now);
    }
    Policy p = policy.get();
    List<FleetEntry> toOpen = new ArrayList<>();
    for (String text : entries) {
      FleetEntry e;
      try {
        e = FleetEntry.decode(key, text);
      } catch (IllegalArgumentException ex) {
        refuse(null, "fleet entry refused: " + ex.getMessage());
        continue;
      }
      if (e.origin().equals(origin)) {
        continue; // this gateway's own, back from the bus
      }
      if (e.kind() == FleetEntry.Kind.FLUSH) {
        open(toOpen); // in order: what came before the flush is applied, then removed
        toOpen.clear();
        flushedAt.merge(e.origin(), e.issuedMillis(), Math::max);
        revoke(e.origin());
        continue;
      }
      String why = check(e, p, now);
      if (why == null) {
        toOpen.add(e);
      } else if (!why.isEmpty()) {
        refuse(e, "fleet grant from " + e.origin() + " refused: " + why);
      }
    }
    open(toOpen);
  }

  /** Null when {@code e} may be applied; "" when it is simply out of date; else why it is refused. */
  String check(FleetEntry e, Policy p, long now) {
    Grant g = e.grant();
    Long flushed = flushedAt.get(e.origin());
    if (flushed != null && e.issuedMillis() <= flushed) {
      return "published before " + e.origin() + "'s flush";
    }
    long left = g.expires().toEpochMilli() - now;
    if (left < MIN_LEFT_MILLIS) {
      return "";
    }
    Stanza s = p.stanzas().stream().filter(st -> st.name().equals(g.stanza())).findFirst().orElse(null);
    if (s == null) {
      return "no stanza named '" + g.stanza() + "' here";
    }
    if (s.expired(now / 1000)) {
      return "stanza '" + s.name() + "' has expired here";
    }
    if (s.forceNat() != null || s.forwardAll() || s.cycle() != null || s.cmdExec()) {
      return "stanza '" + s.name() + "' does not open plain access here";
    }
    if (!s.source().matches(g.source())) {
      return IpAddresses.text(g.source()) + " is outside stanza '" + s.name() + "''s SOURCE here";
    }
    for (ProtoPort pp : g.access()) {
      if (s.restrictPorts().contains(pp) || s.openPorts() != null && !s.openPorts().contains(pp)) {
        return pp + " is not allowed by stanza '" + s.name() + "' here";
      }
    }
    long longest = Math.max(s.maxTimeout(), s.accessTimeout()) * 1000L;
    if (left > longest + SKEW_MILLIS) {
      return "it lasts longer than stanza '" + s.name() + "' allows here";
    }
    return null;
  }

  private void open(List<FleetEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    List<Grant> batch = entries.stream().map(FleetEntry::grant).toList();
    List<GrantManager.Result> results = grants.openAll(batch);
    for (int i = 0; i < entries.size(); i++) {
      FleetEntry e = entries.get(i);
      GrantManager.Result r = results.get(i);
      if (r.ok()) {
        fromFleet.put(Opening.of(e.grant()), new Held(e.origin(), e.grant().expires().toEpochMilli()));
        emit(event(Event.Type.GRANT, e.grant(), null, "fleet: from " + e.origin() + (r.extended() ? ", extended" : "")));
      } else {
        emit(event(Event.Type.ERROR, e.grant(), "firewall", "fleet grant from " + e.origin() + ": "
            + r.failure().getMessage()));
      }
    }
  }

  private void revoke(String from) {
    List<Grant> theirs = new ArrayList<>();
    fromFleet.entrySet().removeIf(en -> {
      if (en.getValue().origin().equals(from)) {
        Opening o = en.getKey();
        theirs.add(new Grant(o.source(), null, List.copyOf(o.access()), null,
            java.time.Instant.ofEpochMilli(en.getValue().expiresMillis()), "fleet"));
        return true;
      }
      return false;
    });
    if (!theirs.isEmpty()) {
      int n = grants.revoke(theirs);
      warn.accept("fleet: " + from + " flushed its openings; " + n + " applied from it removed here");
    }
  }

  private void refuse(FleetEntry e, String line) {
    warn.accept(line);
    emit(e == null ? Event.plain(clock.getAsLong(), Event.Type.ERROR, "fleet", line)
        : event(Event.Type.ERROR, e.grant(), "fleet", line));
  }

  @Override
  public void lost(String cause) {
    warn.accept("fleet: bus lost (" + cause + "); grants are made here alone until it is back");
    emit(Event.plain(clock.getAsLong(), Event.Type.ERROR, "fleet", "bus lost: " + cause));
  }

  @Override
  public void restored() {
    warn.accept("fleet: bus back; catching up with the grants published meanwhile");
  }

  private Event event(Event.Type type, Grant g, String reason, String detail) {
    Event.Builder b = Event.builder(type, clock.getAsLong()).allow(IpAddresses.text(g.source())).access(g.access())
        .stanza(g.stanza()).timeout(Math.max(0, (g.expires().toEpochMilli() - clock.getAsLong()) / 1000))
        .detail(detail);
    return (reason == null ? b : b.reason(reason)).build();
  }

  private void emit(Event e) {
    synchronized (log) {
      log.emit(e);
    }
  }

  @Override
  public void close() {
    bus.close();
  }
}
