package spa.fw.iptables;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import spa.core.IpAddresses;

/**
 * Reads rules as {@code iptables -S} prints them and reduces a rule to a key that ignores how it was
 * written ({@code -p 6} or {@code -p tcp -m tcp}, {@code -s a} or {@code -s a/32}, {@code -d 0.0.0.0/0} or
 * nothing, option order) and its {@code _exp_} tag.
 */
final class RuleText {
  private static final Pattern EXP = Pattern.compile("_exp_(\\d{1,12})");

  private RuleText() {
  }

  /** Splits one line of {@code -S} output into arguments (double quotes group, backslash escapes). */
  static List<String> split(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (ch == '\\' && i + 1 < line.length()) {
        cur.append(line.charAt(++i));
        any = true;
      } else if (ch == '"') {
        quoted = !quoted;
        any = true;
      } else if (ch == ' ' && !quoted) {
        if (any) {
          out.add(cur.toString());
          cur.setLength(0);
          any = false;
        }
      } else {
        cur.append(ch);
        any = true;
      }
    }
    if (any) {
      out.add(cur.toString());
    }
    return out;
  }

  /** Arguments as one iptables-restore line: an argument with a space or quote is double-quoted. */
  static String line(List<String> args) {
    StringBuilder b = new StringBuilder();
    for (String a : args) {
      if (!b.isEmpty()) {
        b.append(' ');
      }
      b.append(a.matches("[A-Za-z0-9_./:,!+=@%-]+") ? a : "\"" + a.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }
    return b.toString();
  }

  /** The {@code _exp_} epoch in the rule's comment, or -1. */
  static long exp(List<String> args) {
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).equals("--comment")) {
        Matcher m = EXP.matcher(args.get(i + 1));
        if (m.matches()) {
          return Long.parseLong(m.group(1));
        }
      }
    }
    return -1;
  }

  /** The option values of a rule, normalized; each option once (the last wins). */
  static java.util.Map<String, String> options(List<String> args) {
    java.util.Map<String, String> m = new java.util.TreeMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String v = i + 1 < args.size() ? args.get(i + 1) : "";
      switch (a) {
        case "-A", "-I", "-t", "-m", "--comment" -> i++;
        case "-p" -> {
          m.put("p", switch (v) {
            case "6" -> "tcp";
            case "17" -> "udp";
            default -> v;
          });
          i++;
        }
        case "-s", "-d" -> {
          String addr = address(v);
          if (addr != null) {
            m.put(a.substring(1), addr);
          }
          i++;
        }
        case "--to-destination" -> {
          m.put("to-destination", hostPort(v));
          i++;
        }
        default -> {
          if (a.startsWith("-") && !v.startsWith("-")) {
            m.put(a.replaceFirst("^-+", ""), a.equals("--to-source") ? normal(v) : v);
            i++;
          } else {
            m.put(a, "");
          }
        }
      }
    }
    return m;
  }

  /** Chain plus normalized options: equal for the same rule however it was written and whenever it expires. */
  static String key(String chain, List<String> args) {
    return chain + " " + options(args);
  }

  /** The address of {@code -s}/{@code -d} without a host mask; null for "any". */
  private static String address(String v) {
    String a = v;
    if (a.endsWith("/32") || a.endsWith("/128")) {
      a = a.substring(0, a.lastIndexOf('/'));
    }
    if (a.equals("0.0.0.0/0") || a.equals("::/0")) {
      return null;
    }
    return normal(a);
  }

  private static String hostPort(String v) {
    if (v.startsWith("[")) {
      int close = v.indexOf(']');
      if (close > 0) {
        return "[" + normal(v.substring(1, close)) + "]" + v.substring(close + 1);
      }
    }
    return v;
  }

  /** A numeric address in one canonical text; anything else unchanged. */
  static String normal(String a) {
    InetAddress literal = a.contains("/") ? null : IpAddresses.literal(a);
    return literal == null ? a : literal.getHostAddress();
  }
}
