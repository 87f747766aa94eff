package spa.server.engine;

import spa.core.Decision;
import spa.core.SpaMessage;
import spa.server.policy.Stanza;

/** What the packet path decided for one packet. */
sealed interface Outcome {

  /**
   * An accepted decision, to act on.
   *
   * @param decision an {@link Decision.Open} or {@link Decision.RunCommand}
   * @param replaySeq the replay record that must be durable before anything is done (0: none)
   * @param signer the fingerprint of the key that signed the packet (GnuPG), or null
   */
  record Accepted(Stanza stanza, SpaMessage message, Decision decision, long replaySeq, String signer)
      implements Outcome {}

  /**
   * A refusal of a packet whose keys fit: reported one by one.
   *
   * @param message the message, or null (an expired stanza's packet is not decoded for the event)
   */
  record Denied(String reason, String detail, Stanza stanza, SpaMessage message) implements Outcome {}

  /** An authenticated packet seen before, first at {@code firstSeen} (unix seconds). */
  record Replayed(long firstSeen) implements Outcome {}

  /** A refusal of a packet that did not authenticate (source, auth, bad-message, rate): tallied per source. */
  record Unauthenticated(String reason, String detail) implements Outcome {}
}
