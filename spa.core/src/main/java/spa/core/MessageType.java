package spa.core;

/** The seven SPA message types ({@code fko_message_type_t}) and which optional fields each carries. */
public enum MessageType {
  COMMAND(0, false, false, false),
  ACCESS(1, false, false, false),
  NAT_ACCESS(2, true, false, false),
  CLIENT_TIMEOUT_ACCESS(3, false, true, false),
  CLIENT_TIMEOUT_NAT_ACCESS(4, true, true, false),
  LOCAL_NAT_ACCESS(5, true, false, true),
  CLIENT_TIMEOUT_LOCAL_NAT_ACCESS(6, true, true, true);

  private static final MessageType[] BY_CODE = values();

  private final int code;
  private final boolean nat;
  private final boolean timeout;
  private final boolean localNat;

  MessageType(int code, boolean nat, boolean timeout, boolean localNat) {
    this.code = code;
    this.nat = nat;
    this.timeout = timeout;
    this.localNat = localNat;
  }

  public int code() {
    return code;
  }

  /** Carries a nat_access field. */
  public boolean hasNat() {
    return nat;
  }

  /** Carries a client_timeout field. */
  public boolean hasClientTimeout() {
    return timeout;
  }

  public boolean isLocalNat() {
    return localNat;
  }

  public boolean isCommand() {
    return this == COMMAND;
  }

  /** The type for a code 0..6. */
  public static MessageType ofCode(int code) {
    if (code < 0 || code >= BY_CODE.length) {
      throw new IllegalArgumentException("message type code " + code);
    }
    return BY_CODE[code];
  }

  /**
   * The type a request of this kind has with the given client timeout: fwknop promotes 1, 2, 5 to
   * 3, 4, 6 when the timeout is positive and demotes them back when it is zero. Commands never carry one.
   */
  public MessageType withClientTimeout(boolean positive) {
    return switch (this) {
      case COMMAND -> COMMAND;
      case ACCESS, CLIENT_TIMEOUT_ACCESS -> positive ? CLIENT_TIMEOUT_ACCESS : ACCESS;
      case NAT_ACCESS, CLIENT_TIMEOUT_NAT_ACCESS -> positive ? CLIENT_TIMEOUT_NAT_ACCESS : NAT_ACCESS;
      case LOCAL_NAT_ACCESS, CLIENT_TIMEOUT_LOCAL_NAT_ACCESS ->
          positive ? CLIENT_TIMEOUT_LOCAL_NAT_ACCESS : LOCAL_NAT_ACCESS;
    };
  }
}
