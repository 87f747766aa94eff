package spa.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** How the process tells the daemon to stop (SIGTERM, SIGINT) or reload (SIGHUP). */
public interface Hooks {
  /**
   * Arranges for {@code stop} and {@code reload} to run on those events; a stop waits for
   * {@code cleanedUp} so that buffered events and replay records are written before the process ends.
   *
   * @return a one-line warning for each way to stop or reload that cannot work in this process
   */
  List<String> install(Runnable stop, Runnable reload, CountDownLatch cleanedUp);

  /** True once the process is shutting down (the exit status can no longer be set). */
  boolean shuttingDown();

  /** Called once the capture runs: packets sent from now on are seen. */
  default void ready() {}

  /** No signals: the daemon ends when its capture ends or its packet limit is reached. */
  Hooks NONE = new Hooks() {
    @Override
    public List<String> install(Runnable stop, Runnable reload, CountDownLatch cleanedUp) {
      return List.of();
    }

    @Override
    public boolean shuttingDown() {
      return false;
    }
  };

  /**
   * Runs {@code action} when the process receives signal {@code name}. Uses jdk.unsupported's
   * {@code sun.misc.Signal}, reached reflectively so no build warns about it; without it, reload is
   * through {@code spad -R} only.
   *
   * @return false when the signal will not reach {@code action}: there is no such signal here, or the
   *     process was started with it ignored (as {@code nohup} does for SIGHUP), which the JVM keeps
   */
  static boolean onSignal(String name, Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object h = java.lang.reflect.Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler},
          (proxy, method, args) -> switch (method.getName()) {
            case "handle" -> {
              action.run();
              yield null;
            }
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> "signal handler for " + name;
          });
      Object old = signal.getMethod("handle", signal, handler)
          .invoke(null, signal.getConstructor(String.class).newInstance(name), h);
      return old != handler.getField("SIG_IGN").get(null);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false; // no such signal here
    }
  }

  /** Process signals: handlers for SIGTERM/SIGINT (stop) and SIGHUP (reload), and a shutdown hook. */
  static Hooks system() {
    return new Hooks() {
      private volatile boolean shutting;

      @Override
      public List<String> install(Runnable stop, Runnable reload, CountDownLatch cleanedUp) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          shutting = true;
          stop.run();
          try {
            cleanedUp.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "spad-shutdown"));
        List<String> warnings = new ArrayList<>();
        if (!onSignal("HUP", () -> new Thread(reload, "spad-reload").start())) {
          warnings.add("SIGHUP does not reach spad (ignored by whatever started it, e.g. nohup): reload with spad -R");
        }
        // a handled TERM/INT stops the engine and lets main exit 0, as fwknopd does; the hook stays for the rest
        if (!onSignal("TERM", () -> new Thread(stop, "spad-stop").start())) {
          warnings.add("SIGTERM does not reach spad (ignored by whatever started it): stop with spad -K");
        }
        // a shell ignores INT for its background jobs: that is ordinary, so no warning
        onSignal("INT", () -> new Thread(stop, "spad-stop").start());
        return warnings;
      }

      @Override
      public boolean shuttingDown() {
        return shutting;
      }
    };
  }
}
