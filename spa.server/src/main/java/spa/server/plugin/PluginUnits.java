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
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
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

  /** One plugin as its directory entry shows it, before any of its jars is read: its name, origin and jars. */
  record Candidate(String name, Path origin, List<Path> jars) {}

  /** One provider a plugin declares: the service's simple name ({@code FirewallBackend}) and the provider's name. */
  record Provided(String service, String name) {
    @Override
    public String toString() {
      return service + " " + name;
    }
  }

  private static final Set<String> SERVICE_NAMES =
      Set.copyOf(Plugins.SERVICES.stream().map(Class::getName).toList());
  private static final Set<String> SERVICE_SIMPLE_NAMES =
      Set.copyOf(Plugins.SERVICES.stream().map(Class::getSimpleName).toList());

  private PluginUnits() {}

  /** Package to module of every module of {@code boot} (the Java runtime's too: over a thousand packages). */
  static Map<String, String> packages(ModuleLayer boot) {
    Map<String, String> bootPackages = new HashMap<>(2048);
    for (Module m : boot.modules()) {
      for (String p : m.getPackages()) {
        bootPackages.put(p, m.getName());
      }
    }
    return bootPackages;
  }

  /** The plugins in {@code roots}, in order, directory entries sorted; no jar is opened. Faults go to {@code problems}. */
  static List<Candidate> candidates(List<Path> roots, List<String> problems) {
    List<Candidate> out = new ArrayList<>();
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
        out.add(new Candidate(e.getFileName().toString().replaceFirst("\\.jar$", ""), e, jars));
      }
    }
    return out;
  }

  /**
   * What the plugin's jars declare they provide in their manifests' {@value Plugins#PROVIDES} attribute (read from
   * the head of each jar, where the jar tools put the manifest, without opening the jar's directory), or null when
   * none declares anything. A declaration that does not parse is a fault, in {@code problems}.
   */
  static Set<Provided> declared(Candidate c, List<String> problems) {
    Set<Provided> out = null;
    for (Path jar : c.jars()) {
      String text;
      try (JarInputStream in = new JarInputStream(Files.newInputStream(jar), false)) {
        Manifest mf = in.getManifest();
        text = mf == null ? null : mf.getMainAttributes().getValue(Plugins.PROVIDES);
      } catch (IOException | SecurityException e) {
        continue; // read in full by check(), which names the fault, once the plugin is needed
      }
      if (text == null) {
        continue;
      }
      if (out == null) {
        out = new java.util.LinkedHashSet<>();
      }
      for (String item : text.split(",")) {
        String[] parts = item.strip().split("\\s+");
        if (parts.length != 2 || !SERVICE_SIMPLE_NAMES.contains(parts[0])) {
          problems.add(jar + ": " + Plugins.PROVIDES + ": '" + item.strip() + "' is not a service and a name (one of "
              + Plugins.SERVICES.stream().map(Class::getSimpleName).toList() + ", then the provider's name)");
          return null;
        }
        out.add(new Provided(parts[0], parts[1]));
      }
    }
    return out;
  }

  /** The plugin if its jars can make a layer; otherwise null, with one line per fault in {@code problems}. */
  static Unit check(Candidate c, ModuleLayer boot, Map<String, String> bootPackages, List<String> problems) {
    return check(c.name(), c.origin(), c.jars(), boot, bootPackages, problems);
  }

  private static boolean isJar(Path p) {
    return p.getFileName().toString().endsWith(".jar") && !Files.isDirectory(p);
  }

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
