package spa.server.event;

import java.net.Inet6Address;
import java.util.List;
import java.util.Locale;
import spa.core.Nat;
import spa.core.ProtoPort;

/** How an event becomes one line: JSON (one object per line) or human-readable text. */
public enum EventFormat {
  /**
   * One JSON object per line: {@code ts}, {@code event}, then as they apply {@code reason}, {@code src},
   * {@code src_port}, {@code dst}, {@code dst_port}, {@code proto}, {@code user}, {@code allow},
   * {@code access}, {@code nat}, {@code timeout}, {@code stanza}, {@code command}, {@code signer}, {@code count}, {@code detail}.
   * Accept events always carry user, allow, access, nat (null without translation), timeout and stanza; an
   * aggregated refusal carries {@code src} without port and the {@code count} of packets it stands for.
   */
  JSON {
    @Override
    void append(Event e, ByteLine o, Timestamps ts) {
      o.ascii("{\"ts\":\"");
      ts.append(e.timeMillis(), o);
      o.ascii("\",\"event\":\"").ascii(e.type().code()).put('"');
      if (e.reason() != null) {
        o.ascii(",\"reason\":").jsonString(e.reason());
      }
      if (e.src() != null) {
        o.ascii(",\"src\":\"").address(e.src()).put('"');
        if (e.srcPort() >= 0) {
          o.ascii(",\"src_port\":").number(e.srcPort());
        }
      }
      if (e.dst() != null) {
        o.ascii(",\"dst\":\"").address(e.dst()).ascii("\",\"dst_port\":").number(e.dstPort());
      }
      if (e.protocol() >= 0) {
        o.ascii(",\"proto\":\"").ascii(protocol(e.protocol())).put('"');
      }
      boolean accept = e.type() == Event.Type.ACCEPT || e.type() == Event.Type.GRANT;
      if (e.user() != null || accept) {
        o.ascii(",\"user\":");
        nullable(o, e.user());
      }
      if (e.allow() != null || accept) {
        o.ascii(",\"allow\":");
        nullable(o, e.allow());
      }
      if (e.access() != null || accept) {
        o.ascii(",\"access\":[");
        List<ProtoPort> a = e.access() == null ? List.of() : e.access();
        for (int i = 0; i < a.size(); i++) {
          if (i > 0) {
            o.put(',');
          }
          o.put('"').ascii(a.get(i).proto()).put('/').number(a.get(i).port()).put('"');
        }
        o.put(']');
      }
      if (e.nat() != null || accept) {
        o.ascii(",\"nat\":");
        nat(o, e.nat());
      }
      if (e.timeout() >= 0 || accept) {
        o.ascii(",\"timeout\":");
        if (e.timeout() >= 0) {
          o.number(e.timeout());
        } else {
          o.ascii("null");
        }
      }
      if (e.stanza() != null || accept) {
        o.ascii(",\"stanza\":");
        nullable(o, e.stanza());
      }
      if (e.command() != null) {
        o.ascii(",\"command\":").jsonString(e.command());
      }
      if (e.signer() != null) {
        o.ascii(",\"signer\":").jsonString(e.signer());
      }
      if (e.count() >= 0) {
        o.ascii(",\"count\":").number(e.count());
      }
      if (e.detail() != null) {
        o.ascii(",\"detail\":").jsonString(e.detail());
      }
      o.ascii("}\n");
    }

    private void nullable(ByteLine o, String s) {
      if (s == null) {
        o.ascii("null");
      } else {
        o.jsonString(s);
      }
    }

    private void nat(ByteLine o, Nat n) {
      if (n == null) {
        o.ascii("null");
        return;
      }
      o.ascii("{\"kind\":\"").ascii(kind(n.kind())).put('"');
      o.ascii(",\"to\":");
      if (n.target() == null) {
        o.ascii("null");
      } else {
        o.put('"').address(n.target()).put('"');
      }
      o.ascii(",\"port\":").number(n.port());
      o.ascii(",\"dnat\":").ascii(n.dnat() ? "true" : "false");
      o.ascii(",\"snat\":\"").ascii(n.snat().name().toLowerCase(Locale.ROOT)).put('"');
      if (n.snatAddress() != null) {
        o.ascii(",\"snat_to\":\"").address(n.snatAddress()).put('"');
      }
      o.put('}');
    }
  },

