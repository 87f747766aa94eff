package spa.server.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import spa.core.spi.Authorizer;
import spa.core.spi.CaptureSource;
import spa.core.spi.Decryptor;
import spa.core.spi.FirewallBackend;
import spa.server.plugin.PluginInfo;
import spa.server.plugin.Plugins;

/** {@code --list-plugins}: every plugin found, its type, module and layer, and the problems met. */
final class PluginListing {
  private final Plugins plugins;
  private final PrintStream out;

  PluginListing(Plugins plugins, PrintStream out) {
    this.plugins = plugins;
    this.out = out;
  }

  int run() {
    List<String> errors = new ArrayList<>();
    List<PluginInfo> all = new ArrayList<>();
    all.addAll(plugins.providers(CaptureSource.class, CaptureSource::name, errors).stream().map(Plugins.Found::info).toList());
    all.addAll(plugins.providers(Decryptor.class, Decryptor::name, errors).stream().map(Plugins.Found::info).toList());
    all.addAll(plugins.providers(Authorizer.class, Authorizer::name, errors).stream().map(Plugins.Found::info).toList());
    all.addAll(plugins.providers(FirewallBackend.class, FirewallBackend::name, errors).stream().map(Plugins.Found::info).toList());
    out.println(String.format("%-12s %-16s %-24s %s", "NAME", "TYPE", "MODULE", "LAYER"));
    for (PluginInfo p : all) {
      out.println(String.format("%-12s %-16s %-24s %s", p.name(), p.type(), p.module(), layerText(p.layer())));
    }
    for (String p : plugins.problems()) {
      out.println("problem: " + p);
    }
    for (String e : errors) {
      out.println("problem: " + e);
    }
    out.flush();
    return plugins.problems().isEmpty() && errors.isEmpty() ? 0 : 1;
  }

  private String layerText(String layer) {
    for (Plugins.Layer l : plugins.layers()) {
      if (l.name().equals(layer) && l.dir() != null) {
        return layer + " (" + l.dir() + ")";
      }
    }
    return layer;
  }
}
