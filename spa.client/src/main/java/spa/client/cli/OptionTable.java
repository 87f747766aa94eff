package spa.client.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The options of {@link SpaOptions} as a table for {@link QuickArgs}: which field each option name sets and how.
 * The build writes it ({@link #main}, run on the compiled classes) from picocli's own model of the annotations, so
 * the annotations stay the one definition; at run time it is read from the resource {@value #RESOURCE}.
 * One line per option: {@code kind group field name...}; the kinds are {@code flag} (a boolean), {@code flags}
 * (a boolean[], one element per use), {@code value} (a String), {@code int} (an Integer) and {@code picocli} (one
 * that only picocli handles: help, version, or any other type or setting).
 */
public final class OptionTable {
  static final String RESOURCE = "options.tsv";

  /** How one option name is parsed: its kind, the {@link SpaOptions} field of its group, its field there. */
  record Entry(String kind, String group, String field) {}

  private OptionTable() {}

  /** The table by option name, or null when the resource is missing (a build that did not write it). */
  static Map<String, Entry> read() {
    try (InputStream in = OptionTable.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return null;
      }
      Map<String, Entry> table = new HashMap<>();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.split(" ");
        Entry e = new Entry(f[0], f[1], f[2]);
        for (int i = 3; i < f.length; i++) {
          table.put(f[i], e);
        }
      }
      return table;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The table's lines for the options of {@code spec}, bound to the fields of the groups of {@code command}. */
  static List<String> lines(CommandSpec spec, Class<?> command) {
    Map<Class<?>, String> groups = new HashMap<>();
    for (Field f : command.getDeclaredFields()) {
      if (f.isAnnotationPresent(ArgGroup.class)) {
        groups.put(f.getType(), f.getName());
      }
    }
    List<String> lines = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      String names = String.join(" ", o.names());
      if (o.userObject() instanceof Field field && groups.containsKey(field.getDeclaringClass())) {
        lines.add(kind(o) + " " + groups.get(field.getDeclaringClass()) + " " + field.getName() + " " + names);
      } else {
        lines.add("picocli - - " + names); // not a field of an argument group: picocli's alone
      }
    }
    return lines;
  }

  private static String kind(OptionSpec o) {
    Class<?> noPreprocessor = OptionSpec.builder("-x").build().preprocessor().getClass(); // picocli's default
    boolean plain = !o.usageHelp() && !o.versionHelp() && !o.negatable() && !o.interactive()
        && o.splitRegex().isEmpty() && o.defaultValue() == null && o.fallbackValue().isEmpty()
        && o.converters().length == 0 && o.parameterConsumer() == null
        && o.preprocessor().getClass() == noPreprocessor;
    if (!plain) {
      return "picocli";
    }
    Class<?> type = o.type();
    String arity = o.arity().toString();
    if (type == boolean.class && arity.equals("0")) {
      return "flag";
    }
    if (type == boolean[].class && arity.equals("0")) {
      return "flags";
    }
    if (type == String.class && arity.equals("1")) {
      return "value";
    }
    if (type == Integer.class && arity.equals("1")) {
      return "int";
    }
    return "picocli";
  }

  /** Writes the table of {@link SpaOptions} to the file {@code args[0]}; the build runs this after compiling. */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args[0]);
    Files.createDirectories(out.getParent());
    Files.write(out, lines(CommandSpec.forAnnotatedObject(new SpaOptions()), SpaOptions.class));
  }
}
