package spa.server.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

  /** The configured capture; with none named, pcap for a file or interface, else udp. */
  Plugins plugins() {
    return plugins;
  }

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
    List<String> errors = new ArrayList<>();
    List<Plugins.Found<CaptureSource>> found = plugins.providers(CaptureSource.class, CaptureSource::name, errors);
    errors.forEach(e -> warn.accept("plugin " + e));
    String wanted = name;
    return found.stream().filter(f -> f.info().name().equals(wanted)).findFirst()
        .orElseThrow(() -> new StartupException("no capture plugin named '" + wanted + "' is installed (found: "
            + found.stream().map(f -> f.info().name()).toList() + ")"));
  }

  /** The configured firewall; with none named, nftables, iptables, or the only one; null for none. */
  Plugins.Found<FirewallBackend> firewall(Settings g, boolean required) throws StartupException {
    String name = g.get("FIREWALL").orElse(null);
    if ("none".equals(name)) {
      return null;
    }
    List<String> errors = new ArrayList<>();
    List<Plugins.Found<FirewallBackend>> found = plugins.providers(FirewallBackend.class, FirewallBackend::name, errors);
    errors.forEach(e -> warn.accept("plugin " + e));
    if (name != null) {
      String wanted = name;
      return found.stream().filter(f -> f.info().name().equals(wanted)).findFirst()
          .orElseThrow(() -> new StartupException("no firewall plugin named '" + wanted + "' is installed (found: "
              + found.stream().map(f -> f.info().name()).toList() + ")"));
    }
    for (String preferred : List.of("nftables", "iptables")) {
      Optional<Plugins.Found<FirewallBackend>> f =
          found.stream().filter(x -> x.info().name().equals(preferred)).findFirst();
      if (f.isPresent()) {
        return f.get();
      }
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.isEmpty()) {
      if (required) {
        throw new StartupException("no firewall plugin is installed");
      }
      warn.accept("no firewall plugin is installed: decisions are logged, nothing is opened");
      return null;
    }
    throw new StartupException("several firewall plugins are installed " + found.stream().map(f -> f.info().name())
        .toList() + ": choose one with --firewall NAME or FIREWALL");
  }
}
