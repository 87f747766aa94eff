package spa.fw.nftables;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import spa.core.FirewallException;

/**
 * nftables in-process through libnftables: one context (its own netlink socket and ruleset cache) with output
 * and errors captured in buffers, so a transaction costs a netlink round trip, not a process. Element changes of
 * up to {@link NftNetlink#MAX_WRITE_OPS} go straight to the kernel over a netlink socket of its own
 * ({@link NftNetlink.Writer}), without libnftables' cache refill before every command; any answer but success or
 * "File exists" has libnftables apply the same changes, and its reply is the answer. libnftables
 * contexts are not thread-safe: every call holds this object's lock, so the context is used from one thread at
 * a time whichever threads call (the actuator, the integrity check, a control request). The context is freed
 * when this object is no longer reachable.
 */
final class NftLibrary implements NftChannel {
  private static final System.Logger LOG = System.getLogger(NftLibrary.class.getName());
  private static final Cleaner CLEANER = Cleaner.create();
  private static final Reply OK = new Reply(true, "", "", "ok");
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
  /** Element changes over netlink; null when its socket could not be opened. */
  private final NftNetlink.Writer writer;
  /** False once netlink failed a change that libnftables then applied: libnftables from then on. */
  private volatile boolean netlinkWrites;

  private NftLibrary(Api api, Pointer ctx, String library, NftNetlink.Writer writer) {
    this.api = api;
    this.ctx = ctx;
    this.library = library;
    this.writer = writer;
    this.netlinkWrites = writer != null;
    this.plainFlags = api.nft_ctx_output_get_flags(ctx)
        & ~(NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_NUMERIC_PROTO | NFT_CTX_OUTPUT_TERSE);
    CLEANER.register(this, () -> {
      api.nft_ctx_free(ctx);
      if (writer != null) {
        writer.close();
      }
    });
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
    NftNetlink.Writer writer;
    try {
      writer = NftNetlink.Writer.open(netns);
    } catch (FirewallException e) {
      writer = null;
      LOG.log(System.Logger.Level.WARNING, "nftables: " + e.getMessage() + "; set elements are written through "
          + "libnftables");
    }
    return new NftLibrary(api, ctx, library, writer);
  }

  @Override
  public synchronized Reply script(String script) throws FirewallException {
    return run(script);
  }

  @Override
  public synchronized Reply elements(NftConfig c, ElementBatch batch) {
    if (!netlinkWrites || batch.ops().size() > NftNetlink.MAX_WRITE_OPS) {
      return run(batch.script(c.tableRef(), c.prefix()));
    }
    int errno;
    String why;
    try {
      errno = writer.write(c.family(), c.table(), c.prefix(), batch);
      why = "errno " + errno;
    } catch (FirewallException | RuntimeException e) {
      // not written (an element netlink writing does not know), or not known to have been applied: libnftables
      // applies it (again: a create then says it exists)
      errno = -1;
      why = e instanceof FirewallException ? e.getMessage() : e.toString();
    }
    if (errno == 0) {
      return OK;
    }
    if (errno == NftNetlink.EEXIST) {
      return new Reply(false, "", "File exists", "netlink: File exists");
    }
    // refused (nothing applied) or unanswered: libnftables applies the same changes, and says what is wrong if
    // anything is; every batch the backend makes can be applied twice with the same outcome
    Reply r = run(batch.script(c.tableRef(), c.prefix()));
    if (r.ok()) {
      netlinkWrites = false;
      LOG.log(System.Logger.Level.WARNING, "nftables: writing set elements over netlink failed (" + why
          + ") where libnftables succeeded; libnftables from now on");
    }
    return r;
  }

  /** Whether element changes go over netlink (the socket opened, and no failure that libnftables did not share). */
  boolean writesOverNetlink() {
    return netlinkWrites;
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
