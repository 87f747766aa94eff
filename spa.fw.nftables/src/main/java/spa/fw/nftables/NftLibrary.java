package spa.fw.nftables;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import spa.core.FirewallException;

/**
 * nftables in-process through libnftables: one context (its own netlink socket and ruleset cache) with output
 * and errors captured in buffers, so a transaction costs a netlink round trip, not a process. libnftables
 * contexts are not thread-safe: every call holds this object's lock, so the context is used from one thread at
 * a time whichever threads call (the actuator, the integrity check, a control request). The context is freed
 * when this object is no longer reachable.
 */
final class NftLibrary implements NftChannel {
  private static final Cleaner CLEANER = Cleaner.create();
  /** nftables.h: NFT_CTX_DEFAULT, and NFT_CTX_OUTPUT_JSON, _NUMERIC_PROTO and _TERSE among the output flags. */
  private static final int NFT_CTX_DEFAULT = 0;
  private static final int NFT_CTX_OUTPUT_JSON = 1 << 4;
  /** Protocols as numbers: nft would otherwise read /etc/protocols once per listed element. */
  private static final int NFT_CTX_OUTPUT_NUMERIC_PROTO = 1 << 7;
  private static final int NFT_CTX_OUTPUT_TERSE = 1 << 11;

  /** The part of libnftables' API spa uses (nftables/libnftables.h). */
  interface Api extends Library {
    Pointer nft_ctx_new(int flags);

    void nft_ctx_free(Pointer ctx);

    int nft_ctx_buffer_output(Pointer ctx);

    int nft_ctx_buffer_error(Pointer ctx);

    int nft_ctx_output_get_flags(Pointer ctx);

    void nft_ctx_output_set_flags(Pointer ctx, int flags);

    int nft_run_cmd_from_buffer(Pointer ctx, String buf);

    String nft_ctx_get_output_buffer(Pointer ctx);

    String nft_ctx_get_error_buffer(Pointer ctx);
  }

  private final Api api;
  private final Pointer ctx;
  private final String library;
  private final int plainFlags;

  private NftLibrary(Api api, Pointer ctx, String library) {
    this.api = api;
    this.ctx = ctx;
    this.library = library;
    this.plainFlags = api.nft_ctx_output_get_flags(ctx)
        & ~(NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_NUMERIC_PROTO | NFT_CTX_OUTPUT_TERSE);
    CLEANER.register(this, () -> api.nft_ctx_free(ctx));
  }

  /**
   * Loads {@code library} (a file name such as {@code libnftables.so.1}, or a path) and creates a context; with a
   * {@code netns} name, inside that network namespace ({@code /run/netns/NAME}): the context's netlink socket
   * stays in the namespace it was opened in, whichever thread uses it later.
   *
   * @throws FirewallException one line saying why the library cannot be used
   */
  static NftLibrary open(String library, String netns) throws FirewallException {
    Api api;
    try {
      api = Native.load(library, Api.class);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new FirewallException(library + " not loaded: " + firstLine(e.getMessage()));
    }
    Api loaded = api;
    Pointer ctx = Netns.call(netns, () -> loaded.nft_ctx_new(NFT_CTX_DEFAULT));
    if (ctx == null) {
      throw new FirewallException(library + ": nft_ctx_new gave no context");
    }
    if (api.nft_ctx_buffer_output(ctx) != 0 || api.nft_ctx_buffer_error(ctx) != 0) {
      api.nft_ctx_free(ctx);
      throw new FirewallException(library + ": cannot buffer its output");
    }
    return new NftLibrary(api, ctx, library);
  }

  @Override
  public synchronized Reply script(String script) throws FirewallException {
    return run(script);
  }

  @Override
  public synchronized Reply list(boolean json, String... words) throws FirewallException {
    return json ? withFlags(NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_NUMERIC_PROTO, words) : run(String.join(" ", words));
  }

  @Override
  public synchronized Reply listTerse(String... words) throws FirewallException {
    return withFlags(NFT_CTX_OUTPUT_TERSE, words);
  }

  /** One listing with {@code flags} added to the context's output flags, which are restored afterwards. */
  private Reply withFlags(int flags, String... words) {
    api.nft_ctx_output_set_flags(ctx, plainFlags | flags);
    try {
      return run(String.join(" ", words));
    } finally {
      api.nft_ctx_output_set_flags(ctx, plainFlags);
    }
  }

  @Override
  public String describe() {
    return "nftables in-process through " + library;
  }

  /** One run; both buffers are read every time, which also empties them for the next. */
  private Reply run(String commands) {
    int rc = api.nft_run_cmd_from_buffer(ctx, commands);
    String out = orEmpty(api.nft_ctx_get_output_buffer(ctx));
    String err = orEmpty(api.nft_ctx_get_error_buffer(ctx));
    boolean ok = rc == 0;
    return new Reply(ok, out, err, ok ? "ok" : "libnftables: " + (err.isBlank() ? "error " + rc : firstLine(err)));
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /** The first line of nft's error text, as the process path reports it. */
  private static String firstLine(String text) {
    String t = text == null ? "" : text.strip();
    int nl = t.indexOf('\n');
    String line = nl < 0 ? t : t.substring(0, nl).strip() + " ...";
    return line.length() > 300 ? line.substring(0, 300) + " ..." : line;
  }
}
