package spa.server.event;

import java.text.MessageFormat;
import java.util.Objects;
import java.util.ResourceBundle;
import java.util.function.Consumer;

/**
 * Where {@link System.Logger} messages go in spad (plugins and the libraries they use log through it): to the
 * daemon's own messages, so that they read as its other lines ({@code spad: ...}, {@code spad: warning: ...}) and
 * reach syslog with them, instead of java.util.logging's two-line records. WARNING and ERROR are warnings, INFO is
 * information (a plugin's start-up facts, such as the receive buffer it got), DEBUG and TRACE are information shown
 * from {@code -v -v} on. Until a daemon routes them ({@link #route}), warnings go to standard error and the rest is
 * dropped.
 */
public final class PluginLoggers extends System.LoggerFinder {
  private record Route(Consumer<String> info, Consumer<String> warn, int verbose) {}

  private static volatile Route route = new Route(m -> { }, m -> System.err.println("spad: warning: " + m), 0);

  /** Sends messages to {@code info} and {@code warn} from now on; DEBUG and TRACE too when {@code verbose} >= 2. */
  public static void route(Consumer<String> info, Consumer<String> warn, int verbose) {
    route = new Route(Objects.requireNonNull(info), Objects.requireNonNull(warn), verbose);
  }

  @Override
  public System.Logger getLogger(String name, Module module) {
    return new Logger(name);
  }

  private record Logger(String name) implements System.Logger {
    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean isLoggable(Level level) {
      return level != Level.OFF && (level.getSeverity() >= Level.INFO.getSeverity() || route.verbose() >= 2);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      if (isLoggable(level)) {
        emit(level, thrown == null ? msg : msg + ": " + thrown);
      }
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      if (isLoggable(level)) {
        emit(level, params == null || params.length == 0 ? format : MessageFormat.format(format, plain(params)));
      }
    }

    /** Numbers as Java writes them: MessageFormat's would be grouped and localised (62,201; 62.201). */
    private static Object[] plain(Object[] params) {
      Object[] out = params.clone();
      for (int i = 0; i < out.length; i++) {
        if (out[i] instanceof Number n) {
          out[i] = n.toString();
        }
      }
      return out;
    }

    private static void emit(Level level, String msg) {
      Route r = route;
      String line = String.valueOf(msg);
      if (level.getSeverity() >= Level.WARNING.getSeverity()) {
        r.warn().accept(line);
      } else {
        r.info().accept(line);
      }
    }
  }
}
