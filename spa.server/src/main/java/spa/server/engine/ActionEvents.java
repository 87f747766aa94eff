package spa.server.engine;

import spa.core.Decision;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.server.event.Event;

/** The event that reports what became of an action: its packet, user, grant and stanza, and the outcome. */
final class ActionEvents {
  private ActionEvents() {}

  static Event of(Action a, Event.Type type, String reason, String detail, long now) {
    Grant g = a.decision() instanceof Decision.Open o ? o.grant() : null;
    return Event.builder(type, now).packet(a.packet()).user(a.message().user())
        .allow(g == null ? a.message().allowIp() : IpAddresses.text(g.source())).access(g == null ? null : g.access())
        .nat(g == null ? null : g.nat())
        .timeout(g == null ? -1 : Math.max(0, (g.expires().toEpochMilli() - a.timeMillis()) / 1000))
        .stanza(a.stanza().name()).reason(reason).detail(detail).build();
  }

  /** The same event naming the command it is about. */
  static Event withCommand(Event e, String command) {
    return Event.builder(e).command(command).build();
  }
}
