package spa.fw.nftables;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import spa.cmd.exec.CommandRunner;
import spa.cmd.exec.ExecRunner;
import spa.core.ConfigException;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.Settings;
import spa.core.spi.FirewallBackend;

/**
 * Grants as nftables set and map elements that carry a kernel timeout: each batch of grants is one nft
 * transaction, and the kernel removes the elements at expiry even if spad is gone. Every operation goes through
 * one {@link NftChannel}, chosen when the settings are first read: libnftables in-process ({@link NftLibrary})
 * unless NFT_USE_LIBRARY is N or the library does not load, else the nft command ({@link NftProcess}). One
 * backend holds one libnftables context; callers on several threads (the actuator, the integrity check, control
 * requests) take turns on the context's lock, held for one transaction or listing. See the package
 * documentation for the settings and the three deployment modes.
 */
public final class NftablesBackend implements FirewallBackend {
  private static final System.Logger LOG = System.getLogger(NftablesBackend.class.getName());

  private final CommandRunner runner;
  private final List<String> prefix;
  private final Clock clock;
  /** The network namespace a library context is created in; null: this process's own. */
  private final String netns;
  /** Set elements are read over netlink while that works (in-process only). */
  private volatile boolean netlinkListing = true;
  /** False when the backend was given a runner to run nft through: then that is the only way. */
  private final boolean libraryAllowed;
  private NftConfig config;
  private Layout layout;
  private NftChannel channel;

  /** The backend as ServiceLoader creates it: libnftables or real processes, the system clock. */
  public NftablesBackend() {
    this(new ExecRunner(), List.of(), Clock.systemUTC(), null, true);
  }

  /** A backend running the nft command through {@code runner} (for example inside a network namespace). */
  public NftablesBackend(CommandRunner runner, Clock clock) {
    this(runner, List.of(), clock);
  }

  /**
   * A backend running the nft command through {@code runner}, and {@code nft monitor} ({@link #watchChanges})
   * behind {@code prefix}, the same one the runner puts in front (such as {@code ip netns exec NAME}).
   */
  public NftablesBackend(CommandRunner runner, List<String> prefix, Clock clock) {
    this(runner, prefix, clock, null, false);
  }

  private NftablesBackend(CommandRunner runner, List<String> prefix, Clock clock, String netns, boolean library) {
    this.runner = runner;
    this.prefix = List.copyOf(prefix);
    this.clock = clock;
    this.netns = netns;
    this.libraryAllowed = library;
  }

  /**
   * A backend for the named network namespace: libnftables with a context opened inside it (as the settings
   * allow), else the nft command through {@code runner}, which must run commands inside the namespace; nft
   * monitor runs behind {@code ip netns exec NAME}.
   */
  public static NftablesBackend inNamespace(String netns, CommandRunner runner, Clock clock) {
    return new NftablesBackend(runner, List.of("ip", "netns", "exec", netns), clock, netns, true);
  }

  @Override
  public String name() {
    return "nftables";
  }

  @Override
  public boolean kernelExpiry() {
    return true;
  }

  /**
   * Reads and checks the settings without touching the firewall, so that {@link #list()} and
   * {@link #flush()} work for one-shot tools ({@code --fw-list}, {@code --fw-flush}).
   */
  @Override
  public void configure(Settings settings) throws ConfigException {
    NftConfig c = NftConfig.from(settings);
    this.config = c;
    this.layout = new Layout(c);
    if (channel == null) {
      channel = NftChannel.choose(c, libraryAllowed, netns, runner);
      LOG.log(System.Logger.Level.INFO, channel.describe());
    }
  }

  /** Whether set elements are read over netlink (in-process, and no netlink failure so far). */
  boolean listsOverNetlink() {
    return channel instanceof NftLibrary && netlinkListing;
  }

  /** Whether element changes go straight to the kernel over netlink (in-process, and no netlink failure so far). */
  boolean writesOverNetlink() {
    return channel instanceof NftLibrary l && l.writesOverNetlink();
  }

  /** Which way the backend talks to nftables, one line; empty before the settings are read. */
  public String channel() {
    return channel == null ? "" : channel.describe();
  }

