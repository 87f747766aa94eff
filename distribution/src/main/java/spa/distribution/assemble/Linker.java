package spa.distribution.assemble;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The JDK's tools spa-assemble runs: jdeps and jlink for the trimmed runtime, tar for the archive. */
final class Linker {
  /**
   * JDK modules that jdeps reports for an automatic module but that spa never reaches: Typesafe Config uses
   * java.beans (java.desktop, some 15 MB) only in ConfigBeanFactory.
   */
  private static final Map<String, Set<String>> UNREACHED = Map.of("typesafe.config", Set.of("java.desktop"));

  private final Path jdk;

  /** Linking from the JDK at {@code jdk} (the one running spa-assemble). */
  Linker(Path jdk) {
    this.jdk = jdk;
  }

  /** Refuses a runtime without jlink and jdeps (a JRE, or a trimmed runtime). */
  void checkTools() throws AssembleException {
    for (String t : List.of("jlink", "jdeps")) {
      if (!Files.isExecutable(jdk.resolve("bin").resolve(t))) {
        throw new AssembleException("--jlink needs a JDK, but " + jdk + " has no bin/" + t
            + "; set JAVA_HOME to a JDK 21 or newer");
      }
    }
  }

  /**
   * The JDK modules {@code modules} need: what explicit modules require, and what jdeps finds in the classes of
   * automatic ones.
   */
  Set<String> jdkModules(List<ModuleReference> modules, ModuleFinder system) throws AssembleException {
    Set<String> need = new TreeSet<>(List.of("java.base"));
    for (ModuleReference m : modules) {
      ModuleDescriptor d = m.descriptor();
      if (d.isAutomatic()) {
        Set<String> unreached = UNREACHED.getOrDefault(d.name(), Set.of());
        String out = run(List.of(tool("jdeps"), "--print-module-deps", "--ignore-missing-deps", "--multi-release",
            Integer.toString(Runtime.version().feature()), Path.of(m.location().orElseThrow()).toString())).trim();
        for (String n : out.split(",")) {
          if (!n.isBlank() && !unreached.contains(n.trim())) {
            need.add(n.trim());
          }
        }
      } else {
        for (ModuleDescriptor.Requires r : d.requires()) {
          if (system.find(r.name()).isPresent() && !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)) {
            need.add(r.name());
          }
        }
      }
    }
    return need;
  }

  /** Links a runtime of {@code modules} (and what they require) at {@code out}. */
  void link(Set<String> modules, Path out) throws AssembleException {
    run(List.of(tool("jlink"), "--add-modules", String.join(",", modules), "--strip-debug", "--no-header-files",
        "--no-man-pages", "--compress=zip-6", "--output", out.toString()));
  }

  /** Writes {@code dir} as {@code archive}, a gzip-compressed tar whose one top entry is dir's name. */
  static void tar(Path dir, Path archive) throws AssembleException {
    run(List.of("tar", "-czf", archive.toString(), "-C", dir.getParent().toString(), dir.getFileName().toString()));
  }

  private String tool(String name) {
    return jdk.resolve("bin").resolve(name).toString();
  }

  /** Runs {@code cmd}; its standard output, or its last line of output as the failure. */
  static String run(List<String> cmd) throws AssembleException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssembleException("cannot run " + cmd.get(0) + ": " + e.getMessage());
    }
    try {
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = p.waitFor();
      if (rc != 0) {
        List<String> lines = new ArrayList<>(out.lines().filter(l -> !l.isBlank()).toList());
        throw new AssembleException(Path.of(cmd.get(0)).getFileName() + " failed (exit " + rc + ")"
            + (lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1)));
      }
      return out;
    } catch (IOException e) {
      throw new AssembleException(cmd.get(0) + ": " + e.getMessage());
    } catch (InterruptedException e) {
      p.destroy();
      Thread.currentThread().interrupt();
      throw new AssembleException(cmd.get(0) + ": interrupted");
    }
  }
}
