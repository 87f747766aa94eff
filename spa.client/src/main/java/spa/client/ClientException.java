package spa.client;

/**
 * Something the client could not do (resolve a host, reach a server, read a key, learn its external
 * address). The message is one line meant for the user; no stack trace is captured.
 */
public final class ClientException extends Exception {
  private static final long serialVersionUID = 1L;

  public ClientException(String message) {
    super(message, null, false, false);
  }
}
