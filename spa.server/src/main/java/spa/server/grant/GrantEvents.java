package spa.server.grant;

import java.util.function.LongSupplier;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.server.event.Event;
import spa.server.event.EventLog;

/** Turns the grant lifecycle that happens away from any packet (expiry, failures) into events. */
public final class GrantEvents implements GrantManager.Listener, FirewallWatch.Listener {
  private final EventLog log;
  private final String firewall;
  private final LongSupplier clock;

  /**
   * @param log a log used only by this listener, whose calls are serialised by the grant manager, or by the
   *     firewall watch (one listener each)
   */
  public GrantEvents(EventLog log, String firewall, LongSupplier clock) {
    this.log = log;
    this.firewall = firewall;
    this.clock = clock;
  }

  @Override
  public void expired(Grant grant) {
    log.emit(event(Event.Type.EXPIRE, grant, null, firewall));
  }

  @Override
  public void failed(String operation, Grant grant, Exception cause) {
    log.emit(event(Event.Type.ERROR, grant, "firewall", firewall + " " + operation + ": " + cause.getMessage()));
  }

  @Override
  public void firewallLost(int reopened, Exception repairFailure) {
    String what = firewall + ": spa's table, chains or rules were removed from the firewall";
    log.emit(Event.builder(Event.Type.ERROR, clock.getAsLong()).reason("firewall-lost")
        .detail(repairFailure == null ? what + "; set up again, " + reopened + " valid grants re-opened"
            : what + "; cannot set them up again: " + repairFailure.getMessage()).build());
  }

  private Event event(Event.Type type, Grant g, String reason, String detail) {
    // no packet is involved: the packet fields stay empty, the address let in is "allow"
    return Event.builder(type, clock.getAsLong()).allow(IpAddresses.text(g.source())).access(g.access()).nat(g.nat())
        .stanza(g.stanza()).reason(reason).detail(detail).build();
  }
}
