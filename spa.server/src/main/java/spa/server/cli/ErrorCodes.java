package spa.server.cli;

import java.util.List;
import spa.server.policy.Reasons;

/**
 * {@code --dump-serv-err-codes}: spad's refusal reasons (texts without quotes, so that each line reads as fwknopd's) in the shape of fwknopd's listing ({@code err code: N, err
 * string: '...'}), each with the number fwknopd gives the same refusal, so that scripts reading fwknopd's codes can
 * map spad's events. spad itself logs the reason, never the number.
 */
final class ErrorCodes {
  private ErrorCodes() {}

  /** A reason, fwknopd's code for the same refusal, and what it means. */
  private record Code(int number, String reason, String meaning) {}

  /** fwknopd's numbers: 0x1000 and up for packet processing, 0x2000 and up for the firewall. */
  private static final List<Code> CODES = List.of(
      new Code(0x1000, "prefix", "the payload carries a prefix no SPA packet has (U2FsdGVkX1, or hQ beyond 400 characters)"),
      new Code(0x1001, "too-short", "the payload is under 140 bytes (counted, no event)"),
      new Code(0x1002, "not-base64", "the payload is not base64"),
      new Code(0x1003, "http", "an HTTP request without SPA in it"),
      new Code(0x1006, "replay-cache", "the replay cache file could not be written"),
      new Code(0x1007, Reasons.REPLAY, "the packet was seen before"),
      new Code(0x1006, Reasons.REPLAY_STORE, "the shared replay store (REPLAY_STORE) did not answer (REDIS_FAULT closed)"),
      new Code(0x1008, Reasons.AGE, "the timestamp is outside MAX_SPA_PACKET_AGE"),
      new Code(0x1009, Reasons.SOURCE, "the packet addresses match the SOURCE (and DESTINATION) of no stanza"),
      new Code(0x100d, Reasons.AUTH, "the keys of no matching stanza verify and decrypt the packet"),
      new Code(0x1009, Reasons.STANZA_EXPIRED, "the stanza whose keys fit has passed its ACCESS_EXPIRE date"),
      new Code(0x1009, Reasons.ALLOW_IP, "allow IP 0.0.0.0 for a stanza with REQUIRE_SOURCE_ADDRESS"),
      new Code(0x1009, Reasons.USER, "the username differs from REQUIRE_USERNAME"),
      new Code(0x1009, Reasons.PORT, "a requested port is in RESTRICT_PORTS or not in OPEN_PORTS"),
      new Code(0x1009, Reasons.POLICY, "a further authorizer refused"),
      new Code(0x1009, Reasons.RATE, "over SPA_RATE_LIMIT or SPA_DECRYPT_LIMIT"),
      new Code(0x1009, Reasons.CMD_DISABLED, "a command message for a stanza without ENABLE_CMD_EXEC"),
      new Code(0x100b, Reasons.NAT_DISABLED, "a NAT request while forwarding (or local NAT) is off"),
      new Code(0x100b, Reasons.NAT_HOST, "the NAT target cannot be used"),
      new Code(0x100d, Reasons.BAD_MESSAGE, "the packet decrypted but is not a valid SPA message"),
      new Code(0x100d, Reasons.ERROR, "spad could not process the packet"),
      new Code(0x100a, "command-failed", "the command of a command message could not be run"),
      new Code(0x2000, "firewall", "the firewall refused an opening"),
      new Code(0x2002, "late", "the opening would have had too little time left, so it was not made"),
      new Code(0x2002, "firewall-lost", "the table or chains of spa were removed from the firewall; set up again"));

  /** The listing, one line a reason. */
  static String dump() {
    StringBuilder sb = new StringBuilder();
    for (Code c : CODES.stream().sorted(java.util.Comparator.comparingInt(Code::number)).toList()) {
      sb.append("err code: ").append(c.number()).append(", err string: '").append(c.reason()).append(": ")
          .append(c.meaning()).append("'\n");
    }
    return sb.toString();
  }
}