  /** {@code <ts> <event> key=value ...}, one line per event. */
  TEXT {
    @Override
    void append(Event e, ByteLine o, Timestamps ts) {
      ts.append(e.timeMillis(), o);
      o.put(' ').ascii(e.type().code());
      if (e.reason() != null) {
        o.ascii(" reason=").printable(e.reason());
      }
      if (e.src() != null) {
        // an IPv6 address and its port kept apart as in URLs: [fd00::2]:57315 (the same for dst)
        boolean bracket = e.srcPort() >= 0 && e.src() instanceof Inet6Address;
        o.ascii(bracket ? " src=[" : " src=").address(e.src());
        if (e.srcPort() >= 0) {
          o.ascii(bracket ? "]:" : ":").number(e.srcPort());
        }
      }
      if (e.dst() != null) {
        boolean bracket = e.dst() instanceof Inet6Address;
        o.ascii(bracket ? " dst=[" : " dst=").address(e.dst()).ascii(bracket ? "]:" : ":").number(e.dstPort())
            .put('/').ascii(protocol(e.protocol()));
      }
      if (e.user() != null) {
        o.ascii(" user=\"").printable(e.user()).put('"');
      }
      if (e.allow() != null) {
        o.ascii(" allow=").ascii(e.allow());
      }
      if (e.access() != null && !e.access().isEmpty()) {
        o.ascii(" access=");
        for (int i = 0; i < e.access().size(); i++) {
          if (i > 0) {
            o.put(',');
          }
          o.ascii(e.access().get(i).proto()).put('/').number(e.access().get(i).port());
        }
      }
      if (e.nat() != null) {
        Nat n = e.nat();
        o.ascii(" nat=").ascii(kind(n.kind()));
        if (n.target() != null) {
          o.put(':').address(n.target()).put(':').number(n.port());
        }
        if (n.snat() != Nat.Snat.NONE) {
          o.ascii(",snat=").ascii(n.snat().name().toLowerCase(Locale.ROOT));
          if (n.snatAddress() != null) {
            o.put(':').address(n.snatAddress());
          }
        }
        if (!n.dnat()) {
          o.ascii(",no-dnat");
        }
      }
      if (e.timeout() >= 0) {
        o.ascii(" timeout=").number(e.timeout());
      }
      if (e.stanza() != null) {
        o.ascii(" stanza=\"").printable(e.stanza()).put('"');
      }
      if (e.command() != null) {
        o.ascii(" command=\"").printable(e.command()).put('"');
      }
      if (e.signer() != null) {
        o.ascii(" signer=").printable(e.signer());
      }
      if (e.count() >= 0) {
        o.ascii(" count=").number(e.count());
      }
      if (e.detail() != null) {
        o.ascii(" detail=\"").printable(e.detail()).put('"');
      }
      o.put('\n');
    }
  };

  abstract void append(Event e, ByteLine out, Timestamps ts);

  static String kind(Nat.Kind k) {
    return switch (k) {
      case FORWARD -> "forward";
      case LOCAL -> "local";
      case FORWARD_ALL -> "forward-all";
    };
  }

  static String protocol(int p) {
    return switch (p) {
      case 6 -> "tcp";
      case 17 -> "udp";
      case 1 -> "icmp";
      case 58 -> "icmpv6";
      default -> Integer.toString(p);
    };
  }

  /** Parses {@code json} or {@code text}. */
  public static EventFormat parse(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "json" -> JSON;
      case "text" -> TEXT;
      default -> throw new IllegalArgumentException("log format must be json or text, not '" + name + "'");
    };
  }
}
