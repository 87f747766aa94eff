package spa.server.engine;

import java.util.List;
import spa.core.SpaException;
import spa.core.codec.SpaCodec;
import spa.core.spi.Decryptor;
import spa.server.policy.Reasons;
import spa.server.policy.Stanza;

/**
 * Tries a stanza's keys on a packet, each attempt taken from the global decrypt budget when there is one.
 * Thread-safe (keeps no state of its own).
 */
final class KeyTrial {
  static final Authentication.Refused NO_FIT = new Authentication.Refused(Reasons.AUTH, null);
  private final DecryptBudget budget;
  private final Authentication.Refused overBudget;

  /** @param budget decrypt attempts for all sources together, or null (no limit) */
  KeyTrial(DecryptBudget budget, double perSecond) {
    this.budget = budget;
    this.overBudget = new Authentication.Refused(Reasons.RATE,
        "over SPA_DECRYPT_LIMIT (" + perSecond + " decrypt attempts per second, all sources together)");
  }

  /** The message if one of the stanza's ciphers verifies, decrypts and decodes the packet; else why not. */
  Authentication attempt(Stanza s, byte[] wire) {
    List<Decryptor.Keyed> ds = s.decryptors();
    Authentication result = NO_FIT;
    for (int j = 0; j < ds.size(); j++) {
      if (budget != null && !budget.take()) {
        return result instanceof Authentication.BadMessage ? result : overBudget;
      }
      Decryptor.Opened opened;
      try {
        opened = ds.get(j).open(wire, 0, wire.length);
      } catch (SpaException e) {
        if (e.kind() == SpaException.Kind.MESSAGE) {
          result = new Authentication.BadMessage(e.getMessage());
        } else if (e.kind() == SpaException.Kind.REFUSED && !(result instanceof Authentication.BadMessage)) {
          result = new Authentication.Refused(e.code(), e.getMessage());
        }
        continue;
      } catch (RuntimeException e) {
        if (!(result instanceof Authentication.BadMessage)) {
          result = new Authentication.Refused(Reasons.AUTH, s.cipherNames().get(j) + " failed: " + e);
        }
        continue;
      }
      if (opened == null) {
        continue;
      }
      try {
        return new Authentication.Authenticated(SpaCodec.decode(opened.text()), opened.signer());
      } catch (SpaException e) {
        result = new Authentication.BadMessage(e.getMessage());
      }
    }
    return result;
  }

  /**
   * Of two failures, the one to report: a bad message (a key fit) before a spent budget (not every key was
   * tried) before a cipher's failure before no fit at all.
   */
  static Authentication worse(Authentication a, Authentication b) {
    return rank(b) > rank(a) ? b : a;
  }

  private static int rank(Authentication a) {
    return switch (a) {
      case null -> -1;
      case Authentication.Authenticated ok -> 4;
      case Authentication.BadMessage bad -> 3;
      case Authentication.Refused r when r.reason().equals(Reasons.RATE) -> 2;
      case Authentication.Refused r when r.detail() != null -> 1;
      case Authentication.Refused r -> 0;
    };
  }
}
