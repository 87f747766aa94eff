package spa.core;

/**
 * A packet or message was refused. Carries a stable {@link Kind}, the field at fault (when one is)
 * and a human-readable reason. Cheap to throw: no stack trace is captured, because refusing
 * hostile input is the normal path, not an error in spa.
 */
public final class SpaException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Why the packet was refused, coarse enough to log as a stable code. */
  public enum Kind {
    /** The MAC did not match, or decryption produced no valid plaintext: wrong key or forged data. */
    AUTH("auth"),
    /** The plaintext decrypted but is not a valid SPA message. */
    MESSAGE("bad-message"),
    /** The message or its keys cannot be encoded (client side). */
    ENCODE("encode"),
    /** A cipher refused a packet for a reason of its own, such as a missing signature ({@link #code()}). */
    REFUSED("refused");

    private final String code;

    Kind(String code) {
      this.code = code;
    }

    /** Short stable code, as used in logs and JSON events. */
    public String code() {
      return code;
    }
  }

  private final Kind kind;
  private final String field;
  private final String code;

  public SpaException(Kind kind, String field, String reason) {
    this(kind, field, reason, kind.code());
  }

  private SpaException(Kind kind, String field, String reason, String code) {
    super(reason, null, false, false);
    this.kind = kind;
    this.field = field;
    this.code = code;
  }

  /** A refusal of kind {@code REFUSED} with its own stable reason code (such as {@code gpg-no-sig}). */
  public static SpaException refused(String code, String reason) {
    return new SpaException(Kind.REFUSED, null, reason, code);
  }

  public static SpaException message(String field, String reason) {
    return new SpaException(Kind.MESSAGE, field, reason);
  }

  public static SpaException auth(String reason) {
    return new SpaException(Kind.AUTH, null, reason);
  }

  public Kind kind() {
    return kind;
  }

  /** The stable reason code for logs and events: the kind's, or a {@link #refused} refusal's own. */
  public String code() {
    return code;
  }

  /** The protocol field at fault (e.g. {@code "username"}), or null when no single field is. */
  public String field() {
    return field;
  }

  /** The reason alone, without the field. */
  public String reason() {
    return super.getMessage();
  }

  @Override
  public String getMessage() {
    return field == null ? reason() : field + ": " + reason();
  }
}
