package spa.server.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;

/** Compiles and packs small plugin jars at test time: Authorizer providers that name themselves. */
final class PluginJars {
  private final Path work;
  private int builds;
  /** The Spa-Provides value the next jar packed declares, or null for none. */
  private String provides;

  PluginJars(Path work) {
    this.work = work;
  }

  /**
   * A jar {@code jar} holding module {@code module} whose class {@code pkg.P} is an Authorizer named
   * {@code name}; {@code moduleInfo} false makes a plain jar (no module-info, no services).
   */
  Path authorizer(Path jar, String module, String pkg, String name, boolean moduleInfo, String... requires)
      throws IOException {
    Path src = work.resolve("src" + ++builds);
    Path dir = src.resolve(pkg.replace('.', '/'));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("P.java"), """
        package %s;

        public final class P implements spa.core.spi.Authorizer {
          @Override public String name() { return "%s"; }
          @Override public spa.core.Decision authorize(Request request) { return request.proposed(); }
        }
        """.formatted(pkg, name));
    List<String> files = new ArrayList<>(List.of(dir.resolve("P.java").toString()));
    if (moduleInfo) {
      StringBuilder req = new StringBuilder();
      for (String r : requires) {
        req.append("  requires ").append(r).append(";\n");
      }
      Files.writeString(src.resolve("module-info.java"), "module " + module + " {\n  requires spa.core;\n" + req
          + "  provides spa.core.spi.Authorizer with " + pkg + ".P;\n}\n");
      files.add(src.resolve("module-info.java").toString());
    }
    return pack(src, jar, files, requires);
  }

  /** {@link #authorizer} with {@code provides} as its manifest's {@value Plugins#PROVIDES} attribute. */
  Path declaring(String provides, Path jar, String module, String pkg, String name) throws IOException {
    this.provides = provides;
    try {
      return authorizer(jar, module, pkg, name, true);
    } finally {
      this.provides = null;
    }
  }

  /** A modular jar without services holding module {@code module} with class {@code pkg.Q}. */
  Path library(Path jar, String module, String pkg) throws IOException {
    Path src = work.resolve("src" + ++builds);
    Path dir = src.resolve(pkg.replace('.', '/'));
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("Q.java"), "package " + pkg + ";\npublic final class Q {}\n");
    Files.writeString(src.resolve("module-info.java"), "module " + module + " {\n  exports " + pkg + ";\n}\n");
    return pack(src, jar, List.of(dir.resolve("Q.java").toString(), src.resolve("module-info.java").toString()));
  }

  private Path pack(Path src, Path jar, List<String> files, String... requires) throws IOException {
    Path classes = src.resolveSibling(src.getFileName() + "-classes");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(log, true);
    List<String> args = new ArrayList<>(List.of("--release", "21", "-d", classes.toString()));
    String path = location("spa.core");
    if (files.stream().anyMatch(f -> f.endsWith("module-info.java"))) {
      args.addAll(List.of("--module-path", path));
      if (requires.length > 0) {
        // a stand-in for each required module, only for compiling: the jar then requires what is not there
        for (String r : requires) {
          Path stub = library(work.resolve("stub-" + r + ".jar"), r, "stub." + r.replace('.', '_'));
          args.set(args.indexOf("--module-path") + 1, args.get(args.indexOf("--module-path") + 1) + ":" + stub);
        }
      }
    } else {
      args.addAll(List.of("--class-path", path));
    }
    args.addAll(files);
    int rc = ToolProvider.findFirst("javac").orElseThrow().run(ps, ps, args.toArray(String[]::new));
    assertEquals(0, rc, log.toString());
    Files.createDirectories(jar.getParent());
    List<String> jarArgs = new ArrayList<>(List.of("--create", "--file", jar.toString()));
    if (provides != null) {
      Path mf = src.resolveSibling(src.getFileName() + ".mf");
      Files.writeString(mf, Plugins.PROVIDES + ": " + provides + "\n");
      jarArgs.add("--manifest=" + mf);
    }
    if (args.contains("--module-path")) {
      jarArgs.addAll(List.of("--module-version", "1.2.3"));
    }
    jarArgs.addAll(List.of("-C", classes.toString(), "."));
    rc = ToolProvider.findFirst("jar").orElseThrow().run(ps, ps, jarArgs.toArray(String[]::new));
    assertEquals(0, rc, log.toString());
    return jar;
  }

  private static String location(String module) {
    return Path.of(ModuleLayer.boot().configuration().findModule(module).orElseThrow().reference().location()
        .orElseThrow()).toString();
  }
}
