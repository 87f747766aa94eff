package spa.server.engine;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import spa.core.Decision;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.Packet;
import spa.core.ProtoPort;
import spa.core.SpaMessage;
import spa.server.event.Event;
import spa.server.event.EventLog;
import spa.server.policy.Reasons;
import spa.server.policy.Stanza;

/**
 * Turns one worker's outcomes into counts, events and actions: one event per authenticated packet, refusals
 * of the others tallied per reason and source (or one event each when so configured), accepted decisions
 * handed to the actuator. Not thread-safe: each worker has its own.
 */
final class Reporter {
  private final EventLog log;
  private final Counts counts;
  private final DenyTally tally;
  private final Actuator actuator;
  /** The counter of the last refusal reason: a flood is mostly one reason, so most counts skip the map. */
  private String lastReason;
  private LongAdder lastCount;

  /**
   * @param tally where refusals of unauthenticated packets go, or null to report each one
   * @param actuator what acts on accepted decisions, or null (test mode)
   */
  Reporter(EventLog log, Counts counts, DenyTally tally, Actuator actuator) {
    this.log = log;
    this.counts = counts;
    this.tally = tally;
    this.actuator = actuator;
  }

  void report(Packet p, long now, Outcome o) {
    switch (o) {
      case Outcome.Accepted a -> accept(p, now, a);
      case Outcome.Denied d -> deny(p, now, d);
      case Outcome.Replayed r -> {
        counts.replays.increment();
        count(Reasons.REPLAY);
        log.emit(Event.builder(Event.Type.REPLAY, now).packet(p).reason(Reasons.REPLAY)
            .detail(r.firstSeen() < 0 ? "packet already seen (by the shared replay store)"
                : "packet already seen (first at " + java.time.Instant.ofEpochSecond(r.firstSeen()) + ")").build());
      }
      case Outcome.Unauthenticated u -> {
        count(u.reason());
        if (tally != null) {
          tally.add(u.reason(), p.src(), u.detail());
        } else {
          log.emit(Event.builder(Event.Type.DENY, now).packet(p).reason(u.reason()).detail(u.detail()).build());
        }
      }
    }
  }

  /** Reports a packet whose processing failed. */
  void failed(Packet p, long now, RuntimeException e) {
    count(Reasons.ERROR);
    log.emit(Event.builder(Event.Type.ERROR, now).packet(p).reason(Reasons.ERROR).detail("internal error: " + e)
        .build());
  }

  void flush() {
    log.flush();
  }

  private void count(String reason) {
    if (reason != lastReason) {
      lastCount = counts.denied(reason);
      lastReason = reason;
    }
    lastCount.increment();
  }

  private void accept(Packet p, long now, Outcome.Accepted a) {
    counts.accepted.increment();
    Decision d = a.decision();
    SpaMessage m = a.message();
    Stanza s = a.stanza();
    Grant g = d instanceof Decision.Open o ? o.grant() : null;
    String allow = g != null ? IpAddresses.text(g.source()) : m.allowIp();
    String command = d instanceof Decision.RunCommand rc ? rc.command() : s.cycle() != null ? s.cycle().open() : null;
    log.emit(Event.builder(Event.Type.ACCEPT, now).packet(p).user(m.user()).allow(allow)
        .access(g == null ? List.of() : g.access()).nat(g == null ? null : g.nat())
        .timeout(g == null ? -1 : Math.max(0, (g.expires().toEpochMilli() - now) / 1000)).stanza(s.name())
        .command(command).signer(a.signer()).build());
    if (actuator != null) {
      actuator.submit(new Action(d, s, p, m, a.replaySeq(), now));
    }
  }

  private void deny(Packet p, long now, Outcome.Denied d) {
    count(d.reason());
    SpaMessage m = d.message();
    Event.Builder e = Event.builder(Event.Type.DENY, now).packet(p).reason(d.reason()).detail(d.detail())
        .stanza(d.stanza() == null ? null : d.stanza().name());
    if (m != null) {
      List<ProtoPort> access = m.type().isCommand() ? null : m.access();
      e.user(m.user()).allow(m.allowIp()).access(access).command(m.type().isCommand() ? m.command() : null);
    }
    log.emit(e.build());
  }
}
