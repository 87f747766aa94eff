package example.fw.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import spa.core.IpAddresses;
import spa.core.ProtoPort;

/**
 * A small host ACL tool for the tests, run in-process through {@code SimulatedTool.inProcess}: tables of
 * {@code SOURCE PROTO/PORT EPOCH} entries kept in a state file. {@code -t TABLE add SOURCE PROTO/PORT EPOCH},
 * {@code -t TABLE del SOURCE PROTO/PORT}, {@code -t TABLE list}, {@code -t TABLE flush}. Strict as a real tool:
 * adding an entry it holds, deleting one it does not, or an address that is not a canonical literal fails. With
 * {@code -e} first, the table's entries expire by themselves at their epoch, as kernel timeouts do.
 */
final class AclTool {
  private AclTool() {
  }

  static int call(Path state, List<String> args, String stdin, StringBuilder out, StringBuilder err)
      throws IOException {
    boolean expiring = !args.isEmpty() && args.get(0).equals("-e");
    if (expiring) {
      args = args.subList(1, args.size());
    }
    if (args.size() < 3 || !args.get(0).equals("-t")) {
      err.append("usage: acl -t TABLE add|del|list|flush ...\n");
      return 2;
    }
    String table = args.get(1);
    List<String> lines = Files.exists(state) ? new ArrayList<>(Files.readAllLines(state)) : new ArrayList<>();
    if (expiring) {
      long now = Instant.now().getEpochSecond();
      lines.removeIf(l -> l.startsWith(table + " ") && Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)) <= now);
    }
    List<String> rest = args.subList(3, args.size());
    switch (args.get(2)) {
      case "list" -> {
        for (String l : lines) {
          if (l.startsWith(table + " ")) {
            out.append(l.substring(table.length() + 1)).append('\n');
          }
        }
        return 0;
      }
      case "flush" -> lines.removeIf(l -> l.startsWith(table + " "));
      case "add", "del" -> {
        boolean add = args.get(2).equals("add");
        if (rest.size() != (add ? 3 : 2)) {
          err.append("acl: ").append(args.get(2)).append(": wrong number of arguments\n");
          return 2;
        }
        String bad = checkEntry(rest, add);
        if (bad != null) {
          err.append("acl: ").append(bad).append('\n');
          return 2;
        }
        String key = table + " " + rest.get(0) + " " + rest.get(1) + " ";
        boolean held = lines.stream().anyMatch(l -> l.startsWith(key));
        if (add == held) {
          err.append("acl: ").append(add ? "entry exists: " : "no such entry: ").append(key.strip()).append('\n');
          return 1;
        }
        if (add) {
          lines.add(key + rest.get(2));
        } else {
          lines.removeIf(l -> l.startsWith(key));
        }
      }
      default -> {
        err.append("acl: unknown command ").append(args.get(2)).append('\n');
        return 2;
      }
    }
    Files.write(state, lines);
    return 0;
  }

  private static String checkEntry(List<String> rest, boolean add) {
    var a = IpAddresses.literal(rest.get(0));
    if (a == null || !IpAddresses.text(a).equals(rest.get(0))) {
      return "not an address: " + rest.get(0);
    }
    try {
      ProtoPort.parse(rest.get(1), 1);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    return add && !rest.get(2).matches("\\d{1,12}") ? "not an epoch: " + rest.get(2) : null;
  }
}
