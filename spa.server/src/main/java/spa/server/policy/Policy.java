package spa.server.policy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import spa.core.Settings;

/** The compiled access policy: the daemon settings and the stanzas in the order they are tried. */
public final class Policy {
  private final ServerPolicy server;
  private final EngineSettings engine;
  private final List<Stanza> stanzas;
  private final Stanza[] array;
  private final Map<String, Stanza> byName = new HashMap<>();
  private final Settings globals;

  public Policy(ServerPolicy server, EngineSettings engine, List<Stanza> stanzas, Settings globals) {
    this.server = server;
    this.engine = engine;
    this.stanzas = List.copyOf(stanzas);
    this.array = stanzas.toArray(new Stanza[0]);
    this.globals = globals;
    for (Stanza s : stanzas) {
      byName.put(s.name(), s);
    }
  }

  public ServerPolicy server() {
    return server;
  }

  /** How the engine runs: read at start-up, a reload checks it but the running engine keeps its own. */
  public EngineSettings engine() {
    return engine;
  }

  public List<Stanza> stanzas() {
    return stanzas;
  }

  /** The stanzas as an array, for the packet path. */
  public Stanza[] stanzaArray() {
    return array;
  }

  public Stanza stanza(String name) {
    return byName.get(name);
  }

  /** The daemon-wide settings this policy was compiled from. */
  public Settings globals() {
    return globals;
  }

  /** True when some stanza's SOURCE matches {@code src}: fwknopd's first test after the prefilter. */
  public boolean anySourceMatches(InetAddress src) {
    if (src instanceof Inet4Address v4) {
      int ip = IpList.v4(v4);
      for (Stanza s : array) {
        if (s.source().matchesV4(ip)) {
          return true;
        }
      }
      return false;
    }
    for (Stanza s : array) {
      if (s.source().matches(src)) {
        return true;
      }
    }
    return false;
  }
}
