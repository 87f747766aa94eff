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

/** Reads spa's set and map elements out of {@code nft -j list set} (and {@code list map}) output and rebuilds grants from them. */
final class Listing {

  /** One element as the kernel holds it. */
  record Entry(SetKind kind, boolean v6, List<String> key, List<String> data, Long expiresSeconds, String comment) {
  }

  private Listing() {
  }

  /**
   * The elements of spa's sets (names with {@code prefix}) in the JSON document, read in one pass straight into
   * entries: no tree of the document is built, which for a listing of 100,000 elements would be many times its size.
   */
  static List<Entry> entries(String json, String prefix) {
    Json j = new Json(json);
    List<Entry> out = new ArrayList<>();
    if (j.peek() != Json.Kind.OBJECT) {
      j.skip();
    } else {
      j.beginObject();
      for (String k = j.nextKey(); k != null; k = j.nextKey()) {
        if (k.equals("nftables") && j.peek() == Json.Kind.ARRAY) {
          j.beginArray();
          while (j.hasNext()) {
            item(j, prefix, out);
          }
        } else {
          j.skip();
        }
      }
    }
    j.end();
    return out;
  }

  /** One item of the {@code nftables} array: a set or map adds its elements; anything else is skipped. */
  private static void item(Json j, String prefix, List<Entry> out) {
    if (j.peek() != Json.Kind.OBJECT) {
      j.skip();
      return;
    }
    j.beginObject();
    for (String k = j.nextKey(); k != null; k = j.nextKey()) {
      if ((k.equals("set") || k.equals("map")) && j.peek() == Json.Kind.OBJECT) {
        set(j, prefix, out);
      } else {
        j.skip();
      }
    }
  }

  /**
   * A set or map body. nft prints its name before its elements; should the elements come first, the reader
   * goes back to them once the name is known.
   */
  private static void set(Json j, String prefix, List<Entry> out) {
    j.beginObject();
    SetKind.Named named = null;
    int elemAt = -1;
    for (String k = j.nextKey(); k != null; k = j.nextKey()) {
      if (k.equals("name") && j.peek() == Json.Kind.STRING) {
        named = SetKind.parse(prefix, j.string());
      } else if (k.equals("elem") && named != null) {
        elements(j, named, out);
      } else if (k.equals("elem")) {
        elemAt = j.position();
        j.skip();
      } else {
        j.skip();
      }
    }
    if (named != null && elemAt >= 0) {
      int after = j.position();
      j.reset(elemAt);
      elements(j, named, out);
      j.reset(after);
    }
  }

  private static void elements(Json j, SetKind.Named named, List<Entry> out) {
    if (j.peek() != Json.Kind.ARRAY) {
      j.skip();
      return;
    }
    j.beginArray();
    while (j.hasNext()) {
      out.add(entry(j, named));
    }
  }

  /**
   * One element: a key ({@code "A"} or {@code {"concat": [...]}}, either of them bare or as the {@code val} of
   * {@code {"elem": {"val": ..., "expires": S, "comment": C}}}), and for a map {@code [key, data]}.
   */
  private static Entry entry(Json j, SetKind.Named named) {
    Parts e = new Parts();
    if (named.kind().isMap()) {
      if (j.peek() != Json.Kind.ARRAY) {
        throw notPair(named);
      }
      j.beginArray();
      if (!j.hasNext()) {
        throw notPair(named);
      }
      key(j, e);
      if (!j.hasNext()) {
        throw notPair(named);
      }
      e.data = parts(j);
      if (j.hasNext()) {
        throw notPair(named);
      }
    } else {
      key(j, e);
    }
    e.key = named.kind().protocolNames(e.key);
    if (!named.kind().fits(e.key, e.data)) {
      throw new IllegalArgumentException("set element " + e.key + (e.data.isEmpty() ? "" : " : " + e.data)
          + " does not fit the type of " + named.kind());
    }
    return new Entry(named.kind(), named.v6(), e.key, e.data, e.expires, e.comment);
  }

  private static IllegalArgumentException notPair(SetKind.Named named) {
    return new IllegalArgumentException("an element of map " + named.kind() + " is not [key, data]");
  }

  /** An element's parts while it is read. */
  private static final class Parts {
    List<String> key = List.of();
    List<String> data = List.of();
    Long expires;
    String comment = "";
  }

  private static void key(Json j, Parts e) {
    if (j.peek() != Json.Kind.OBJECT) {
      e.key = parts(j);
      return;
    }
    int at = j.position();
    j.beginObject();
    if (!"elem".equals(j.nextKey())) {
      j.reset(at); // no attributes: the key itself, a concatenation
      e.key = parts(j);
      return;
    }
    if (j.peek() != Json.Kind.OBJECT) {
      throw new IllegalArgumentException("a set element's \"elem\" is not an object");
    }
    j.beginObject();
    for (String a = j.nextKey(); a != null; a = j.nextKey()) {
      if (a.equals("val")) {
        e.key = parts(j);
      } else if (a.equals("expires") && j.peek() == Json.Kind.NUMBER) {
        e.expires = ((Number) j.scalar()).longValue();
      } else if (a.equals("comment") && j.peek() == Json.Kind.STRING) {
        e.comment = j.string();
      } else {
        j.skip();
      }
    }
    if (j.nextKey() != null) {
      throw new IllegalArgumentException("a set element has more than \"elem\"");
    }
  }

  /** A value or a concatenation of values, each in its canonical text. */
  private static List<String> parts(Json j) {
    Json.Kind kind = j.peek();
    if (kind == Json.Kind.ARRAY) {
      throw new IllegalArgumentException("a set element's part is an array");
    }
    if (kind != Json.Kind.OBJECT) {
      return List.of(canonical(j.scalar()));
    }
    j.beginObject();
    String k = j.nextKey();
    if (!"concat".equals(k) || j.peek() != Json.Kind.ARRAY) {
      throw new IllegalArgumentException("a set element's part is neither a value nor a concatenation: " + k);
    }
    List<String> out = new ArrayList<>(4);
    j.beginArray();
    while (j.hasNext()) {
      out.add(canonical(j.scalar()));
    }
    if (j.nextKey() != null) {
      throw new IllegalArgumentException("a set element's concatenation has more than \"concat\"");
    }
    return List.copyOf(out);
  }

  private static String canonical(Object x) {
    String s = String.valueOf(x);
    if (x instanceof Number || plainIpv4(s)) {
      return s;
    }
    InetAddress a = IpAddresses.literal(s);
    return a != null ? IpAddresses.text(a) : s;
  }

  /**
   * Whether {@code s} is an IPv4 address in its canonical text (four decimal octets, no leading zeros), as nft
   * prints them: then it needs no round trip through {@link InetAddress}, the most part of reading an element.
   */
  static boolean plainIpv4(String s) {
    int n = s.length();
    if (n < 7 || n > 15) {
      return false;
    }
    int octets = 0;
    int i = 0;
    while (i < n) {
      int start = i;
      int v = 0;
      while (i < n && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        v = v * 10 + s.charAt(i++) - '0';
      }
      int digits = i - start;
      if (digits == 0 || v > 255 || digits > 1 && s.charAt(start) == '0') {
        return false;
      }
      octets++;
      if (i == n) {
        break;
      }
      if (s.charAt(i++) != '.' || i == n) {
        return false;
      }
    }
    return octets == 4;
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
}
