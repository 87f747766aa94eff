package spa.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import spa.core.Settings;
import spa.core.spi.CaptureSource;
import spa.core.spi.FirewallBackend;
import spa.server.plugin.Plugins;

/** Picks the capture and firewall plugins the settings name, or the default ones. */
final class PluginChoice {
  private final Plugins plugins;
  private final Consumer<String> warn;

  PluginChoice(Plugins plugins, Consumer<String> warn) {
    this.plugins = plugins;
    this.warn = warn;
  }

  Plugins plugins() {
    return plugins;
  }

  /** The configured capture; with none named, pcap for a file or interface, else udp. */
  Plugins.Found<CaptureSource> capture(Settings g) throws StartupException {
    String name = g.get("CAPTURE").orElse(null);
    if (name == null) {
      if (g.get("PCAP_FILE").filter(s -> !s.isBlank()).isPresent()) {
        name = "pcap";
      } else if (g.flag("ENABLE_UDP_SERVER", false)) {
        name = "udp";
      } else if (g.has("PCAP_INTF") && !"default".equals(g.origin("PCAP_INTF"))) {
        name = "pcap";
      } else {
        name = "udp";
      }
    }
    return named(CaptureSource.class, "capture", name, new ArrayList<>());
  }

  /** The configured firewall; with none named, nftables, iptables, or the only one; null for none. */
  Plugins.Found<FirewallBackend> firewall(Settings g, boolean required) throws StartupException {
    String name = g.get("FIREWALL").orElse(null);
    if ("none".equals(name)) {
      return null;
    }
    List<String> errors = new ArrayList<>();
    // the names first: only the plugin chosen becomes a layer
    List<String> found = plugins.names(FirewallBackend.class, errors);
    String chosen = name;
    if (chosen == null) {
      chosen = List.of("nftables", "iptables").stream().filter(found::contains).findFirst()
          .orElse(found.size() == 1 ? found.get(0) : null);
    }
    if (chosen != null) {
      return named(FirewallBackend.class, "firewall", chosen, errors);
    }
    errors.forEach(e -> warn.accept("plugin " + e));
    if (found.isEmpty()) {
      if (required) {
        throw new StartupException("no firewall plugin is installed");
      }
      warn.accept("no firewall plugin is installed: decisions are logged, nothing is opened");
      return null;
    }
    throw new StartupException("several firewall plugins are installed " + found
        + ": choose one with --firewall NAME or FIREWALL");
  }

  /**
   * The provider of {@code service} named {@code name}, made into a layer if it waits; the plugins' faults in
   * {@code errors} and those met on the way are warnings.
   */
  private <S> Plugins.Found<S> named(Class<S> service, String kind, String name, List<String> errors)
      throws StartupException {
    List<Plugins.Found<S>> found = plugins.providers(service, name, errors);
    errors.forEach(e -> warn.accept("plugin " + e));
    if (found.isEmpty()) {
      throw new StartupException("no " + kind + " plugin named '" + name + "' is installed (found: "
          + plugins.names(service, new ArrayList<>()) + ")");
    }
    return found.get(0);
  }
}
