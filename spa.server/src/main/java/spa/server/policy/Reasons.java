package spa.server.policy;

/** The stable reason codes of refusals, as they appear in events and logs. */
public final class Reasons {
  private Reasons() {}

  /** No stanza's SOURCE (and DESTINATION) matches the packet's addresses. */
  public static final String SOURCE = "source";
  /** The packet (SHA-256 of its payload) was seen before. */
  public static final String REPLAY = "replay";
  /** The shared replay store did not answer and REDIS_FAULT is closed: an authenticated packet is refused. */
  public static final String REPLAY_STORE = "replay-store";
  /** No matching stanza's keys verify and decrypt the packet. */
  public static final String AUTH = "auth";
  /** The packet decrypted but is not a valid SPA message. */
  public static final String BAD_MESSAGE = "bad-message";
  /** The only stanza whose keys fit has passed its ACCESS_EXPIRE date. */
  public static final String STANZA_EXPIRED = "stanza-expired";
  /** The timestamp is outside the MAX_SPA_PACKET_AGE window. */
  public static final String AGE = "age";
  /** The allow IP is 0.0.0.0 but the stanza has REQUIRE_SOURCE_ADDRESS. */
  public static final String ALLOW_IP = "allow-ip";
  /** The username differs from REQUIRE_USERNAME. */
  public static final String USER = "user";
  /** A NAT request while forwarding (or local NAT) is disabled. */
  public static final String NAT_DISABLED = "nat-disabled";
  /** The NAT target host cannot be used (not an address, or not resolvable). */
  public static final String NAT_HOST = "nat-host";
  /** A command message for a stanza without ENABLE_CMD_EXEC. */
  public static final String CMD_DISABLED = "cmd-disabled";
  /** A requested port is in RESTRICT_PORTS or not in OPEN_PORTS. */
  public static final String PORT = "port";
  /** A further authorizer refused. */
  public static final String POLICY = "policy";
  /** Over a rate: the stanza and source's SPA_RATE_LIMIT, or the global SPA_DECRYPT_LIMIT. */
  public static final String RATE = "rate";
  /** spad could not process the packet. */
  public static final String ERROR = "error";
}
