package spa.distribution.assemble;

import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What an installed image holds, as choices for a smaller one: the jars of {@code lib/} and the plugins, which are
 * the entries of {@code plugins/} (a directory or a jar each) and the modules of {@code lib/} that provide one of
 * spa's services ({@code spa.cipher.aes} is plugin {@code cipher-aes}).
 */
final class Catalog {
  /** The modules the launchers in {@code bin/} start: an image always holds them and what they require. */
  static final List<String> LAUNCHED = List.of("spa.server", "spa.client", "spa.distribution");

  private static final String SPI = "spa.core.spi.";

  /** A plugin: its name, where it is in the image, and its modules. */
  record Plugin(String name, Path path, boolean inLib, List<ModuleReference> modules) {
    /** Its modules that provide one of spa's services (the others are its private dependencies). */
    List<String> providers() {
      return modules.stream().filter(m -> m.descriptor().provides().stream().anyMatch(p -> p.service().startsWith(SPI)))
          .map(m -> m.descriptor().name()).toList();
    }

    /** The services its modules provide, by simple name. */
    Set<String> services() {
      Set<String> s = new LinkedHashSet<>();
      for (ModuleReference m : modules) {
        m.descriptor().provides().stream().map(ModuleDescriptor.Provides::service).filter(n -> n.startsWith(SPI))
            .forEach(n -> s.add(n.substring(SPI.length())));
      }
      return s;
    }
  }

  private final Path home;
  private final Map<String, ModuleReference> lib;
  private final Map<String, Plugin> plugins;

  private Catalog(Path home, Map<String, ModuleReference> lib, Map<String, Plugin> plugins) {
    this.home = home;
    this.lib = lib;
    this.plugins = plugins;
  }

  /** Reads the image at {@code home}; an unreadable jar is an {@link AssembleException}. */
  static Catalog read(Path home) throws AssembleException {
    if (!Files.isDirectory(home.resolve("lib"))) {
      throw new AssembleException(home + " is not an installed spa image (no lib/)");
    }
    Map<String, ModuleReference> lib = new LinkedHashMap<>();
    Map<String, Plugin> plugins = new TreeMap<>();
    for (Path jar : jars(home.resolve("lib"))) {
      ModuleReference m = module(jar);
      lib.put(m.descriptor().name(), m);
      if (m.descriptor().provides().stream().anyMatch(p -> p.service().startsWith(SPI))) {
        String name = m.descriptor().name().replaceFirst("^spa\\.", "").replace('.', '-');
        plugins.put(name, new Plugin(name, jar, true, List.of(m)));
      }
    }
    Path dir = home.resolve("plugins");
    if (Files.isDirectory(dir)) {
      for (Path e : list(dir)) {
        boolean isDir = Files.isDirectory(e);
        if (!isDir && !e.getFileName().toString().endsWith(".jar")) {
          continue;
        }
        List<ModuleReference> ms = new ArrayList<>();
        for (Path jar : isDir ? jars(e) : List.of(e)) {
          ms.add(module(jar));
        }
        String name = e.getFileName().toString().replaceFirst("\\.jar$", "");
        plugins.put(name, new Plugin(name, e, false, List.copyOf(ms)));
      }
    }
    return new Catalog(home, lib, plugins);
  }

  Path home() {
    return home;
  }

  /** The modules of {@code lib/}, by name. */
  Map<String, ModuleReference> lib() {
    return lib;
  }

  Map<String, Plugin> plugins() {
    return plugins;
  }

  /**
   * The jars of {@code lib/} an image with {@code chosen} needs: the launched modules, the chosen lib plugins, and
   * what these and the chosen plugins require. Every requirement that neither the JDK ({@code jdk}) nor the image
   * meets is one line in {@code problems}.
   */
  List<Path> libFor(List<Plugin> chosen, ModuleFinder jdk, List<String> problems) {
    Set<String> keep = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    for (String m : LAUNCHED) {
      if (lib.containsKey(m)) {
        todo.add(m);
      }
    }
    for (Plugin p : chosen) {
      Set<String> own = new LinkedHashSet<>();
      p.modules().forEach(m -> own.add(m.descriptor().name()));
      for (ModuleReference m : p.modules()) {
        if (p.inLib()) {
          todo.add(m.descriptor().name());
          continue;
        }
        for (ModuleDescriptor.Requires r : m.descriptor().requires()) {
          if (!r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC) && !own.contains(r.name())) {
            need(p.name() + ": " + location(m), r.name(), jdk, todo, problems);
          }
        }
      }
    }
    while (!todo.isEmpty()) {
      String m = todo.poll();
      if (!keep.add(m)) {
        continue;
      }
      ModuleReference ref = lib.get(m);
      for (ModuleDescriptor.Requires r : ref.descriptor().requires()) {
        if (!r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)) {
          need("lib: " + location(ref), r.name(), jdk, todo, problems);
        }
      }
    }
    return keep.stream().map(m -> Path.of(lib.get(m).location().orElseThrow())).toList();
  }

  /** Queues {@code module} when lib/ has it; a line in {@code problems} when neither lib/ nor the JDK has it. */
  private void need(String who, String module, ModuleFinder jdk, Deque<String> todo, List<String> problems) {
    if (lib.containsKey(module)) {
      todo.add(module);
    } else if (jdk.find(module).isEmpty()) {
      String line = who + " requires module " + module + ", which neither lib/ nor the Java runtime has";
      if (!problems.contains(line)) {
        problems.add(line);
      }
    }
  }

  static String location(ModuleReference m) {
    return m.location().map(u -> Path.of(u).getFileName().toString()).orElse(m.descriptor().name());
  }

  private static ModuleReference module(Path jar) throws AssembleException {
    try {
      Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
      if (found.size() == 1) {
        return found.iterator().next();
      }
    } catch (FindException e) {
      throw new AssembleException(jar + ": not a usable jar: " + e.getMessage());
    }
    throw new AssembleException(jar + ": not a jar");
  }

  private static List<Path> jars(Path dir) throws AssembleException {
    return list(dir).stream().filter(p -> p.getFileName().toString().endsWith(".jar")).toList();
  }

  static List<Path> list(Path dir) throws AssembleException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    } catch (IOException e) {
      throw new AssembleException(dir + ": cannot list: " + e.getMessage());
    }
  }
}
