package spa.core;

/** What an authenticated SPA message may do: one of a few kinds. */
public sealed interface Decision permits Decision.Open, Decision.RunCommand, Decision.Deny {

  /** Open {@code grant} in the firewall (or run the stanza's command cycle). */
  record Open(Grant grant) implements Decision {}

  /**
   * Run a command message's command.
   *
   * @param command the command text, split on whitespace, never given to a shell
   * @param user the user to run it as, or null for spad's own
   */
  record RunCommand(String command, String user, String stanza) implements Decision {}

  /**
   * Refuse, with a short stable reason code ({@code age}, {@code source}, {@code port}, {@code user},
   * {@code nat-disabled}, {@code cmd-disabled}, {@code stanza-expired}, ...) and a detail for the log.
   */
  record Deny(String reason, String detail) implements Decision {}
}
