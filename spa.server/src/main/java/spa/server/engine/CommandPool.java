package spa.server.engine;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The threads commands run on, apart from the actuator's, so that a hanging command never delays a grant.
 * Fair between keys (stanzas): of one key at most {@code perKeyRunning} run at once and {@code perKeyWaiting}
 * wait, of those at most {@code perSourceWaiting} from one source, and keys take turns for a free thread, so
 * one key holder's many or hanging commands cannot hold the threads or the queue, nor one source its stanza's
 * share; beyond its share a command is refused at once.
 */
final class CommandPool {
  private final int perKeyRunning;
  private final int perKeyWaiting;
  private final int perSourceWaiting;
  private final int maxWaiting;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Waiting tasks per key; insertion order is the turn order. */
  private final LinkedHashMap<String, Deque<Task>> waiting = new LinkedHashMap<>();
  /** Waiting tasks per key and source. */
  private final Map<List<String>, Integer> waitingBySource = new HashMap<>();
  private final Map<String, Integer> running = new HashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private int waitingCount;
  /** Threads not yet ended: changed under the lock, so a task queued while stopping always finds one. */
  private int live;
  private boolean stopping;

  /**
   * @param threads how many commands may run at once in all
   * @param perKeyRunning how many of one key's may run at once
   * @param perKeyWaiting how many of one key's may wait for a thread
   * @param perSourceWaiting how many of one key's from one source may wait
   * @param maxWaiting how many may wait in all
   */
  CommandPool(int threads, int perKeyRunning, int perKeyWaiting, int perSourceWaiting, int maxWaiting) {
    this.perKeyRunning = perKeyRunning;
    this.perKeyWaiting = perKeyWaiting;
    this.perSourceWaiting = perSourceWaiting;
    this.maxWaiting = maxWaiting;
    this.live = threads;
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(this::work, "spad-cmd-" + i);
      t.setDaemon(true);
      this.threads.add(t);
      t.start();
    }
  }

  private record Task(List<String> source, Runnable run) {}

  /**
   * Queues {@code task} of {@code source} under {@code key}; false (and nothing queued) when the key's or the
   * source's share is full, or when stopping.
   */
  boolean submit(String key, String source, Runnable task) {
    return add(key, source, task, false);
  }

  /** Queues {@code task} whatever is waiting (cycle closes: they must run); false only once stopped. */
  boolean submitAlways(String key, Runnable task) {
    return add(key, "", task, true);
  }

  private boolean add(String key, String source, Runnable task, boolean always) {
    List<String> bySource = List.of(key, source);
    lock.lock();
    try {
      Deque<Task> q = waiting.get(key);
      int mine = q == null ? 0 : q.size();
      if (live == 0 || !always && (stopping || mine >= perKeyWaiting || waitingCount >= maxWaiting
          || waitingBySource.getOrDefault(bySource, 0) >= perSourceWaiting)) {
        return false;
      }
      waiting.computeIfAbsent(key, k -> new ArrayDeque<>()).add(new Task(bySource, task));
      waitingBySource.merge(bySource, 1, Integer::sum);
      waitingCount++;
      changed.signal();
      return true;
    } finally {
      lock.unlock();
    }
  }

  private void work() {
    while (true) {
      String key;
      Task task;
      lock.lock();
      try {
        while ((key = nextKey()) == null) {
          if (stopping && waitingCount == 0) {
            live--;
            return;
          }
          changed.await();
        }
        // served keys move to the back of the turn order
        Deque<Task> q = waiting.remove(key);
        task = q.poll();
        waitingCount--;
        waitingBySource.merge(task.source(), -1, (a, b) -> a + b == 0 ? null : a + b);
        if (!q.isEmpty()) {
          waiting.put(key, q);
        }
        running.merge(key, 1, Integer::sum);
      } catch (InterruptedException e) {
        live--;
        return;
      } finally {
        lock.unlock();
      }
      try {
        task.run().run();
      } catch (RuntimeException e) {
        // each task reports its own outcome as an event; a bug in one must not end the thread
      } finally {
        lock.lock();
        try {
          running.merge(key, -1, (a, b) -> a + b == 0 ? null : a + b);
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /** The first key in turn order with a task waiting and a running slot free, or null. */
  private String nextKey() {
    for (Map.Entry<String, Deque<Task>> e : waiting.entrySet()) {
      if (running.getOrDefault(e.getKey(), 0) < perKeyRunning) {
        return e.getKey();
      }
    }
    return null;
  }

  /**
   * Refuses new tasks (but those of {@link #submitAlways}), lets the queued ones run and waits for all up to
   * {@code wait}; tasks still running then are left to finish on their daemon threads (never interrupted: a
   * cycle close marks itself done in the journal last). Returns true when everything finished.
   */
  boolean close(Duration wait) {
    lock.lock();
    try {
      stopping = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    long deadline = System.nanoTime() + wait.toNanos();
    for (Thread t : threads) {
      try {
        t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return threads.stream().noneMatch(Thread::isAlive);
  }
}
