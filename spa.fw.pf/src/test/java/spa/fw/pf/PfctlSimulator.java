package spa.fw.pf;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A simulator of {@code pfctl(8)} for tests, run as a program ({@code main(stateFile, args...)}) through
 * {@link spa.fw.testkit.SimulatedTool}. Options as the manual has them, getopt style ({@code -sr} is
 * {@code -s rules}; modifiers may be abbreviated): {@code -a anchor}, {@code -f file|-} (loads the main ruleset or
 * the anchor, atomically: a syntax error changes nothing), {@code -s rules|Anchors|states|info},
 * {@code -F rules|states|all}, {@code -k host} (once or twice), {@code -n}, {@code -q}. Rules are the pf.conf(5)
 * grammar's subset a filter needs: {@code pass|block [in|out] [log] [quick] [on IF] [inet|inet6] [proto P]
 * (all | from H [port [=] N] to H [port [=] N]) [flags F/M] [keep state|no state] [label S]}, plus {@code anchor},
 * {@code set} and {@code table} lines. It refuses what pfctl refuses (unknown words, a port or flags on a protocol
 * without them, an address of the other family than {@code inet}/{@code inet6} says, names it would have to look
 * up) and lists rules as pfctl prints them: the family added, {@code port = N}, pf's default
 * {@code flags S/SA keep state} on TCP pass rules ({@code keep state} on others), labels quoted, anchors as
 * {@code anchor "NAME" all}.
 */
