package spa.server.cli;

/** A start-up failure with its one-line message. */
final class StartupException extends Exception {
  private static final long serialVersionUID = 1L;

  StartupException(String message) {
    super(message, null, false, false);
  }
}
