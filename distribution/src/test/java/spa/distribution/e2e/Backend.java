package spa.distribution.e2e;

import java.time.Duration;
import java.util.List;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;

/**
 * A firewall backend under test, with the admin's own rules it must live next to, and how a test reads what
 * the server namespace's firewall holds. Every command runs inside the server namespace.
 */
enum Backend {
  /** spa's own table {@code inet spa} drops the protected ports; the admin has an unrelated table of their own. */
  NFTABLES("nftables", true, Duration.ZERO) {
    private static final String ADMIN = """
        table inet admin {
          set blocked { type ipv4_addr; elements = { 198.18.0.99 } }
          chain input {
            type filter hook input priority filter + 10; policy accept;
            ip saddr @blocked drop
            tcp dport 2222 drop
          }
        }
        """;

    @Override
    void reset(Site site) {
      site.server("nft", "flush", "ruleset");
      CommandResult r = site.runInServer(Command.of("nft", "-f", "-").withInput(ADMIN));
      if (!r.ok()) {
        throw new IllegalStateException(r.failure());
      }
    }

    @Override
    List<String> conf() {
      // the protected ports are the access stanzas' OPEN_PORTS; forwarding only with a grant (a gateway)
      return List.of("NFT_FORWARD_DROP Y;");
    }

    @Override
    List<String> ghostConf() {
      // the ghost entrance tcp/80 is an OPEN_PORTS of its stanza but must stay public
      return List.of("NFT_PROTECTED_PORTS tcp/22;");
    }

    @Override
    long openings(Site site, String source) {
      CommandResult r = site.runInServer(Command.of("nft", "list", "table", "inet", "spa"));
      return r.ok() ? r.stdout().split(java.util.regex.Pattern.quote(source + " . "), -1).length - 1 : 0;
    }

    @Override
    String snapshot(Site site) {
      return site.server("nft", "list", "ruleset");
    }
  },