public final class PfctlSimulator {
  private static final Pattern V4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?");
  private static final Pattern V6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:.]*(/\\d{1,3})?");
  private static final Pattern TOKEN = Pattern.compile("\"([^\"]*)\"|(\\S+)");

  /** The main ruleset under the key "", each anchor under its name. */
  private final Map<String, List<String>> rulesets = new LinkedHashMap<>();
  private final StringBuilder out = new StringBuilder();
  private final StringBuilder err = new StringBuilder();

  public static void main(String[] args) throws IOException {
    List<String> a = Arrays.asList(args).subList(1, args.length);
    String stdin = a.contains("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : null;
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    int status = call(Path.of(args[0]), a, stdin, out, err);
    PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    stdout.print(out);
    stdout.flush();
    System.err.print(err);
    System.exit(status);
  }

  /** Runs {@code args} (stdin for {@code -f -}) on the state in {@code state}; returns the exit status. */
  public static int call(Path state, List<String> args, String stdin, StringBuilder out, StringBuilder err)
      throws IOException {
    PfctlSimulator sim = new PfctlSimulator();
    sim.rulesets.put("", new ArrayList<>());
    if (Files.exists(state)) {
      for (String line : Files.readAllLines(state)) {
        int tab = line.indexOf('\t');
        sim.rulesets.computeIfAbsent(line.substring(0, tab), k -> new ArrayList<>()).add(line.substring(tab + 1));
      }
    }
    int status;
    try {
      status = sim.execute(args, stdin);
    } catch (IllegalArgumentException e) {
      err.append(e.getMessage()).append('\n');
      return 1;
    }
    List<String> lines = new ArrayList<>();
    sim.rulesets.forEach((name, rules) -> rules.forEach(r -> lines.add(name + "\t" + r)));
    Files.write(state, lines);
    out.append(sim.out);
    err.append(sim.err);
    return status;
  }

  private int execute(List<String> args, String stdin) {
    String anchor = "";
    String show = null;
    String file = null;
    String flush = null;
    List<String> kill = new ArrayList<>();
    boolean dryRun = false;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("-") || a.length() < 2) {
        throw usage("unexpected argument " + a);
      }
      char opt = a.charAt(1);
      if ("nqvedg".indexOf(opt) >= 0 && a.length() == 2) {
        dryRun |= opt == 'n';
        continue;
      }
      if ("asfFk".indexOf(opt) < 0) {
        throw usage("pfctl: illegal option -- " + opt);
      }
      String value = a.length() > 2 ? a.substring(2) : (++i < args.size() ? args.get(i) : null);
      if (value == null) {
        throw usage("pfctl: option requires an argument -- " + opt);
      }
      switch (opt) {
        case 'a' -> anchor = value;
        case 's' -> show = modifier(value, "rules", "Anchors", "states", "info");
        case 'f' -> file = value;
        case 'F' -> flush = modifier(value, "rules", "states", "all");
        default -> kill.add(value);
      }
    }
    if (kill.size() > 2) {
      throw usage("pfctl: can only specify -k twice");
    }
    if (file != null) {
      if (!file.equals("-")) {
        throw new IllegalArgumentException("pfctl: cannot open the main config file!: No such file or directory");
      }
      List<String> parsed = parse(stdin == null ? "" : stdin, anchor.isEmpty());
      if (!dryRun) {
        rulesets.put(anchor, parsed);
      }
    }
    if (flush != null) {
      if (!flush.equals("states")) {
        rulesets.computeIfPresent(anchor, (k, v) -> new ArrayList<>());
        err.append("rules cleared\n");
      }
      if (!flush.equals("rules")) {
        err.append("0 states cleared\n");
      }
    }
    for (String host : kill) {
      if (!V4.matcher(host).matches() && !V6.matcher(host).matches()) {
        throw new IllegalArgumentException("pfctl: no IP address found for " + host);
      }
    }
    if (!kill.isEmpty()) {
      err.append("killed 0 states from 1 sources and 0 destinations\n");
    }
    if (show != null) {
      String in = anchor;
      switch (show) {
        case "rules" -> rulesets.getOrDefault(in, List.of()).forEach(r -> out.append(r).append('\n'));
        case "Anchors" -> {
          // the anchors the main ruleset references, and those rules were loaded into
          java.util.Set<String> names = new java.util.TreeSet<>(rulesets.keySet());
          rulesets.get("").stream().filter(r -> r.startsWith("anchor \""))
              .forEach(r -> names.add(r.substring(8, r.indexOf('"', 8))));
          names.stream().filter(k -> !k.isEmpty() && (in.isEmpty() ? !k.contains("/") : k.startsWith(in + "/")))
              .forEach(k -> out.append("  ").append(k).append('\n'));
        }
        case "info" -> out.append("Status: Enabled\n");
        default -> { }
      }
    }
    return 0;
  }

  private static String modifier(String value, String... known) {
    for (String k : known) {
      if (k.startsWith(value)) {
        return k;
      }
    }
    throw usage("pfctl: Unknown show modifier '" + value + "'");
  }

  private static IllegalArgumentException usage(String what) {
    return new IllegalArgumentException(what + "\nusage: pfctl [-deghnPqrvz] [-a anchor] [-F modifier] [-f file]"
        + " [-k host] [-s modifier]");
  }

  /** Checks every line of a ruleset; returns the rules as pfctl lists them. */
  private List<String> parse(String text, boolean main) {
    List<String> rules = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].replaceFirst("#.*", "").strip();
      if (line.isEmpty()) {
        continue;
      }
      List<String> w = new ArrayList<>();
      Matcher m = TOKEN.matcher(line);
      while (m.find()) {
        w.add(m.group(1) != null ? "\"" + m.group(1) + "\"" : m.group(2));
      }
      try {
        String r = rule(w);
        if (r != null) {
          rules.add(r);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("stdin:" + (n + 1) + ": " + e.getMessage()
            + "\npfctl: Syntax error in config file: pf rules not loaded");
      }
    }
    return rules;
  }

  private static String rule(List<String> w) {
    switch (w.get(0)) {
      case "anchor" -> {
        if (w.size() < 2 || w.size() > 3 || w.size() == 3 && !w.get(2).equals("all")) {
          throw new IllegalArgumentException("syntax error");
        }
        return "anchor \"" + w.get(1).replace("\"", "") + "\" all";
      }
      case "set", "table" -> {
        return String.join(" ", w);
      }
      case "pass", "block" -> {
        return filter(w);
      }
      default -> throw new IllegalArgumentException("syntax error");
    }
  }

  private static String filter(List<String> w) {
    int i = 0;
    String action = w.get(i++);
    StringBuilder b = new StringBuilder(action);
    String dir = null;
    if (i < w.size() && (w.get(i).equals("in") || w.get(i).equals("out"))) {
      dir = w.get(i++);
      b.append(' ').append(dir);
    }
    if (i < w.size() && w.get(i).equals("log")) {
      b.append(" log");
      i++;
    }
    if (i < w.size() && w.get(i).equals("quick")) {
      b.append(" quick");
      i++;
    }
    if (i + 1 < w.size() && w.get(i).equals("on")) {
      b.append(" on ").append(w.get(i + 1));
      i += 2;
    }
    String af = null;
    if (i < w.size() && (w.get(i).equals("inet") || w.get(i).equals("inet6"))) {
      af = w.get(i++);
    }
    String proto = null;
    if (i + 1 < w.size() && w.get(i).equals("proto")) {
      proto = switch (w.get(i + 1)) {
        case "tcp", "6" -> "tcp";
        case "udp", "17" -> "udp";
        case "icmp", "1" -> "icmp";
        case "icmp6", "58" -> "ipv6-icmp";
        default -> throw new IllegalArgumentException("unknown protocol " + w.get(i + 1));
      };
      i += 2;
    }
    String hosts;
    String[] family = {af};
    if (i < w.size() && w.get(i).equals("all")) {
      hosts = "all";
      i++;
    } else {
      if (i >= w.size() || !w.get(i).equals("from")) {
        throw new IllegalArgumentException("syntax error");
      }
      i++;
      String src = host(w.get(i++), family);
      String sport = null;
      if (i < w.size() && w.get(i).equals("port")) {
        i = port(w, i, proto);
        sport = w.get(i - 1);
      }
      if (i >= w.size() || !w.get(i).equals("to")) {
        throw new IllegalArgumentException("syntax error");
      }
      i++;
      if (i >= w.size()) {
        throw new IllegalArgumentException("syntax error");
      }
      String dst = host(w.get(i++), family);
      String dport = null;
      if (i < w.size() && w.get(i).equals("port")) {
        i = port(w, i, proto);
        dport = w.get(i - 1);
      }
      hosts = "from " + src + (sport == null ? "" : " port = " + sport) + " to " + dst
          + (dport == null ? "" : " port = " + dport);
      if (hosts.equals("from any to any")) {
        hosts = "all";
      }
    }
    if (family[0] != null) {
      b.append(' ').append(family[0]);
    }
    if (proto != null) {
      b.append(" proto ").append(proto);
    }
    b.append(' ').append(hosts);
    String flags = null;
    String state = null;
    String label = null;
    while (i < w.size()) {
      String x = w.get(i++);
      if (x.equals("flags") && i < w.size()) {
        if (!"tcp".equals(proto)) {
          throw new IllegalArgumentException("flags only apply to tcp");
        }
        flags = w.get(i++);
      } else if ((x.equals("keep") || x.equals("no") || x.equals("modulate")) && i < w.size()
          && w.get(i).equals("state")) {
        i++;
        state = x;
      } else if (x.equals("label") && i < w.size()) {
        String l = w.get(i++);
        if (!l.startsWith("\"") && !l.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
          throw new IllegalArgumentException("syntax error");
        }
        label = l.replace("\"", "");
      } else {
        throw new IllegalArgumentException("syntax error");
      }
    }
    if (action.equals("pass") && state == null) {
      state = "keep";
    }
    if ("tcp".equals(proto) && "keep".equals(state) && flags == null) {
      flags = "S/SA";
    }
    if (flags != null) {
      b.append(" flags ").append(flags);
    }
    if (state != null && !state.equals("no")) {
      b.append(' ').append(state).append(" state");
    }
    if (label != null) {
      b.append(" label \"").append(label).append('"');
    }
    return b.toString();
  }

  private static int port(List<String> w, int i, String proto) {
    if (!"tcp".equals(proto) && !"udp".equals(proto)) {
      throw new IllegalArgumentException("port only applies to tcp/udp");
    }
    int j = i + 1;
    if (j < w.size() && w.get(j).equals("=")) {
      j++;
    }
    if (j >= w.size() || !w.get(j).matches("\\d{1,5}") || Integer.parseInt(w.get(j)) > 65535) {
      throw new IllegalArgumentException("illegal port value");
    }
    return j + 1;
  }

  /** A host as pfctl prints it; the rule's family follows the first address and must not change. */
  private static String host(String h, String[] family) {
    if (h.equals("any") || h.equals("self") || h.startsWith("<") && h.endsWith(">")) {
      return h;
    }
    String af = V4.matcher(h).matches() ? "inet" : V6.matcher(h).matches() ? "inet6" : null;
    if (af == null) {
      throw new IllegalArgumentException("no IP address found for " + h);
    }
    if (family[0] != null && !family[0].equals(af)) {
      throw new IllegalArgumentException("address family mismatch: " + h + " is not " + family[0]);
    }
    family[0] = af;
    int slash = h.indexOf('/');
    java.net.InetAddress a = spa.core.IpAddresses.literal(slash < 0 ? h : h.substring(0, slash));
    if (a == null) {
      throw new IllegalArgumentException("no IP address found for " + h);
    }
    return spa.core.IpAddresses.text(a) + (slash < 0 ? "" : h.substring(slash));
  }
}
