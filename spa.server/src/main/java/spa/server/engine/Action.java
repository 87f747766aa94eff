package spa.server.engine;

import spa.core.Decision;
import spa.core.Packet;
import spa.core.SpaMessage;
import spa.server.policy.Stanza;

/**
 * An accepted decision on its way to the act step.
 *
 * @param decision an {@link Decision.Open} or {@link Decision.RunCommand}
 * @param stanza the stanza that authenticated the packet
 * @param packet the packet
 * @param message its message
 * @param replaySeq the replay record that must be durable before anything is done (0: none)
 * @param timeMillis when the decision was made
 */
public record Action(Decision decision, Stanza stanza, Packet packet, SpaMessage message, long replaySeq,
    long timeMillis) {}
