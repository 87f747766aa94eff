package spa.core;

/** A firewall change failed; the message says which command and what it printed. */
public final class FirewallException extends Exception {
  private static final long serialVersionUID = 1L;

  public FirewallException(String message) {
    super(message);
  }

  public FirewallException(String message, Throwable cause) {
    super(message, cause);
  }
}
