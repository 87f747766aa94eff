package spa.server.plugin;

import java.io.IOException;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The plugins of the plugin directories, checked before any becomes a layer: a jar directly in a directory is a
 * plugin of its own, a subdirectory one plugin with its private dependencies. Each fault that would make the layer
 * fail or behave oddly (unreadable jar, jar providing no service, split package, missing {@code requires}) becomes
 * one line naming the jar, and the plugin is left out.
 */
final class PluginUnits {
  /** One plugin: its name (file or directory name), where it came from, and its jars' modules. */
  record Unit(String name, Path origin, List<ModuleReference> modules) {}

  private static final Set<String> SERVICE_NAMES =
      Set.copyOf(Plugins.SERVICES.stream().map(Class::getName).toList());

  private PluginUnits() {}

  /** The plugins in {@code roots}, in order, directory entries sorted; faults go to {@code problems}. */
  static List<Unit> find(List<Path> roots, ModuleLayer boot, List<String> problems) {
    List<Unit> units = new ArrayList<>();
    // package to module, made once: the boot layer (the Java runtime's modules too) has over a thousand packages
    Map<String, String> bootPackages = new HashMap<>(2048);
    for (Module m : boot.modules()) {
      for (String p : m.getPackages()) {
        bootPackages.put(p, m.getName());
      }
    }
    for (Path root : roots) {
      List<Path> entries;
      try (Stream<Path> s = Files.list(root)) {
        entries = s.sorted().toList();
      } catch (IOException e) {
        problems.add(root + ": cannot list: " + e.getMessage());
        continue;
      }
      for (Path e : entries) {
        List<Path> jars;
        if (Files.isDirectory(e)) {
          try (Stream<Path> s = Files.list(e)) {
            jars = s.filter(PluginUnits::isJar).sorted().toList();
          } catch (IOException ex) {
            problems.add(e + ": cannot list: " + ex.getMessage());
            continue;
          }
        } else if (isJar(e)) {
          jars = List.of(e);
        } else {
          continue; // a README or similar beside the plugins
        }
        String name = e.getFileName().toString().replaceFirst("\\.jar$", "");
        Unit u = check(name, e, jars, boot, bootPackages, problems);
        if (u != null) {
          units.add(u);
        }
      }
    }
    return units;
  }

  private static boolean isJar(Path p) {
    return p.getFileName().toString().endsWith(".jar") && !Files.isDirectory(p);
  }

  /** The plugin if its jars can make a layer; otherwise null, with one line per fault in {@code problems}. */
  private static Unit check(String name, Path origin, List<Path> jars, ModuleLayer boot,
      Map<String, String> bootPackages, List<String> problems) {
    int before = problems.size();
    Map<String, ModuleReference> modules = new LinkedHashMap<>();
    for (Path jar : jars) {
      ModuleReference ref = read(jar, problems);
      if (ref == null) {
        continue;
      }
      String m = ref.descriptor().name();
      ModuleReference twin = modules.putIfAbsent(m, ref);
      if (twin != null) {
        problems.add(jar + ": module " + m + " is also " + location(twin));
      }
    }
    if (problems.size() > before) {
      return null;
    }
    boolean provides = modules.values().stream()
        .anyMatch(r -> r.descriptor().provides().stream().anyMatch(p -> SERVICE_NAMES.contains(p.service())));
    if (!provides) {
      problems.add(origin + ": " + (Files.isDirectory(origin) ? "no jar in it provides" : "provides")
          + " no spa plugin service (a module-info 'provides' or META-INF/services entry for one of "
          + Plugins.SERVICES.stream().map(Class::getSimpleName).toList() + ")");
      return null;
    }
    // modules that the boot layer also has are never loaded from here (the boot copy wins): not checked
    modules.keySet().removeIf(m -> boot.findModule(m).isPresent());
    Map<String, String> packages = new HashMap<>();
    for (ModuleReference r : modules.values()) {
      for (String p : r.descriptor().packages()) {
        String bootModule = bootPackages.get(p);
        String other = bootModule != null ? "boot-layer module " + bootModule : packages.putIfAbsent(p, location(r));
        if (other != null) {
          problems.add(location(r) + ": package " + p + " is split: it is also in " + other);
        }
      }
      for (ModuleDescriptor.Requires q : r.descriptor().requires()) {
        if (!q.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC) && !modules.containsKey(q.name())
            && boot.findModule(q.name()).isEmpty()) {
          problems.add(location(r) + ": module " + r.descriptor().name() + " requires " + q.name()
              + ", which is neither in the boot layer (lib/ and the Java runtime) nor in " + origin);
        }
      }
    }
    return problems.size() > before ? null : new Unit(name, origin, List.copyOf(modules.values()));
  }

  private static ModuleReference read(Path jar, List<String> problems) {
    if (!Files.isReadable(jar)) {
      problems.add(jar + ": cannot read the jar (permissions)");
      return null;
    }
    try {
      Set<ModuleReference> found = ModuleFinder.of(jar).findAll();
      if (found.size() == 1) {
        return found.iterator().next();
      }
      problems.add(jar + ": not a jar");
    } catch (FindException e) {
      problems.add(jar + ": not a usable jar: " + oneLine(e));
    }
    return null;
  }

  /** The message of {@code e} and of its causes, on one line. */
  static String oneLine(Throwable e) {
    StringBuilder b = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      b.append(": ").append(c.getMessage());
    }
    return b.toString().replaceAll("\\s*\\R\\s*", " ");
  }

  /** Where a module's jar is, as a path when it is a file. */
  static String location(ModuleReference r) {
    return r.location().map(u -> "file".equals(u.getScheme()) ? Path.of(u).toString() : u.toString()).orElse("?");
  }
}
