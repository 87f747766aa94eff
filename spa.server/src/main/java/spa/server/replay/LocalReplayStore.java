package spa.server.replay;

import spa.core.Settings;
import spa.core.replay.ReplayStore;

/**
 * {@code REPLAY_STORE local}, the default: this daemon's own {@link ReplayCache}, answering at once and never
 * {@link Answer#UNAVAILABLE}. Records are forgotten by the cache's pruning at the age window ({@link Maintenance}),
 * so the time to live given per call is not needed here. Also the fallback a shared store's fault policy asks.
 */
public final class LocalReplayStore implements ReplayStore {
  private final ReplayCache cache;

  /** A store of its own, in memory (how ServiceLoader makes it). */
  public LocalReplayStore() {
    this(new ReplayCache());
  }

  /** A store answering from {@code cache}, the one the daemon loads, persists and prunes. */
  public LocalReplayStore(ReplayCache cache) {
    this.cache = cache;
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public void start(Settings settings) {}

  @Override
  public Answer firstSeen(byte[] digest, long epochSecond, long ttlMillis) {
    long existing = cache.putIfAbsent(ReplayCache.key0(digest), ReplayCache.key1(digest), epochSecond);
    return existing == ReplayCache.INSERTED ? Answer.FIRST : Answer.SEEN;
  }
}
