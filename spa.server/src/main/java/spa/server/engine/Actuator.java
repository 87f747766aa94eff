package spa.server.engine;

/**
 * The act step: carries out accepted decisions (firewall grants, commands, command cycles). It is one
 * interface so that scheduling and journalling of grants can be added behind it.
 */
public interface Actuator extends AutoCloseable {

  /** Queues an action; returns at once. */
  void submit(Action action);

  /** Finishes queued actions and stops. */
  @Override
  void close();

  /** Does nothing: test mode, or no firewall to change. */
  static Actuator none() {
    return new Actuator() {
      @Override
      public void submit(Action action) {}

      @Override
      public void close() {}
    };
  }
}
