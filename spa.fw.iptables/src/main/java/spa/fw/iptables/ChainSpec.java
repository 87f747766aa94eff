package spa.fw.iptables;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One {@code IPT_*_ACCESS} value: {@code target, table, from_chain, jump_position, to_chain, rule_position}.
 * As in fwknop the rule position is read but unused: rules are appended, or inserted at the top with
 * ENABLE_RULE_PREPEND.
 */
record ChainSpec(String target, String table, String from, int jumpPosition, String chain) {

  /** The highest rule position fwknopd takes. */
  static final int MAX_POSITION = 65_536;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,28}");

  /** Parses the value; the message of the exception says what is wrong with it. */
  static ChainSpec parse(String text) {
    List<String> f = List.of(text.split("\\s*,\\s*", -1)).stream().map(String::trim).toList();
    if (f.size() != 6) {
      throw new IllegalArgumentException("expected 6 comma-separated fields (target, table, from_chain, "
          + "jump_position, to_chain, rule_position), got " + f.size());
    }
    if (!List.of("filter", "nat", "mangle", "raw").contains(f.get(1))) {
      throw new IllegalArgumentException("unknown table '" + f.get(1) + "'");
    }
    for (int i : new int[] {0, 2, 4}) {
      if (!NAME.matcher(f.get(i)).matches()) {
        throw new IllegalArgumentException("bad chain or target name '" + f.get(i) + "'");
      }
    }
    int jump;
    int rule;
    try {
      jump = Integer.parseInt(f.get(3));
      rule = Integer.parseInt(f.get(5));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("positions must be numbers");
    }
    if (jump < 1 || jump > MAX_POSITION) {
      throw new IllegalArgumentException("jump position " + jump + " is outside 1.." + MAX_POSITION);
    }
    if (rule < 0 || rule > MAX_POSITION) {
      throw new IllegalArgumentException("rule position " + rule + " is outside 0.." + MAX_POSITION);
    }
    return new ChainSpec(f.get(0), f.get(1), f.get(2), jump, f.get(4));
  }
}
