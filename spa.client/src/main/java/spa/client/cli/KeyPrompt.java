package spa.client.cli;

import java.io.Console;
import spa.client.ClientException;

/** Asks the user for a secret without echoing it. */
@FunctionalInterface
interface KeyPrompt {

  /**
   * The secret typed after {@code prompt}.
   *
   * @param prompt what to show, such as "Enter encryption key: "
   * @param howToPass how to give the secret without a prompt, for the error when there is no terminal
   */
  char[] read(String prompt, String howToPass) throws ClientException;

  /** Reads from the process's console; fails with one line telling how to pass the key when there is none. */
  static KeyPrompt console() {
    return (prompt, howToPass) -> {
      Console c = System.console();
      if (c == null || !isTerminal(c)) {
        throw new ClientException("no terminal to ask for the key: " + howToPass);
      }
      char[] v = c.readPassword("%s", prompt);
      if (v == null) {
        throw new ClientException("no key entered");
      }
      return v;
    };
  }

  /** {@code Console.isTerminal()} where the JDK has it (22 and later): there a console may exist without a terminal. */
  private static boolean isTerminal(Console c) {
    try {
      return (Boolean) Console.class.getMethod("isTerminal").invoke(c);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true;
    }
  }
}
