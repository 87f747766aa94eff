package spa.fw.ipfw;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * A simulator of FreeBSD's {@code ipfw(8)} for tests, run as a program ({@code main(stateFile, args...)}) through
 * {@link spa.fw.testkit.SimulatedTool}. It accepts the part of the manual's grammar spa and an admin's test
 * rules use: {@code [-qSdf] add [NUM] [set N] ACTION PROTO from ADDR to ADDR [dst-port P] [setup] [keep-state]
 * [// comment]}, {@code [set N] list|show [NUM...]} (with {@code -S}: the set field and {@code # DISABLED} rules of
 * disabled sets, which are otherwise not listed; with {@code -d}: the dynamic rules), {@code [set N] delete NUM...},
 * {@code delete set N}, {@code set disable|enable N...}, {@code set move [rule] N to S}, {@code set show},
 * {@code [set N] flush}. It refuses what ipfw refuses: unknown commands and actions, set numbers above 31, rule
 * numbers outside 1..65534, {@code setup} on a non-TCP rule, a port on a protocol without ports, non-numeric
 * addresses (no name lookups here), deleting a rule that is not there. The state file holds the rules (number,
 * set, canonical body), the disabled sets, and dynamic rules a test adds ({@code dyn NUM text} lines).
 */
public final class IpfwSimulator {
  private static final int EX_USAGE = 64;
  private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?");
  private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*(/\\d{1,3})?");

  /** One static rule. */
  record Rule(int number, int set, String body) {
  }

  private final List<Rule> rules = new ArrayList<>();
  private final Set<Integer> disabled = new TreeSet<>();
  private final List<String> dynamic = new ArrayList<>();
  private final StringBuilder out = new StringBuilder();

  public static void main(String[] args) throws IOException {
    Path state = Path.of(args[0]);
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    int status = call(state, Arrays.asList(args).subList(1, args.length), null, out, err);
    PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    stdout.print(out);
    stdout.flush();
    System.err.print(err);
    System.exit(status);
  }

  /**
   * Runs {@code args} on the state in {@code state}: what {@link #main} does, in this JVM; the exit status is
   * returned, the output appended to {@code out} and {@code err}.
   */
  public static int call(Path state, java.util.List<String> args, String stdin, StringBuilder out,
      StringBuilder err) throws IOException {
    IpfwSimulator sim = load(state);
    try {
      sim.execute(args);
    } catch (IllegalArgumentException e) {
      err.append("ipfw: ").append(e.getMessage()).append('\n');
      return EX_USAGE;
    }
    sim.save(state);
    out.append(sim.out);
    return 0;
  }

  /** The simulator's state from {@code state}; a missing file is an empty ruleset. */
  public static IpfwSimulator load(Path state) throws IOException {
    IpfwSimulator s = new IpfwSimulator();
    if (Files.exists(state)) {
      for (String line : Files.readAllLines(state)) {
        String[] w = line.split(" ", 4);
        switch (w[0]) {
          case "rule" -> s.rules.add(new Rule(Integer.parseInt(w[1]), Integer.parseInt(w[2]), w[3]));
          case "disabled" -> Arrays.stream(line.split(" ")).skip(1).forEach(n -> s.disabled.add(Integer.parseInt(n)));
          case "dyn" -> s.dynamic.add(line.substring(4));
          default -> throw new IllegalStateException("bad state line: " + line);
        }
      }
    }
    return s;
  }

  void save(Path state) throws IOException {
    List<String> lines = new ArrayList<>();
    StringBuilder d = new StringBuilder("disabled");
    disabled.forEach(n -> d.append(' ').append(n));
    lines.add(d.toString());
    rules.forEach(r -> lines.add("rule " + r.number + " " + r.set + " " + r.body));
    dynamic.forEach(x -> lines.add("dyn " + x));
    Files.write(state, lines);
  }

  void execute(List<String> argv) {
    List<String> a = new ArrayList<>(argv);
    Set<Character> flags = new TreeSet<>();
    while (!a.isEmpty() && a.get(0).startsWith("-")) {
      String f = a.remove(0);
      for (char ch : f.substring(1).toCharArray()) {
        if ("qSdfcaeNntT".indexOf(ch) < 0) {
          throw new IllegalArgumentException("illegal option -- " + ch);
        }
        flags.add(ch);
      }
    }
    if (a.isEmpty()) {
      throw new IllegalArgumentException("usage: ipfw [options] add|delete|list|show|set|flush ...");
    }
    Integer chosen = null;
    if (a.get(0).equals("set") && a.size() > 1 && a.get(1).matches("\\d+")) {
      a.remove(0);
      chosen = setNumber(a.remove(0));
    }
    Integer set = chosen;
    String cmd = a.remove(0);
    switch (cmd) {
      case "add" -> add(a, flags.contains('q'));
      case "list", "show" -> list(a, set, flags.contains('S'), flags.contains('d'));
      case "delete" -> delete(a, set);
      case "flush" -> rules.removeIf(r -> r.number != 65535 && (set == null || r.set == set));
      case "set" -> {
        if (set != null) {
          throw new IllegalArgumentException("invalid set command");
        }
        sets(a);
      }
      default -> throw new IllegalArgumentException("invalid command `" + cmd + "'");
    }
  }

  private void add(List<String> a, boolean quiet) {
    int number = -1;
    if (!a.isEmpty() && a.get(0).matches("\\d+")) {
      number = ruleNumber(a.remove(0));
    }
    int set = 0;
    if (a.size() > 1 && a.get(0).equals("set")) {
      a.remove(0);
      set = setNumber(a.remove(0));
      if (set == 31) {
        throw new IllegalArgumentException("set 31 is reserved for the default rule");
      }
    }
    if (a.isEmpty()) {
      throw new IllegalArgumentException("missing action");
    }
    String action = switch (a.remove(0)) {
      case "allow", "accept", "pass", "permit" -> "allow";
      case "deny", "drop" -> "deny";
      case "check-state" -> "check-state";
      case "count" -> "count";
      default -> throw new IllegalArgumentException("invalid action");
    };
    StringBuilder body = new StringBuilder(action);
    if (action.equals("check-state")) {
      body.append(" :default");
      a.clear();
    } else {
      body.append(' ').append(body(a));
    }
    if (number < 0) {
      int last = rules.stream().mapToInt(Rule::number).filter(n -> n != 65535).max().orElse(0);
      number = Math.min(last + 100, 65534);
    }
    Rule r = new Rule(number, set, body.toString());
    int at = 0;
    while (at < rules.size() && rules.get(at).number <= number) {
      at++;
    }
    rules.add(at, r);
    if (!quiet) {
      out.append(line(r, false, false)).append('\n');
    }
  }

  /** Checks {@code PROTO from A to B options} and returns it as ipfw lists it. */
  private static String body(List<String> a) {
    if (a.size() < 5 || !a.get(1).equals("from") || !a.get(3).equals("to")) {
      throw new IllegalArgumentException("missing \"from\" or \"to\"");
    }
    String proto = switch (a.get(0)) {
      case "tcp", "6" -> "tcp";
      case "udp", "17" -> "udp";
      case "ip", "all" -> "ip";
      case "ip4", "ipv4" -> "ip4";
      case "ip6", "ipv6" -> "ip6";
      case "icmp", "1" -> "icmp";
      default -> throw new IllegalArgumentException("invalid protocol ``" + a.get(0) + "''");
    };
    StringBuilder b = new StringBuilder(proto).append(" from ").append(address(a.get(2)))
        .append(" to ").append(address(a.get(4)));
    for (int i = 5; i < a.size(); i++) {
      String w = a.get(i);
      switch (w) {
        case "dst-port" -> {
          if (!proto.equals("tcp") && !proto.equals("udp")) {
            throw new IllegalArgumentException("dst-port only valid for tcp/udp");
          }
          if (i + 1 >= a.size() || !a.get(i + 1).matches("\\d{1,5}(,\\d{1,5})*")) {
            throw new IllegalArgumentException("invalid port list");
          }
          b.append(" dst-port ").append(a.get(++i));
        }
        case "setup" -> {
          if (!proto.equals("tcp")) {
            throw new IllegalArgumentException("setup only valid for tcp");
          }
          b.append(" setup");
        }
        case "keep-state" -> b.append(" keep-state :default");
        case "in", "out" -> b.append(' ').append(w);
        case "//" -> {
          b.append(" // ").append(String.join(" ", a.subList(i + 1, a.size())));
          i = a.size();
        }
        default -> throw new IllegalArgumentException("unrecognised option [" + i + "] " + w);
      }
    }
    return b.toString();
  }

  /** An address as ipfw prints it back: IPv6 compressed (inet_ntop), an optional mask kept. */
  private static String address(String a) {
    if (a.equals("any") || a.equals("me") || a.equals("me6")) {
      return a;
    }
    if (V4.matcher(a).matches() || V6.matcher(a).matches()) {
      int slash = a.indexOf('/');
      String host = slash < 0 ? a : a.substring(0, slash);
      java.net.InetAddress parsed = spa.core.IpAddresses.literal(host);
      if (parsed == null) {
        throw new IllegalArgumentException("bad address ``" + a + "''");
      }
      return spa.core.IpAddresses.text(parsed) + (slash < 0 ? "" : a.substring(slash));
    }
    throw new IllegalArgumentException("hostname ``" + a + "'' unknown");
  }

  private void list(List<String> a, Integer set, boolean showSets, boolean showDynamic) {
    Set<Integer> only = new TreeSet<>();
    a.forEach(n -> only.add(ruleNumber(n)));
    List<Integer> shown = new ArrayList<>();
    for (Rule r : allRules()) {
      boolean off = disabled.contains(r.set);
      if ((set == null || r.set == set) && (only.isEmpty() || only.contains(r.number)) && (showSets || !off)) {
        out.append(line(r, showSets, off)).append('\n');
        shown.add(r.number);
      }
    }
    if (showDynamic) {
      List<String> dyn = dynamic.stream().filter(d -> shown.contains(Integer.parseInt(d.split(" ")[0]))).toList();
      out.append("## Dynamic rules (").append(dyn.size()).append("):\n");
      dyn.forEach(d -> out.append(d).append('\n'));
    }
  }

  private List<Rule> allRules() {
    List<Rule> all = new ArrayList<>(rules);
    all.add(new Rule(65535, 31, "deny ip from any to any"));
    return all;
  }

  private static String line(Rule r, boolean showSet, boolean off) {
    return (off ? "# DISABLED " : "") + String.format("%05d ", r.number) + (showSet ? "set " + r.set + " " : "")
        + r.body;
  }

  private void delete(List<String> a, Integer set) {
    if (a.size() == 2 && a.get(0).equals("set") && set == null) {
      int s = setNumber(a.get(1));
      rules.removeIf(r -> r.set == s);
      return;
    }
    if (a.isEmpty()) {
      throw new IllegalArgumentException("rule number required");
    }
    for (String n : a) {
      int number = ruleNumber(n);
      boolean gone = rules.removeIf(r -> r.number == number && (set == null || r.set == set));
      if (!gone) {
        throw new IllegalArgumentException("rule " + number + ": setsockopt(IP_FW_XDEL): No such process");
      }
      dynamic.removeIf(d -> d.startsWith(number + " ") || d.startsWith(String.format("%05d ", number)));
    }
  }

  private void sets(List<String> a) {
    if (a.isEmpty()) {
      throw new IllegalArgumentException("set needs command");
    }
    switch (a.get(0)) {
      case "show" -> {
        StringBuilder b = new StringBuilder("disable");
        disabled.forEach(n -> b.append(' ').append(n));
        b.append(" enable");
        for (int i = 0; i < 32; i++) {
          if (!disabled.contains(i)) {
            b.append(' ').append(i);
          }
        }
        out.append(b).append('\n');
      }
      case "disable", "enable" -> {
        boolean off = true;
        for (String w : a) {
          if (w.equals("disable") || w.equals("enable")) {
            off = w.equals("disable");
          } else {
            int s = setNumber(w);
            if (s == 31) {
              throw new IllegalArgumentException("set 31 cannot be disabled");
            }
            if (off) {
              disabled.add(s);
            } else {
              disabled.remove(s);
            }
          }
        }
      }
      case "move" -> {
        List<String> m = new ArrayList<>(a.subList(1, a.size()));
        boolean rule = !m.isEmpty() && m.get(0).equals("rule");
        if (rule) {
          m.remove(0);
        }
        if (m.size() != 3 || !m.get(1).equals("to")) {
          throw new IllegalArgumentException("syntax: set move [rule] X to Y");
        }
        int to = setNumber(m.get(2));
        if (rule) {
          int n = ruleNumber(m.get(0));
          rules.replaceAll(r -> r.number == n ? new Rule(r.number, to, r.body) : r);
        } else {
          int from = setNumber(m.get(0));
          rules.replaceAll(r -> r.set == from ? new Rule(r.number, to, r.body) : r);
        }
      }
      default -> throw new IllegalArgumentException("invalid set command " + a.get(0));
    }
  }

  private static int setNumber(String s) {
    if (!s.matches("\\d+") || Integer.parseInt(s) > 31) {
      throw new IllegalArgumentException("invalid set number " + s);
    }
    return Integer.parseInt(s);
  }

  private static int ruleNumber(String s) {
    if (!s.matches("\\d+") || Integer.parseInt(s) < 1 || Integer.parseInt(s) > 65534) {
      throw new IllegalArgumentException("invalid rule number " + s);
    }
    return Integer.parseInt(s);
  }
}