  @Override
  public void start(Settings settings) throws ConfigException, FirewallException {
    configure(settings);
    NftConfig c = config;
    Layout l = layout;
    if (c.mode() != NftConfig.Mode.OWN) {
      NftChannel.Reply r = channel.list(false, "list", "table", c.family(), c.table());
      if (!r.ok()) {
        throw new FirewallException("NFT_MODE " + c.mode().name().toLowerCase(java.util.Locale.ROOT)
            + " needs the existing table " + c.tableRef() + ": " + r.failure());
      }
    }
    NftChannel.Reply r = channel.script(l.buildScript());
    if (!r.ok()) {
      throw new FirewallException("set up " + c.tableRef() + ": " + r.failure()
          + (c.mode() == NftConfig.Mode.OWN ? " (a table left by another version? `spad --fw-flush` removes it)" : ""));
    }
  }

  /**
   * Rebuilds spa's objects for the new settings in one nft transaction (protected ports, chains), keeping
   * the grants the sets hold; where the objects live (exe, mode, family, table, prefix) changes only with a
   * restart, since the grants would be left behind.
   */
  @Override
  public void reconfigure(Settings settings) throws FirewallException {
    NftConfig c = started();
    NftConfig next;
    try {
      next = NftConfig.from(settings);
    } catch (ConfigException e) {
      throw new FirewallException(e.toString());
    }
    if (!next.exe().equals(c.exe()) || next.mode() != c.mode() || !next.family().equals(c.family())
        || !next.table().equals(c.table()) || !next.prefix().equals(c.prefix())
        || next.useLibrary() != c.useLibrary() || !next.library().equals(c.library())) {
      throw new FirewallException("NFT_EXE, NFT_MODE, NFT_FAMILY, NFT_TABLE, NFT_PREFIX, NFT_USE_LIBRARY and NFT_LIBRARY"
          + " change only when spad restarts");
    }
    Layout l = new Layout(next);
    NftChannel.Reply r = channel.script(l.buildScript());
    if (!r.ok()) {
      throw new FirewallException("apply the new settings to " + next.tableRef() + ": " + r.failure());
    }
    config = next;
    layout = l;
  }

  /**
   * All grants' elements in one nft transaction, however many grants. A refusal
   * fails the whole transaction; the caller retries smaller parts, down to {@link #open} for one grant.
   */
  @Override
  public void openAll(List<Grant> grants) throws FirewallException {
    if (grants.size() == 1) {
      open(grants.get(0));
      return;
    }
    NftConfig c = started();
    ElementBatch fresh = new ElementBatch();
    ElementBatch replacing = new ElementBatch();
    for (Grant g : grants) {
      openBatches(c, g, fresh, replacing);
    }
    if (fresh.isEmpty()) {
      return;
    }
    NftChannel.Reply r = channel.elements(c, fresh);
    if (!r.ok() && r.errors().contains("File exists")) {
      elements(c, replacing, "open " + grants.size() + " grants");
    } else if (!r.ok()) {
      throw new FirewallException("open " + grants.size() + " grants: " + r.failure());
    }
  }

  @Override
  public void open(Grant grant) throws FirewallException {
    NftConfig c = started();
    long seconds = secondsLeft(grant);
    if (seconds <= 0) {
      return;
    }
    ElementBatch fresh = new ElementBatch();
    ElementBatch replacing = new ElementBatch();
    openBatches(c, grant, fresh, replacing);
    NftChannel.Reply r = channel.elements(c, fresh);
    if (!r.ok() && r.errors().contains("File exists")) {
      r = channel.elements(c, replacing);
    }
    if (r.ok()) {
      return;
    }
    if (!r.errors().contains("File exists")) {
      throw new FirewallException("open " + describe(grant) + ": " + r.failure());
    }
    // A map element with the same key but other data (a changed NAT target): delete what is there, then add.
    List<Element> elements = Element.of(grant, c);
    String comment = Element.comment(grant);
    Set<String> present = presentKeys(elements);
    ElementBatch retry = new ElementBatch();
    for (Element e : elements) {
      if (present.contains(e.setName(c.prefix()) + " " + e.keyText())) {
        retry.delete(e);
      }
      retry.add(e, seconds, comment);
    }
    elements(c, retry, "open " + describe(grant));
  }

