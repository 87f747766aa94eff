package spa.server.engine;

import java.time.Instant;
import java.util.List;
import spa.core.Decision;
import spa.core.Grant;
import spa.core.Packet;
import spa.core.SpaMessage;
import spa.core.spi.Authorizer;
import spa.server.policy.DefaultAuthorizer;
import spa.server.policy.Policy;
import spa.server.policy.Reasons;
import spa.server.policy.Stanza;

/**
 * A compiled policy with its authorizers: the default one decides, further ones (plugins named in
 * {@code AUTHORIZERS}) may only narrow: refuse, shorten, or drop ports, never widen.
 */
public final class DecisionChain {
  private final Policy policy;
  private final DefaultAuthorizer first;
  private final List<Authorizer> extras;

  public DecisionChain(Policy policy, DefaultAuthorizer first, List<Authorizer> extras) {
    this.policy = policy;
    this.first = first;
    this.extras = List.copyOf(extras);
  }

  public Policy policy() {
    return policy;
  }

  public List<Authorizer> extras() {
    return extras;
  }

  public Decision decide(Stanza s, Packet p, SpaMessage m, long nowMillis) {
    Decision d = first.decide(s, p, m, nowMillis);
    if (extras.isEmpty()) {
      return d;
    }
    Instant now = Instant.ofEpochMilli(nowMillis);
    for (Authorizer a : extras) {
      if (d instanceof Decision.Deny) {
        return d;
      }
      Decision next;
      try {
        next = a.authorize(new Authorizer.Request(p, m, s.name(), s.settings(), d, now));
      } catch (RuntimeException e) {
        return new Decision.Deny(Reasons.ERROR, "authorizer " + a.name() + " failed: " + e);
      }
      if (next == null) {
        return new Decision.Deny(Reasons.ERROR, "authorizer " + a.name() + " returned no decision");
      }
      if (next instanceof Decision.Deny deny) {
        String reason = deny.reason() == null || deny.reason().isBlank() ? Reasons.POLICY : deny.reason();
        return new Decision.Deny(reason, a.name() + ": " + deny.detail());
      }
      if (!narrows(d, next)) {
        return new Decision.Deny(Reasons.POLICY, "authorizer " + a.name() + " tried to widen the decision");
      }
      d = next;
    }
    return d;
  }

  /** True when {@code next} allows no more than {@code prev}. */
  static boolean narrows(Decision prev, Decision next) {
    if (prev instanceof Decision.Open po && next instanceof Decision.Open no) {
      Grant a = po.grant();
      Grant b = no.grant();
      return a.source().equals(b.source()) && java.util.Objects.equals(a.destination(), b.destination())
          && a.access().containsAll(b.access()) && java.util.Objects.equals(a.nat(), b.nat())
          && !b.expires().isAfter(a.expires()) && a.stanza().equals(b.stanza());
    }
    return prev.equals(next);
  }
}
