package spa.server.cli;

import java.io.PrintStream;
import java.util.List;
import spa.core.ConfigException;
import spa.core.FirewallException;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.Settings;
import spa.core.spi.FirewallBackend;
import spa.server.event.EventFormat;
import spa.server.event.EventOutput;
import spa.server.grant.GrantEvents;
import spa.server.grant.GrantJournal;
import spa.server.grant.GrantManager;
import spa.server.fleet.FleetChoice;
import spa.server.plugin.Plugins;

/**
 * {@code --fw-list}, {@code --fw-list-all} and {@code --fw-flush}: what spa holds in the firewall, the whole firewall
 * policy, and removing spa's openings.
 */
final class FirewallTool {
  private final PluginChoice choice;
  private final boolean list;
  private final boolean listAll;
  private final boolean flush;
  private final PrintStream out;
  private final PrintStream err;

  FirewallTool(PluginChoice choice, boolean list, boolean listAll, boolean flush, PrintStream out,
      PrintStream err) {
    this.choice = choice;
    this.list = list;
    this.listAll = listAll;
    this.flush = flush;
    this.out = out;
    this.err = err;
  }

  int run(Settings g) {
    try {
      Plugins.Found<FirewallBackend> f = choice.firewall(g, true);
      if (f == null) {
        err.println("spad: no firewall selected (--firewall none)");
        return 1;
      }
      FirewallBackend fw = f.provider();
      return Plugins.withContextLoader(f.loader(), () -> {
        fw.configure(g);
        if (flush) {
          try (GrantManager grants = new GrantManager(fw, new GrantJournal(RunFiles.journalPath(g)), java.time.Clock.systemUTC(),
              new GrantEvents(new EventOutput(out, EventFormat.TEXT).newLog(false), fw.name(), System::currentTimeMillis))) {
            grants.flush();
          }
          out.println("spad: removed every opening " + fw.name() + " held for spa");
          if (FleetChoice.wanted(g)) {
            String id = FleetChoice.publishFlush(choice.plugins(), g, System::currentTimeMillis);
            out.println("spad: told the fleet that " + id + " holds no openings: the others remove those from it");
          }
        }
        if (list) {
          long now = System.currentTimeMillis();
          List<Grant> grants = fw.list();
          // a few large writes, not one (flushed) println per opening: 100,000 lines cost ~100,000 write calls
          StringBuilder lines = new StringBuilder(1 << 16);
          for (Grant gr : grants) {
            lines.append(IpAddresses.text(gr.source())).append(' ').append(gr.access())
                .append(gr.nat() == null ? "" : " nat " + gr.nat()).append(" expires in ")
                .append(Math.max(0, (gr.expires().toEpochMilli() - now) / 1000)).append("s (").append(gr.stanza())
                .append(")").append(System.lineSeparator());
            if (lines.length() >= 1 << 16) {
              out.print(lines);
              lines.setLength(0);
            }
          }
          out.print(lines);
          out.flush();
          if (grants.isEmpty()) {
            out.println("spad: no openings");
          }
        }
        if (listAll) {
          String policy = fw.policy();
          out.print(policy.endsWith("\n") || policy.isEmpty() ? policy : policy + "\n");
        }
        return 0;
      });
    } catch (StartupException e) {
      err.println("spad: " + e.getMessage());
      return 1;
    } catch (ConfigException e) {
      err.println("spad: " + e);
      return 1;
    } catch (FirewallException e) {
      err.println("spad: firewall: " + e.getMessage());
      return 1;
    } catch (Exception e) {
      err.println("spad: firewall: " + e);
      return 1;
    }
  }
}