  /**
   * The changes that open {@code grant}, appended to {@code fresh} and {@code replacing}; nothing when it has
   * expired. {@code fresh}: one create per element, which fails the whole transaction ("File exists") if any is
   * already there, as on a re-knock; the caller then applies {@code replacing}: add (refreshes on kernels >= 6.12,
   * a no-op before), delete, add for each element, so the element gets exactly the new timeout whatever the kernel
   * (nft 1.0.6 cannot update an element's timeout in place) and never stacks. The elements are worked out once
   * for both.
   */
  private void openBatches(NftConfig c, Grant grant, ElementBatch fresh, ElementBatch replacing)
      throws FirewallException {
    long seconds = secondsLeft(grant);
    if (seconds <= 0) {
      return;
    }
    String comment = Element.comment(grant);
    for (Element e : Element.of(grant, c)) {
      fresh.create(e, seconds, comment);
      replacing.add(e, seconds, comment);
      replacing.delete(e);
      replacing.add(e, seconds, comment);
    }
  }

  /**
   * This backend's settings over an {@link NftRehearsal}: opens and closes make the netlink batches (or scripts)
   * this backend would send, and send nothing. Null before {@link #configure}.
   */
  @Override
  public FirewallBackend rehearsal() {
    NftConfig c = config;
    if (c == null) {
      return null;
    }
    NftablesBackend r = new NftablesBackend(runner, prefix, clock, netns, false);
    r.config = c;
    r.layout = layout;
    r.channel = new NftRehearsal(writesOverNetlink());
    r.netlinkListing = false;
    return r;
  }

  /** Bytes a {@link #rehearsal} made so far; 0 for a backend that is not one. */
  long rehearsed() {
    return channel instanceof NftRehearsal r ? r.made() : 0;
  }

  @Override
  public void close(Grant grant) throws FirewallException {
    NftConfig c = started();
    List<Element> elements = Element.of(grant, c);
    String comment = Element.comment(grant);
    // add then delete: succeeds whether or not the element is still there (it may have just expired)
    ElementBatch b = new ElementBatch();
    for (Element e : elements) {
      b.add(e, 1, comment);
      b.delete(e);
    }
    NftChannel.Reply r = channel.elements(c, b);
    if (r.ok()) {
      return;
    }
    if (!r.errors().contains("File exists")) {
      throw new FirewallException("close " + describe(grant) + ": " + r.failure());
    }
    // a map element under the same key with other data: delete exactly what is there
    Set<String> present = presentKeys(elements);
    ElementBatch retry = new ElementBatch();
    for (Element e : elements) {
      if (present.contains(e.setName(c.prefix()) + " " + e.keyText())) {
        retry.delete(e);
      }
    }
    if (!retry.isEmpty()) {
      elements(c, retry, "close " + describe(grant));
    }
  }

  /**
   * The table, its sets and maps, the input chain and each of its rules are there: one terse {@code nft -t list
   * ruleset FAMILY}, which lists no set elements and fetches none ({@code list table}, even terse, fetches them
   * all: seconds with 100,000 grants, held under the grant lock).
   */
  @Override
  public boolean intact() throws FirewallException {
    NftConfig c = started();
    NftChannel.Reply r = channel.listTerse("list", "ruleset", c.family());
    String table = r.ok() ? Layout.tableText(r.stdout(), c.family(), c.table()) : "";
    return !table.isEmpty() && layout.markers().stream().allMatch(table::contains);
  }

  /** Runs start()'s script again: it re-creates what is missing and keeps the elements still there. */
  @Override
  public void repair() throws FirewallException {
    NftConfig c = started();
    batch(layout.buildScript(), "re-create " + c.tableRef());
  }

  /** A long-running {@code nft monitor destroy}: see {@link NftMonitor}. */
  @Override
  public AutoCloseable watchChanges(Runnable changed) throws FirewallException {
    NftConfig c = started();
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(List.of(c.exe(), "monitor", "destroy"));
    NftMonitor m = new NftMonitor(argv, c.tableRef(), changed);
    m.start();
    return m;
  }

  @Override
  public List<Grant> list() throws FirewallException {
    NftConfig c = started();
    List<String> sets = new ArrayList<>();
    for (boolean v6 : layout.families()) {
      for (SetKind k : SetKind.values()) {
        if (k.enabled(c)) {
          sets.add((k.isMap() ? "map " : "set ") + k.name(c.prefix(), v6));
        }
      }
    }
    return Listing.grants(entries(sets), clock.instant());
  }

