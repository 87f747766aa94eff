package spa.fw.nftables;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import spa.core.Grant;
import spa.core.IpAddresses;
import spa.core.Nat;
import spa.core.ProtoPort;

/** Reads spa's set and map elements out of {@code nft -j list table} output and rebuilds grants from them. */
final class Listing {

  /** One element as the kernel holds it. */
  record Entry(SetKind kind, boolean v6, List<String> key, List<String> data, Long expiresSeconds, String comment) {
  }

  private Listing() {
  }

  /** The elements of spa's sets (names with {@code prefix}) in the JSON document. */
  static List<Entry> entries(String json, String prefix) {
    Object root = Json.parse(json);
    List<Entry> out = new ArrayList<>();
    for (Object item : list(map(root).get("nftables"))) {
      Map<String, Object> obj = map(item);
      Object body = obj.containsKey("set") ? obj.get("set") : obj.get("map");
      if (body == null) {
        continue;
      }
      Map<String, Object> set = map(body);
      SetKind.Named named = SetKind.parse(prefix, String.valueOf(set.get("name")));
      if (named == null || !set.containsKey("elem")) {
        continue;
      }
      for (Object e : list(set.get("elem"))) {
        out.add(entry(named, e));
      }
    }
    return out;
  }

  private static Entry entry(SetKind.Named named, Object e) {
    Object keyPart = e;
    List<String> data = List.of();
    if (named.kind().isMap() && e instanceof List<?> pair && pair.size() == 2) {
      keyPart = pair.get(0);
      data = parts(pair.get(1));
    }
    Long expires = null;
    String comment = "";
    if (keyPart instanceof Map<?, ?> m && m.get("elem") instanceof Map<?, ?> elem) {
      keyPart = elem.get("val");
      if (elem.get("expires") instanceof Number n) {
        expires = n.longValue();
      }
      if (elem.get("comment") instanceof String s) {
        comment = s;
      }
    }
    List<String> key = parts(keyPart);
    if (!named.kind().fits(key, data)) {
      throw new IllegalArgumentException("set element " + key + (data.isEmpty() ? "" : " : " + data)
          + " does not fit the type of " + named.kind());
    }
    return new Entry(named.kind(), named.v6(), key, data, expires, comment);
  }

  private static List<String> parts(Object v) {
    if (v instanceof Map<?, ?> m && m.get("concat") instanceof List<?> l) {
      List<String> out = new ArrayList<>();
      l.forEach(x -> out.add(canonical(x)));
      return out;
    }
    return List.of(canonical(v));
  }

  private static String canonical(Object x) {
    String s = String.valueOf(x);
    if (x instanceof Number) {
      return s;
    }
    InetAddress a = IpAddresses.literal(s);
    return a != null ? IpAddresses.text(a) : s;
  }

  /** Groups entries into grants: one per source and comment, expiring with the first of its elements. */
  static List<Grant> grants(List<Entry> entries, Instant now) {
    Map<List<String>, List<Entry>> groups = new LinkedHashMap<>();
    for (Entry e : entries) {
      groups.computeIfAbsent(List.of(e.key().get(0), e.comment()), k -> new ArrayList<>()).add(e);
    }
    List<Grant> out = new ArrayList<>();
    for (List<Entry> group : groups.values()) {
      Grant g = grant(group, now);
      if (g != null) {
        out.add(g);
      }
    }
    return out;
  }

  private static Grant grant(List<Entry> group, Instant now) {
    InetAddress source = IpAddresses.literal(group.get(0).key().get(0));
    if (source == null) {
      return null;
    }
    String comment = group.get(0).comment();
    String stanza = "";
    List<ProtoPort> access = new ArrayList<>();
    if (comment.startsWith("spa:")) {
      String rest = comment.substring(4);
      int sp = rest.indexOf(' ');
      stanza = sp < 0 ? "" : rest.substring(sp + 1);
      try {
        access.addAll(ProtoPort.parseList(sp < 0 ? rest : rest.substring(0, sp), 0));
      } catch (IllegalArgumentException e) {
        access.clear();
      }
    }
    InetAddress destination = null;
    Nat.Kind kind = null;
    InetAddress target = null;
    int port = 0;
    boolean dnat = false;
    Nat.Snat snat = Nat.Snat.NONE;
    InetAddress snatAddress = null;
    List<ProtoPort> seen = new ArrayList<>();
    Long expires = null;
    for (Entry e : group) {
      if (e.expiresSeconds() != null) {
        expires = expires == null ? e.expiresSeconds() : Math.min(expires, e.expiresSeconds());
      }
      List<String> k = e.key();
      switch (e.kind()) {
        case ACCESS -> seen.add(pp(k.get(1), k.get(2)));
        case ACCESS_DST -> {
          destination = IpAddresses.literal(k.get(1));
          seen.add(pp(k.get(2), k.get(3)));
        }
        case LOCAL_NAT -> {
          kind = Nat.Kind.LOCAL;
          port = Integer.parseInt(e.data().get(0));
          dnat = true;
          seen.add(pp(k.get(1), k.get(2)));
        }
        case DNAT -> {
          kind = Nat.Kind.FORWARD;
          target = IpAddresses.literal(e.data().get(0));
          port = Integer.parseInt(e.data().get(1));
          dnat = true;
          seen.add(pp(k.get(1), k.get(2)));
        }
        case FORWARD -> {
          if (kind == null) {
            kind = Nat.Kind.FORWARD;
            target = IpAddresses.literal(k.get(1));
            port = Integer.parseInt(k.get(3));
          }
          if (!dnat) {
            seen.add(pp(k.get(2), k.get(3)));
          }
        }
        case FORWARD_ALL -> kind = Nat.Kind.FORWARD_ALL;
        case MASQUERADE, MASQUERADE_ALL -> snat = Nat.Snat.MASQUERADE;
        case SNAT, SNAT_ALL -> {
          snat = Nat.Snat.SNAT;
          snatAddress = IpAddresses.literal(e.data().get(0));
        }
        case NAT_INPUT -> { }
        default -> throw new IllegalStateException();
      }
    }
    if (access.isEmpty()) {
      seen.stream().filter(Objects::nonNull).distinct().forEach(access::add);
    }
    Nat nat = kind == null ? null : new Nat(kind, target, port, snat, snatAddress, dnat);
    Instant until = expires == null ? Instant.MAX : now.plusSeconds(expires);
    return new Grant(source, destination, access, nat, until, stanza);
  }

  private static ProtoPort pp(String proto, String port) {
    try {
      return new ProtoPort(proto, Integer.parseInt(port));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<Object> list(Object o) {
    return o instanceof List<?> l ? new ArrayList<>(l) : List.of();
  }
}
