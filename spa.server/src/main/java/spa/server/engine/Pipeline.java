package spa.server.engine;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import spa.core.Decision;
import spa.core.DigestType;
import spa.core.Packet;
import spa.core.SpaMessage;
import spa.core.codec.Digests;
import spa.server.policy.IpList;
import spa.server.policy.Reasons;
import spa.server.replay.ReplayGuard;
import spa.server.policy.Stanza;

/**
 * One worker's decision on one packet: match sources, try each matching stanza's keys, check and record the
 * replay key of a packet that authenticates (before any effect), take its stanza and source's rate, and
 * decide. Not thread-safe: each worker has its own (digest and buffers).
 */
final class Pipeline {
  private final ReplayGuard guard;
  private final KeyTrial keys;
  private final RateLimiter rate;
  private final String overRate;
  private final MessageDigest sha256 = Digests.newDigest(DigestType.SHA256);
  private final byte[] digest = new byte[32];
  private boolean[] sourceMatch = new boolean[0];

  /**
   * @param store where replay records are persisted, or null
   * @param rate authenticated packets per stanza and source, or null (no limit)
   */
  Pipeline(ReplayGuard guard, KeyTrial keys, RateLimiter rate, double ratePerSecond) {
    this.guard = guard;
    this.keys = keys;
    this.rate = rate;
    this.overRate = "over SPA_RATE_LIMIT (" + ratePerSecond + " authenticated packets per second for this stanza "
        + "and source)";
  }

  Outcome process(DecisionChain c, Packet p, long now) {
    Stanza[] stanzas = c.policy().stanzaArray();
    if (!matchSources(stanzas, p.src())) {
      return new Outcome.Unauthenticated(Reasons.SOURCE, "no access stanza's SOURCE matches");
    }
    byte[] payload = p.payload();
    long nowSec = Math.floorDiv(now, 1000);
    boolean destinationMatched = false;
    long seq = -1;
    Outcome.Denied firstDeny = null;
    Authentication failure = null;
    List<Stanza> expired = null;
    for (int i = 0; i < stanzas.length; i++) {
      Stanza s = stanzas[i];
      if (!sourceMatch[i] || !s.destination().isAny() && !s.destination().matches(p.dst())) {
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
      Authentication a = keys.attempt(s, payload);
      if (!(a instanceof Authentication.Authenticated ok)) {
        failure = KeyTrial.worse(failure, a);
        continue;
      }
      SpaMessage m = ok.message();
      if (seq < 0) {
        // Only a packet that authenticates can be a replay (only such packets are recorded), so the digest
        // and the cache are left alone until one does: a flood of forged packets never touches them.
        switch (record(p, nowSec)) {
          case ReplayGuard.Again again -> {
            return new Outcome.Replayed(again.firstSecond());
          }
          case ReplayGuard.First first -> seq = first.sequence();
          case ReplayGuard.Unavailable u -> {
            return new Outcome.Denied(Reasons.REPLAY_STORE, u.detail(), s, m);
          }
        }
      }
      String over = overRate(s, p, now);
      Decision d = over == null ? c.decide(s, p, m, now) : new Decision.Deny(Reasons.RATE, over);
      if (d instanceof Decision.Deny deny) {
        if (firstDeny == null) {
          firstDeny = new Outcome.Denied(deny.reason(), deny.detail(), s, m);
        }
        continue;
      }
      return new Outcome.Accepted(s, m, d, seq, ok.signer());
    }
    if (!destinationMatched) {
      return new Outcome.Unauthenticated(Reasons.SOURCE, "no access stanza's SOURCE and DESTINATION match");
    }
    if (firstDeny != null) {
      return firstDeny;
    }
    if (expired != null && authenticatesAny(expired, payload)) {
      return new Outcome.Denied(Reasons.STANZA_EXPIRED, "the stanza's ACCESS_EXPIRE has passed", expired.get(0),
          null);
    }
    return switch (failure) {
      case Authentication.BadMessage b -> new Outcome.Unauthenticated(Reasons.BAD_MESSAGE, b.detail());
      case Authentication.Refused r -> new Outcome.Unauthenticated(r.reason(),
          r.detail() != null ? r.detail() : "no matching stanza's keys verify and decrypt the packet");
      case null, default -> new Outcome.Unauthenticated(Reasons.AUTH,
          "no matching stanza's keys verify and decrypt the packet");
    };
  }

  /** Takes the packet's token from its stanza and source's bucket: null, or why the packet is over the rate. */
  private String overRate(Stanza s, Packet p, long now) {
    if (rate == null) {
      return null;
    }
    return switch (rate.take(s.name(), p.src(), now)) {
      case ALLOW -> null;
      case OVER -> overRate;
      case FULL -> "rate table full: every tracked stanza and source is active; refused rather than reset one";
    };
  }

  /** Checks and records the packet's replay key. */
  private ReplayGuard.Seen record(Packet p, long nowSec) {
    sha256.update(p.payload());
    try {
      sha256.digest(digest, 0, 32);
    } catch (DigestException e) {
      throw new IllegalStateException(e);
    }
    return guard.firstSeen(digest, p, nowSec);
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

  private boolean authenticatesAny(List<Stanza> stanzas, byte[] wire) {
    for (Stanza s : stanzas) {
      if (keys.attempt(s, wire) instanceof Authentication.Authenticated) {
        return true;
      }
    }
    return false;
  }
}
