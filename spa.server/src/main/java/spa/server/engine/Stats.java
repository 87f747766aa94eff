package spa.server.engine;

import java.util.Map;

/**
 * Counts of what the engine did, for the summary line and status queries.
 *
 * @param received packets handed over by the capture
 * @param ignored packets the prefilter refused, by reason
 * @param queueDropped packets dropped because the queue was full (live captures only)
 * @param captureDropped packets the capture dropped before handing them over (kernel buffer, capture ring)
 * @param accepted accepted decisions
 * @param denied denials, by reason (over a rate: {@code rate})
 * @param replays replayed packets
 * @param replayCacheSize records in the replay cache
 */
public record Stats(long received, Map<String, Long> ignored, long queueDropped, long captureDropped,
    long accepted,
    Map<String, Long> denied, long replays, int replayCacheSize) {

  /** One line for the log. */
  public String summary() {
    return "received=" + received + " ignored=" + ignored + " queue-dropped=" + queueDropped
        + " capture-dropped=" + captureDropped + " accepted="
        + accepted + " denied=" + denied + " replays=" + replays + " replay-cache=" + replayCacheSize;
  }
}
