package spa.fw.ipfw;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import spa.core.IpAddresses;
import spa.core.ProtoPort;

/**
 * One ipfw rule as spa writes and lists it: {@code NUM set S pass PROTO from SRC to me|DST dst-port PORT
 * [setup] keep-state // _exp_EPOCH}, or spa's {@code check-state} rule.
 *
 * @param number the rule number
 * @param set the set it is in
 * @param source the granted source, null for a check-state rule
 * @param destination the destination, null for {@code me}/{@code me6}
 * @param access the proto/port, null for a check-state rule
 * @param expires the {@code _exp_} epoch second, 0 for a check-state rule, -1 for a rule that is not spa's
 */
record IpfwRule(int number, int set, InetAddress source, InetAddress destination, ProtoPort access, long expires) {
  static final String EXP = "_exp_";

  boolean checkState() {
    return source == null && expires == 0;
  }

  /** A rule spa did not write (its number and set only). */
  boolean foreign() {
    return expires < 0;
  }

  /** One proto/port of a grant. */
  boolean grant() {
    return source != null;
  }

  /** Any other rule of a listing line, by its number and set. */
  static IpfwRule foreign(String line) {
    String[] w = line.strip().replaceFirst("^# DISABLED ", "").split("\\s+");
    int set = w.length > 2 && w[1].equals("set") ? Integer.parseInt(w[2]) : 0;
    return new IpfwRule(Integer.parseInt(w[0]), set, null, null, null, -1);
  }

  /** The arguments after {@code ipfw -q add} that create this rule. */
  List<String> addArgs() {
    List<String> a = new ArrayList<>(List.of(String.valueOf(number), "set", String.valueOf(set)));
    if (checkState()) {
      a.add("check-state");
      return a;
    }
    boolean v6 = source.getAddress().length == 16;
    a.addAll(List.of("pass", access.proto(), "from", IpAddresses.text(source), "to",
        destination == null ? (v6 ? "me6" : "me") : IpAddresses.text(destination),
        "dst-port", String.valueOf(access.port())));
    if (access.proto().equals("tcp")) {
      a.add("setup");
    }
    a.addAll(List.of("keep-state", "//", EXP + expires));
    return a;
  }

  /**
   * Reads one line of {@code ipfw -S list} (with or without {@code # DISABLED} and the {@code set} field):
   * spa's rule, or null for any other well-formed rule. A line that is not an ipfw rule at all throws.
   */
  static IpfwRule parse(String line) {
    String l = line.strip();
    if (l.startsWith("# DISABLED ")) {
      l = l.substring("# DISABLED ".length()).strip();
    }
    String[] w = l.split("\\s+");
    int number;
    try {
      number = Integer.parseInt(w[0]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an ipfw rule: " + line);
    }
    int i = 1;
    int set = 0;
    if (w.length > 2 && w[1].equals("set")) {
      set = Integer.parseInt(w[2]);
      i = 3;
    }
    if (i < w.length && w[i].equals("check-state")) {
      return new IpfwRule(number, set, null, null, null, 0);
    }
    int comment = l.indexOf("// ");
    String exp = comment < 0 ? "" : l.substring(comment + 3).strip();
    if (!exp.startsWith(EXP) || w.length < i + 8 || !w[i].equals("allow") || !w[i + 2].equals("from")
        || !w[i + 4].equals("to") || !w[i + 6].equals("dst-port")) {
      return null;
    }
    try {
      long epoch = Long.parseLong(exp.substring(EXP.length()).split("\\s")[0]);
      InetAddress src = literal(w[i + 3]);
      InetAddress dst = w[i + 5].equals("me") || w[i + 5].equals("me6") ? null : literal(w[i + 5]);
      ProtoPort pp = new ProtoPort(w[i + 1], Integer.parseInt(w[i + 7]));
      return new IpfwRule(number, set, src, dst, pp, epoch);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static InetAddress literal(String text) {
    InetAddress a = IpAddresses.literal(text);
    if (a == null) {
      throw new IllegalArgumentException("not an address: " + text);
    }
    return a;
  }
}
