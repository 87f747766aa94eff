package spa.core;

import java.util.List;

/**
 * One SPA message as it travels inside the encryption: fwknop 2.6's plaintext fields, decoded.
 *
 * @param random 16 decimal digits of client randomness
 * @param user the username the client claims
 * @param timestamp client time in unix seconds
 * @param version protocol version string ({@code 3.0.0}; older clients send others, all accepted)
 * @param type the message type, which decides which optional fields exist
 * @param message {@code allow_ip,proto/port[,...]} or, for a command, {@code allow_ip,command}
 * @param natAccess {@code host,port} for NAT types, else null
 * @param serverAuth the unused server_auth field when a client sent one, else null
 * @param clientTimeout requested timeout in seconds for the timeout types, else 0
 * @param digestType the digest that protects the message
 */
public record SpaMessage(
    String random,
    String user,
    long timestamp,
    String version,
    MessageType type,
    String message,
    String natAccess,
    String serverAuth,
    int clientTimeout,
    DigestType digestType) {

  /** The protocol version spa sends. */
  public static final String PROTOCOL_VERSION = "3.0.0";

  /** The IP the client asks to be opened for ({@code 0.0.0.0} means "the packet's source"). */
  public String allowIp() {
    int comma = message.indexOf(',');
    return comma < 0 ? message : message.substring(0, comma);
  }

  /**
   * {@link #allowIp()} as an unsigned 32-bit value (first octet highest; 0 for {@code 0.0.0.0}), or -1 when it is not
   * a dotted quad as {@link spa.core.codec.SpaFields#isIpv4} accepts it; read in place, for the packet path.
   */
  public long allowIpv4() {
    int comma = message.indexOf(',');
    return spa.core.codec.SpaFields.ipv4(message, 0, comma < 0 ? message.length() : comma);
  }

  /** The requested proto/port list of an access message (empty for commands). */
  public List<ProtoPort> access() {
    if (type.isCommand()) {
      return List.of();
    }
    return ProtoPort.parseList(message.substring(message.indexOf(',') + 1), 1);
  }

  /** The command of a command message, else null. */
  public String command() {
    return type.isCommand() ? message.substring(message.indexOf(',') + 1) : null;
  }

  /** NAT target host (before the comma of nat_access), or null. */
  public String natHost() {
    return natAccess == null ? null : natAccess.substring(0, natAccess.indexOf(','));
  }

  /** NAT target port, or 0. */
  public int natPort() {
    return natAccess == null ? 0 : Integer.parseInt(natAccess.substring(natAccess.indexOf(',') + 1));
  }

  /** A builder with spa's defaults: access type, SHA-256 digest, version 3.0.0. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds messages on the client side. */
  public static final class Builder {
    private String random;
    private String user = "NO_USER";
    private long timestamp;
    private String version = PROTOCOL_VERSION;
    private MessageType type = MessageType.ACCESS;
    private String message;
    private String natAccess;
    private String serverAuth;
    private int clientTimeout;
    private DigestType digestType = DigestType.SHA256;

    private Builder() {}

    public Builder random(String v) {
      this.random = v;
      return this;
    }

    public Builder user(String v) {
      this.user = v;
      return this;
    }

    public Builder timestamp(long v) {
      this.timestamp = v;
      return this;
    }

    public Builder version(String v) {
      this.version = v;
      return this;
    }

    public Builder type(MessageType v) {
      this.type = v;
      return this;
    }

    public Builder message(String v) {
      this.message = v;
      return this;
    }

    /** Sets an access message {@code allowIp,access}. */
    public Builder access(String allowIp, String access) {
      this.message = allowIp + "," + access;
      return this;
    }

    public Builder natAccess(String v) {
      this.natAccess = v;
      return this;
    }

    public Builder serverAuth(String v) {
      this.serverAuth = v;
      return this;
    }

    public Builder clientTimeout(int v) {
      this.clientTimeout = v;
      return this;
    }

    public Builder digestType(DigestType v) {
      this.digestType = v;
      return this;
    }

    /** The message; the type is promoted or demoted by the client timeout as fwknop does. */
    public SpaMessage build() {
      MessageType t = type.withClientTimeout(clientTimeout > 0);
      return new SpaMessage(random, user, timestamp, version, t, message, natAccess, serverAuth,
          t.hasClientTimeout() ? clientTimeout : 0, digestType);
    }
  }
}
