package spa.server.replay;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.server.policy.PolicyCompiler;

/** Reads the replay cache on a thread of its own while the rest of start-up proceeds. */
public final class ReplayLoad {
  private final boolean test;
  private final boolean rotate;
  private final Consumer<String> info;
  private final Consumer<String> warn;

  /**
   * @param test read the file only, write nothing (test mode)
   * @param rotate rename the file to FILE-old first (--rotate-digest-cache)
   * @param info verbose diagnostics
   * @param warn damaged records in the file
   */
  public ReplayLoad(boolean test, boolean rotate, Consumer<String> info, Consumer<String> warn) {
    this.test = test;
    this.rotate = rotate;
    this.info = info;
    this.warn = warn;
  }

  /** True once {@link #startReplayLoad} ran. */
  public boolean started() {
    return replayLoad != null;
  }

  /** Completes with replay protection once the records are in. */
  private CompletableFuture<Replays> replayLoad;

  /** Starts reading the replay cache on its own thread. */
  public void startReplayLoad(Settings g) {
    ReplayCache cache = Replays.newCache(g);
    cache.beginLoad();
    CompletableFuture<Replays> done = new CompletableFuture<>();
    replayLoad = done;
    Thread t = new Thread(() -> {
      long window;
      try {
        window = ReplayWindow.of(PolicyCompiler.server(g));
      } catch (ConfigException e) {
        window = 0; // reported by the policy compiler
      }
      long nowSec = System.currentTimeMillis() / 1000;
      try {
        Replays r = Replays.open(g, cache, test, window > 0 ? nowSec - window : Long.MIN_VALUE,
            rotate, info, warn);
        cache.endLoad(null);
        done.complete(r);
      } catch (IOException | RuntimeException | Error e) {
        cache.endLoad(e);
        done.completeExceptionally(e);
      }
    }, "spad-replay-load");
    t.setDaemon(true);
    t.start();
  }

  /** Replay protection, once its records are in; why not, in one line, when they could not be read. */
  public Replays awaitReplay(Settings g) throws IOException {
    try {
      return replayLoad.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException("replay cache " + g.get("DIGEST_FILE").orElse("") + ": " + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while loading the replay cache");
    }
  }
}
