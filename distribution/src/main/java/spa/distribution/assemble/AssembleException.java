package spa.distribution.assemble;

/** A reason spa-assemble stops, as the one line it prints. */
final class AssembleException extends Exception {
  private static final long serialVersionUID = 1L;

  AssembleException(String message) {
    super(message);
  }
}