  /** The whole ruleset, spa's table and the admin's, as {@code nft list ruleset} prints it. */
  @Override
  public String policy() throws FirewallException {
    started();
    NftChannel.Reply r = channel.list(false, "list", "ruleset");
    if (!r.ok()) {
      throw new FirewallException("list ruleset: " + r.failure());
    }
    return r.stdout();
  }

  @Override
  public void flush() throws FirewallException {
    NftConfig c = started();
    batch(layout.flushScript(), "flush " + c.tableRef());
  }

  /**
   * The elements of the named sets and maps ({@code "set NAME"}, {@code "map NAME"}): in-process, one netlink dump
   * each ({@link NftNetlink}); through the nft command, or should netlink fail, one JSON listing each, for which
   * nft fetches only that set's elements, not those of every set in the table (the admin's too, in the embedded
   * and sets modes).
   */
  private List<Listing.Entry> entries(List<String> sets) throws FirewallException {
    NftConfig c = started();
    List<Listing.Entry> out = new ArrayList<>();
    for (String set : sets) {
      String[] kindName = set.split(" ", 2);
      SetKind.Named named = SetKind.parse(c.prefix(), kindName[1]);
      if (channel instanceof NftLibrary && named != null && netlinkListing) {
        try {
          out.addAll(NftNetlink.elements(netns, c.family(), c.table(), kindName[1], named.kind(), named.v6()));
          continue;
        } catch (NftNetlink.Missing m) {
          if (c.mode() == NftConfig.Mode.OWN) {
            continue;
          }
          throw new FirewallException("list " + c.tableRef() + " " + kindName[1] + ": " + m.getMessage());
        } catch (FirewallException e) {
          netlinkListing = false; // libnftables' listing from now on, which reads the same dump, more slowly
          LOG.log(System.Logger.Level.WARNING, "nftables: reading set elements over netlink failed (" + e.getMessage()
              + "); listing through libnftables instead");
        }
      }
      NftChannel.Reply r = channel.list(true, "list", kindName[0], c.family(), c.table(), kindName[1]);
      if (!r.ok()) {
        if (c.mode() == NftConfig.Mode.OWN && r.errors().contains("No such file or directory")) {
          continue;
        }
        throw new FirewallException("list " + c.tableRef() + " " + kindName[1] + ": " + r.failure());
      }
      try {
        out.addAll(Listing.entries(r.stdout(), c.prefix()));
      } catch (IllegalArgumentException e) {
        throw new FirewallException("list " + c.tableRef() + ": unreadable nft output: " + e.getMessage());
      }
    }
    return out;
  }

  /** {@code SET KEY} of each element present in the sets {@code elements} go to. */
  private Set<String> presentKeys(List<Element> elements) throws FirewallException {
    Set<String> sets = new java.util.LinkedHashSet<>();
    for (Element e : elements) {
      sets.add((e.kind().isMap() ? "map " : "set ") + e.setName(config.prefix()));
    }
    Set<String> keys = new HashSet<>();
    for (Listing.Entry e : entries(List.copyOf(sets))) {
      keys.add(e.kind().name(config.prefix(), e.v6()) + " " + String.join(" . ", e.key()));
    }
    return keys;
  }

  /** Whole seconds left, rounded up: nft timeouts are given in seconds. */
  private long secondsLeft(Grant g) {
    long ms = Duration.between(clock.instant(), g.expires()).toMillis();
    return ms <= 0 ? 0 : (ms + 999) / 1000;
  }

  private NftConfig started() throws FirewallException {
    if (config == null) {
      throw new FirewallException("nftables backend used before start() or configure()");
    }
    return config;
  }

  private void elements(NftConfig c, ElementBatch b, String what) throws FirewallException {
    NftChannel.Reply r = channel.elements(c, b);
    if (!r.ok()) {
      throw new FirewallException(what + ": " + r.failure());
    }
  }

  private void batch(String script, String what) throws FirewallException {
    NftChannel.Reply r = channel.script(script);
    if (!r.ok()) {
      throw new FirewallException(what + ": " + r.failure());
    }
  }

  private static String describe(Grant g) {
    return IpAddresses.text(g.source()) + " " + Layout.ports(g.access()) + (g.nat() == null ? "" : " nat " + g.nat().kind());
  }
}
