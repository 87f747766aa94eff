package spa.server.cli;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Hooks a test drives by hand. */
public final class ManualHooks implements Hooks {
  private volatile Runnable stop = () -> { };
  private volatile Runnable reload = () -> { };
  private final CountDownLatch running = new CountDownLatch(1);

  @Override
  public List<String> install(Runnable stop, Runnable reload, CountDownLatch cleanedUp) {
    this.stop = stop;
    this.reload = reload;
    return List.of();
  }

  @Override
  public void ready() {
    running.countDown();
  }

  @Override
  public boolean shuttingDown() {
    return false;
  }

  /** Waits until the daemon captures. */
  public boolean awaitRunning(long millis) throws InterruptedException {
    return running.await(millis, TimeUnit.MILLISECONDS);
  }

  public void stop() {
    stop.run();
  }

  public void reload() {
    reload.run();
  }
}