  /**
   * fwknop's layout: the admin's INPUT drops tcp/22 after accepting established connections, FORWARD drops by
   * policy, and an admin chain of their own; spad jumps to its FWKNOP_* chains first. spa's chains are flushed
   * neither at start-up nor at exit ({@code FLUSH_IPT_AT_INIT N}, {@code FLUSH_IPT_AT_EXIT N}), so openings
   * outlive a restart, and what a restarted spad removes it removes by reconciling with its grant journal.
   */
  IPTABLES("iptables", false, Duration.ofSeconds(1)) {
    @Override
    void reset(Site site) {
      for (String exe : List.of("iptables", "ip6tables")) {
        for (String table : List.of("filter", "nat")) {
          site.server(exe, "-t", table, "-F");
          site.server(exe, "-t", table, "-X");
        }
        site.server(exe, "-A", "INPUT", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
        site.server(exe, "-A", "INPUT", "-p", "tcp", "--dport", "22", "-j", "DROP");
        site.server(exe, "-N", "ADMIN_AUDIT");
        site.server(exe, "-A", "ADMIN_AUDIT", "-j", "RETURN");
        site.server(exe, "-A", "INPUT", "-p", "tcp", "--dport", "2222", "-j", "ADMIN_AUDIT");
        site.server(exe, "-P", "FORWARD", "DROP");
        site.server(exe, "-A", "FORWARD", "-m", "conntrack", "--ctstate", "ESTABLISHED,RELATED", "-j", "ACCEPT");
      }
    }

    @Override
    List<String> conf() {
      return List.of("FLUSH_IPT_AT_INIT N;", "FLUSH_IPT_AT_EXIT N;");
    }

    @Override
    List<String> ghostConf() {
      return List.of();
    }

    @Override
    long openings(Site site, String source) {
      String exe = source.contains(":") ? "ip6tables" : "iptables";
      String rules = site.server(exe, "-S") + site.server(exe, "-t", "nat", "-S");
      return rules.lines().filter(l -> l.startsWith("-A FWKNOP_") && l.contains(" " + source + "/")).count();
    }

    @Override
    String snapshot(Site site) {
      StringBuilder sb = new StringBuilder();
      for (String exe : List.of("iptables", "ip6tables")) {
        for (String table : List.of("filter", "nat")) {
          sb.append("# ").append(exe).append(" -t ").append(table).append('\n')
              .append(site.server(exe, "-t", table, "-S"));
        }
      }
      return sb.toString();
    }
  },

  /**
   * The example plugin {@code command} (examples/fw-command), its templates driving nft: the admin's ruleset holds
   * table {@code inet fwcmd}, whose sets the templates fill, one element per proto/port with its expiry as comment,
   * and whose chain accepts their members and drops tcp/22 for everyone else; the admin's own table sits beside
   * it. The engine expires the openings.
   */
  COMMAND("command", false, Duration.ofSeconds(1)) {
    private static final String RULESET = """
        table inet fwcmd {
          set allow4 { type ipv4_addr . inet_proto . inet_service; }
          set allow6 { type ipv6_addr . inet_proto . inet_service; }
          chain input {
            type filter hook input priority filter; policy accept;
            ct state established,related accept
            ip saddr . meta l4proto . th dport @allow4 accept
            ip6 saddr . meta l4proto . th dport @allow6 accept
            tcp dport 22 drop
          }
        }
        table inet admin {
          chain input {
            type filter hook input priority filter + 10; policy accept;
            tcp dport 2222 drop
          }
        }
        """;

    @Override
    void reset(Site site) {
      site.server("nft", "flush", "ruleset");
      CommandResult r = site.runInServer(Command.of("nft", "-f", "-").withInput(RULESET));
      if (!r.ok()) {
        throw new IllegalStateException(r.failure());
      }
    }

    @Override
    List<String> conf() {
      // fwknopd.conf cuts a value at ';', so no template holds one
      return List.of(
          "FWCMD_OPEN nft add element inet fwcmd allow${IPV} { ${SOURCE} . ${PROTO} . ${PORT} comment exp${EXPIRES} }",
          "FWCMD_CLOSE nft delete element inet fwcmd allow${IPV} { ${SOURCE} . ${PROTO} . ${PORT} }",
          "FWCMD_LIST nft list table inet fwcmd",
          "FWCMD_LIST_PATTERN (?<source>[0-9a-f.:]+) \\. (?<proto>tcp|udp) \\. (?<port>\\d+) comment \"exp(?<expires>\\d+)\"",
          "FWCMD_CHECK nft list chain inet fwcmd input");
    }

    @Override
    List<String> ghostConf() {
      return List.of();
    }

    @Override
    long openings(Site site, String source) {
      CommandResult r = site.runInServer(Command.of("nft", "list", "table", "inet", "fwcmd"));
      return r.ok() ? r.stdout().split(java.util.regex.Pattern.quote(source + " . "), -1).length - 1 : 0;
    }

    @Override
    String snapshot(Site site) {
      return site.server("nft", "list", "ruleset");
    }
  };

  private final String pluginName;
  private final boolean kernelExpiry;
  private final Duration expiryResolution;

  Backend(String pluginName, boolean kernelExpiry, Duration expiryResolution) {
    this.pluginName = pluginName;
    this.kernelExpiry = kernelExpiry;
    this.expiryResolution = expiryResolution;
  }

  /**
   * How precisely the firewall records an expiry: iptables' {@code _exp_} tag holds whole seconds, and a
   * restarted spad reschedules from it.
   */
  Duration expiryResolution() {
    return expiryResolution;
  }

  /** The {@code --firewall} name. */
  String pluginName() {
    return pluginName;
  }

  /** Whether the kernel closes openings on time by itself (nftables element timeouts). */
  boolean kernelExpiry() {
    return kernelExpiry;
  }

  /** Removes every rule in the server namespace and loads the admin's rules. */
  abstract void reset(Site site);

  /** fwknopd.conf lines this backend needs in every test. */
  abstract List<String> conf();

  /** fwknopd.conf lines for the ghost service (local NAT to tcp/22 on the public tcp/80). */
  abstract List<String> ghostConf();

  /** How many set or map elements, or FWKNOP_* rules, the firewall holds for {@code source}. */
  abstract long openings(Site site, String source);

  /** Whether the firewall holds an opening for {@code source}. */
  boolean holds(Site site, String source) {
    return openings(site, source) > 0;
  }

  /** The whole firewall state, to compare before and after. */
  abstract String snapshot(Site site);
}
