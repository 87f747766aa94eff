package spa.distribution.assemble;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code spa-assemble}: copies the installed image it belongs to ({@code spa.home}) into a new one that holds only
 * the chosen plugins and the jars of {@code lib/} they and the launchers need, optionally with a runtime linked by
 * jlink, and packs it as {@code DIR.tar.gz}. Nothing is written when a choice is refused.
 */
public final class Assemble {
  private static final String USAGE = """
      Usage: spa-assemble --plugins NAME[,NAME...] [--jlink] --output DIR
             spa-assemble --deb FILE.deb
             spa-assemble --list
      Makes a smaller spa image from this one, holding only the plugins named, and DIR.tar.gz.
        --plugins NAME,...  the plugins to keep (--list shows them)
        --jlink             add runtime/, a Java runtime of only the JDK modules they need (needs a JDK)
        --output DIR        the new image; DIR must not exist
        --deb FILE.deb      package this image for Debian (/usr/lib/spa, /etc/spa, systemd units)
        --list              show the plugins this image can give
      """;

  private final PrintStream out;
  private final PrintStream err;

  private Assemble(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs spa-assemble; the exit status: 0 done, 1 refused or failed, 2 bad usage. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return new Assemble(out, err).go(args);
  }

  private int go(String[] args) {
    List<String> names = null;
    boolean jlink = false;
    boolean list = false;
    Path output = null;
    Path deb = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String value = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
      String opt = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      switch (opt) {
        case "--plugins", "--output", "--deb" -> {
          if (value == null && i + 1 < args.length) {
            value = args[++i];
          }
          if (value == null || value.isEmpty()) {
            return usage(opt + " needs a value");
          }
          if (opt.equals("--plugins")) {
            names = List.of(value.split(","));
          } else if (opt.equals("--deb")) {
            deb = Path.of(value).toAbsolutePath().normalize();
          } else {
            output = Path.of(value).toAbsolutePath().normalize();
          }
        }
        case "--jlink" -> jlink = true;
        case "--list" -> list = true;
        case "-h", "--help" -> {
          out.print(USAGE);
          return 0;
        }
        default -> {
          return usage("unknown option '" + a + "'");
        }
      }
    }
    String home = System.getProperty("spa.home");
    if (home == null || home.isBlank()) {
      return usage("spa.home is not set: run bin/spa-assemble of an installed image");
    }
    try {
      Catalog catalog = Catalog.read(Path.of(home));
      if (list) {
        list(catalog);
        return 0;
      }
      if (deb != null) {
        if (names != null || output != null || jlink) {
          return usage("--deb packages this image as it is: assemble first, then run the new image's spa-assemble");
        }
        new DebPackage(catalog).build(deb);
        out.println("spa-assemble: wrote " + deb);
        return 0;
      }
      if (names == null || output == null) {
        return usage("--plugins and --output are needed");
      }
      return assemble(catalog, names, jlink, output);
    } catch (AssembleException e) {
      err.println("spa-assemble: " + e.getMessage());
      return 1;
    }
  }

  private int usage(String why) {
    err.println("spa-assemble: " + why);
    err.println("Try 'spa-assemble --help' for more information.");
    return 2;
  }

  private void list(Catalog catalog) {
    out.println(String.format("%-16s %-28s %s", "NAME", "PROVIDES", "MODULE"));
    for (Catalog.Plugin p : catalog.plugins().values()) {
      List<String> providers = p.providers();
      int others = p.modules().size() - providers.size();
      out.println(String.format("%-16s %-28s %s", p.name(), String.join(",", p.services()),
          String.join(" ", providers) + (others == 0 ? "" : " (+" + others + " private jars)")));
    }
  }

  private int assemble(Catalog catalog, List<String> names, boolean jlink, Path output) throws AssembleException {
    List<String> problems = new ArrayList<>();
    Map<String, Catalog.Plugin> chosen = new LinkedHashMap<>();
    for (String n : names) {
      Catalog.Plugin p = catalog.plugins().get(n.trim());
      if (p == null) {
        problems.add("unknown plugin '" + n.trim() + "' (spa-assemble --list shows the plugins of this image)");
      } else {
        chosen.put(p.name(), p);
      }
    }
    if (Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      problems.add(output + " already exists: give a new directory");
    }
    ModuleFinder system = ModuleFinder.ofSystem();
    List<Catalog.Plugin> plugins = List.copyOf(chosen.values());
    List<Path> lib = catalog.libFor(plugins, system, problems);
    Linker linker = new Linker(Path.of(System.getProperty("java.home")));
    if (jlink && problems.isEmpty()) {
      linker.checkTools();
    }
    if (!problems.isEmpty()) {
      problems.forEach(p -> err.println("spa-assemble: " + p));
      return 1;
    }
    Path partial = output.resolveSibling(output.getFileName() + ".partial");
    Path archive = output.resolveSibling(output.getFileName() + ".tar.gz");
    try {
      delete(partial);
      Files.createDirectories(partial);
      copyImageFiles(catalog.home(), partial);
      Files.createDirectories(partial.resolve("lib"));
      for (Path f : Catalog.list(catalog.home().resolve("lib"))) {
        String n = f.getFileName().toString();
        if (!n.endsWith(".jar") && !isAotCache(n)) { // launcher.sh
          copyTree(f, partial.resolve("lib").resolve(n));
        }
      }
      for (Path jar : lib) {
        Files.copy(jar, partial.resolve("lib").resolve(jar.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
      Files.createDirectories(partial.resolve("plugins"));
      for (Catalog.Plugin p : plugins) {
        if (!p.inLib()) {
          copyTree(p.path(), partial.resolve("plugins").resolve(p.path().getFileName()));
        }
      }
      String runtime = "";
      if (jlink) {
        List<ModuleReference> modules = new ArrayList<>();
        for (Path jar : lib) {
          modules.addAll(ModuleFinder.of(jar).findAll());
        }
        plugins.forEach(p -> modules.addAll(p.modules()));
        Set<String> jdk = linker.jdkModules(modules, system);
        linker.link(jdk, partial.resolve("runtime"));
        runtime = "; runtime/ with " + String.join(",", jdk);
      }
      Files.move(partial, output, StandardCopyOption.ATOMIC_MOVE);
      Files.deleteIfExists(archive);
      Linker.tar(output, archive);
      out.println("spa-assemble: wrote " + output + " (plugins " + String.join(",", chosen.keySet()) + runtime
          + ") and " + archive);
      return 0;
    } catch (IOException e) {
      throw new AssembleException("cannot write " + output + ": " + e);
    } finally {
      try {
        delete(partial);
      } catch (IOException e) {
        err.println("spa-assemble: cannot remove " + partial + ": " + e.getMessage());
      }
    }
  }

  /** The launchers, examples and other top-level files; not lib/, plugins/, runtime/ (chosen anew). */
  private static void copyImageFiles(Path home, Path to) throws IOException, AssembleException {
    for (Path e : Catalog.list(home)) {
      String n = e.getFileName().toString();
      if (!Set.of("lib", "plugins", "runtime").contains(n)) {
        copyTree(e, to.resolve(n));
      }
    }
  }

  /** Copies {@code from} (a file or a directory) to {@code to}, with modes and times. */
  /**
   * An ahead-of-time cache of the launchers ({@code lib/*.aot}, and the {@code .aot.for} naming the java and the
   * directory it was made for): it matches only its jars, java and place, so copies of an image leave it out.
   */
  static boolean isAotCache(String fileName) {
    return fileName.endsWith(".aot") || fileName.endsWith(".aot.for");
  }

  static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.copy(dir, to.resolve(from.relativize(dir).toString()), StandardCopyOption.COPY_ATTRIBUTES);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
            LinkOption.NOFOLLOW_LINKS);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }
}
