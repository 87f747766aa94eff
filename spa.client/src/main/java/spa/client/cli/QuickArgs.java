package spa.client.cli;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Map;

/**
 * Fills {@link SpaOptions} from the plain command lines without picocli, which would spend most of the client's
 * start-up building its model of the options by reflection and matching them through its argument groups. Only
 * these forms are taken: each option by its exact name, its value in the next argument or, for a long name, after
 * '='; a value may not start with '-' or '@'. Anything else (help and version, clustered or attached short
 * options, argument files, positional arguments, unknown names, a number that is not plain decimal) is declined,
 * and picocli parses the whole command line, errors included. What it fills is what picocli would: the same
 * table ({@link OptionTable}) is picocli's own model of the annotations; a group object is made when one of its
 * options is given; a later value replaces an earlier one.
 */
final class QuickArgs {
  private static final Map<String, OptionTable.Entry> TABLE = OptionTable.read();

  private QuickArgs() {}

  /** The options of {@code args}, or null when picocli must parse them. */
  static SpaOptions parse(String[] args) {
    if (TABLE == null) {
      return null;
    }
    SpaOptions options = new SpaOptions();
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        String value = null;
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 2) {
          value = arg.substring(eq + 1);
          arg = arg.substring(0, eq);
        }
        OptionTable.Entry e = TABLE.get(arg);
        if (e == null || e.kind().equals("picocli")) {
          return null;
        }
        boolean takesValue = e.kind().equals("value") || e.kind().equals("int");
        if (!takesValue && value != null) {
          return null;
        }
        if (takesValue && value == null) {
          if (i + 1 == args.length) {
            return null;
          }
          value = args[++i];
        }
        if (value != null && (value.startsWith("-") || value.startsWith("@"))) {
          return null;
        }
        if (!set(options, e, value)) {
          return null;
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
    return options;
  }

  private static boolean set(SpaOptions options, OptionTable.Entry e, String value) throws ReflectiveOperationException {
    Field groupField = SpaOptions.class.getDeclaredField(e.group());
    Object group = groupField.get(options);
    if (group == null) {
      group = groupField.getType().getDeclaredConstructor().newInstance();
      groupField.set(options, group);
    }
    Field field = groupField.getType().getDeclaredField(e.field());
    switch (e.kind()) {
      case "flag" -> field.setBoolean(group, true);
      case "flags" -> {
        boolean[] old = (boolean[]) field.get(group);
        boolean[] more = Arrays.copyOf(old, old.length + 1);
        more[old.length] = true;
        field.set(group, more);
      }
      case "value" -> field.set(group, value);
      case "int" -> {
        if (!plainDecimal(value)) {
          return false;
        }
        field.set(group, Integer.valueOf(value));
      }
      default -> {
        return false;
      }
    }
    return true;
  }

  /** Digits without a leading zero, short of int overflow: read alike by every integer converter. */
  private static boolean plainDecimal(String v) {
    if (v.isEmpty() || v.length() > 9 || (v.charAt(0) == '0' && v.length() > 1)) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      if (v.charAt(i) < '0' || v.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
