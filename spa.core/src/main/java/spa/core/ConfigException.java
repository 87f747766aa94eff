package spa.core;

/** Configuration that cannot be used; names the place ({@code file:line}) and key, never a secret value. */
public final class ConfigException extends Exception {
  private static final long serialVersionUID = 1L;
  private final String origin;
  private final String key;

  public ConfigException(String origin, String key, String message) {
    super(message);
    this.origin = origin;
    this.key = key;
  }

  public String origin() {
    return origin;
  }

  public String key() {
    return key;
  }

  /** One line: {@code origin: KEY: message}. */
  @Override
  public String toString() {
    return (origin == null ? "" : origin + ": ") + (key == null ? "" : key + ": ") + getMessage();
  }
}
