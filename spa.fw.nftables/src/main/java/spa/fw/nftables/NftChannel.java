package spa.fw.nftables;

import spa.cmd.exec.CommandRunner;
import spa.core.FirewallException;

/**
 * The one way the backend talks to nftables: in-process through libnftables ({@link NftLibrary}) or through
 * the nft command ({@link NftProcess}, the fallback). Every operation of {@link NftablesBackend} goes through
 * one; {@code nft monitor} stays a process of its own ({@link NftMonitor}).
 */
interface NftChannel {

  /** Runs an nft script as one transaction, as {@code nft -f -} does. */
  Reply script(String script) throws FirewallException;

  /**
   * Applies the element changes of {@code batch} to the sets of {@code c}'s table as one transaction, as the
   * script {@link ElementBatch#script} would.
   */
  default Reply elements(NftConfig c, ElementBatch batch) throws FirewallException {
    return script(batch.script(c.tableRef(), c.prefix()));
  }

  /**
   * Runs one listing command, such as {@code list table inet spa}, in nft's text or JSON output; JSON gives
   * protocols as numbers ({@code nft -j -p}).
   */
  Reply list(boolean json, String... words) throws FirewallException;

  /**
   * Runs one listing command in nft's terse text output ({@code nft -t}): sets without their elements. nft then
   * does not fetch elements from the kernel for {@code list ruleset}, which with 100,000 grants saves seconds.
   */
  Reply listTerse(String... words) throws FirewallException;

  /**
   * libnftables when {@code libraryAllowed}, the settings allow it and it loads (its context opened in
   * {@code netns}, or this process's namespace when null), else the nft command through {@code runner}, saying why.
   */
  static NftChannel choose(NftConfig c, boolean libraryAllowed, String netns, CommandRunner runner) {
    if (!libraryAllowed) {
      return new NftProcess(runner, c.exe(), "");
    }
    if (!c.useLibrary()) {
      return new NftProcess(runner, c.exe(), "NFT_USE_LIBRARY N");
    }
    try {
      return NftLibrary.open(c.library(), netns);
    } catch (FirewallException e) {
      return new NftProcess(runner, c.exe(), e.getMessage());
    }
  }

  /** One line for the start-up log: which way is in use. */
  String describe();

  /**
   * What one run gave.
   *
   * @param ok the commands were applied (or listed) without error
   * @param stdout nft's output
   * @param errors nft's error text (the process's standard error, the library's error buffer)
   * @param failure one line saying what went wrong, {@code "ok"} when nothing did
   */
  record Reply(boolean ok, String stdout, String errors, String failure) {}
}
