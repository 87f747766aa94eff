package spa.core.spi;

import java.time.Instant;
import spa.core.Decision;
import spa.core.Packet;
import spa.core.Settings;
import spa.core.SpaMessage;

/**
 * Decides what an authenticated SPA message may do. The engine's default one applies fwknop's
 * access-stanza rules; further authorizers add policy and can only narrow a decision.
 */
public interface Authorizer {

  String name();

  /** A decision for one authenticated message, matched to one stanza. */
  Decision authorize(Request request);

  /**
   * What is being decided.
   *
   * @param packet the packet as captured
   * @param message the decrypted, decoded message
   * @param stanza name of the access stanza whose keys authenticated it
   * @param stanzaSettings that stanza's settings
   * @param proposed the decision of the authorizers before this one (the default one's for the first extra)
   * @param now the decision time
   */
  record Request(Packet packet, SpaMessage message, String stanza, Settings stanzaSettings, Decision proposed,
      Instant now) {}
}
