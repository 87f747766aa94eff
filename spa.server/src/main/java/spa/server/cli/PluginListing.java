package spa.server.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import spa.server.plugin.PluginInfo;
import spa.server.plugin.Plugins;

/** {@code --list-plugins}: every plugin found, its kind, module, version and jar, and the problems met. */
final class PluginListing {
  private final Plugins plugins;
  private final PrintStream out;

  PluginListing(Plugins plugins, PrintStream out) {
    this.plugins = plugins;
    this.out = out;
  }

  int run() {
    List<String> errors = new ArrayList<>();
    List<Plugins.Found<?>> all = plugins.all(errors);
    errors.addAll(plugins.duplicates(new ArrayList<>())); // every plugin is a layer by now
    out.println(String.format("%-12s %-16s %-24s %-10s %s", "NAME", "KIND", "MODULE", "VERSION", "PATH"));
    for (Plugins.Found<?> f : all) {
      PluginInfo p = f.info();
      out.println(String.format("%-12s %-16s %-24s %-10s %s", p.name(), p.type(), p.module(), p.version(), p.path()));
    }
    // a waiting plugin's fault, met while making it a layer, is both a problem of the plugins and an error here
    java.util.Set<String> problems = new java.util.LinkedHashSet<>(plugins.problems());
    problems.addAll(errors);
    for (String p : problems) {
      out.println("problem: " + p);
    }
    out.flush();
    return problems.isEmpty() ? 0 : 1;
  }
}
