package spa.server.engine;

import java.util.function.Supplier;

/**
 * The decision chain in force, as a worker reads it for each packet; replaced whole by a reload. The engine and the
 * warm-up both hand their workers one of these, so that what the JIT learns from the warm-up's worker (one receiver
 * class here) still holds for the engine's instead of sending its first knocks back to the interpreter.
 */
final class ChainRef implements Supplier<DecisionChain> {
  private volatile DecisionChain chain;

  ChainRef(DecisionChain chain) {
    this.chain = chain;
  }

  @Override
  public DecisionChain get() {
    return chain;
  }

  void set(DecisionChain next) {
    this.chain = next;
  }
}
