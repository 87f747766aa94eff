package spa.distribution.assemble;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/**
 * {@code spa-assemble --deb FILE}: the image as a Debian package, built with dpkg-deb and no network. The image goes
 * to {@code /usr/lib/spa}, {@code spa} and {@code spad} to {@code /usr/bin}, the examples of {@code conf/} to
 * {@code /usr/share/doc/spa/examples}, the example {@code spad.conf} to {@code /etc/spa} as a conffile; the systemd
 * units, tmpfiles.d and sysusers.d files and the maintainer scripts come from the image's {@code share/debian};
 * the man pages spa(1) and spad(8) and the bash completions are generated from the commands' {@code --help}.
 */
final class DebPackage {
  private final Catalog catalog;

  DebPackage(Catalog catalog) {
    this.catalog = catalog;
  }

  /** Writes the package to {@code deb}; refuses an existing file. */
  void build(Path deb) throws AssembleException {
    Path home = catalog.home();
    Path debian = home.resolve("share/debian");
    if (!Files.isDirectory(debian)) {
      throw new AssembleException(home + " has no share/debian (the units and scripts of the package)");
    }
    if (Files.exists(deb, LinkOption.NOFOLLOW_LINKS)) {
      throw new AssembleException(deb + " already exists: give a new file");
    }
    Path root = deb.resolveSibling(deb.getFileName() + ".root");
    try {
      Assemble.delete(root);
      Path lib = Files.createDirectories(root.resolve("usr/lib/spa"));
      for (Path e : Catalog.list(home)) {
        String n = e.getFileName().toString();
        if (!Set.of("conf", "share").contains(n)) {
          Assemble.copyTree(e, lib.resolve(n));
        }
      }
      for (Path f : Catalog.list(lib.resolve("lib"))) {
        if (Assemble.isAotCache(f.getFileName().toString())) {
          Files.delete(f);
        }
      }
      Files.createDirectories(root.resolve("usr/bin"));
      for (String cmd : List.of("spa", "spad")) {
        Files.createSymbolicLink(root.resolve("usr/bin").resolve(cmd), Path.of("../lib/spa/bin", cmd));
      }
      Path doc = Files.createDirectories(root.resolve("usr/share/doc/spa"));
      Assemble.copyTree(home.resolve("conf"), doc.resolve("examples"));
      Path etc = Files.createDirectories(root.resolve("etc/spa"));
      Files.copy(home.resolve("conf/spad.conf"), etc.resolve("spad.conf"));
      Files.setPosixFilePermissions(etc.resolve("spad.conf"), PosixFilePermissions.fromString("rw-------"));
      place(debian.resolve("spad.service"), root.resolve("lib/systemd/system/spad.service"), "rw-r--r--");
      place(debian.resolve("spad@.service"), root.resolve("lib/systemd/system/spad@.service"), "rw-r--r--");
      place(debian.resolve("tmpfiles.conf"), root.resolve("usr/lib/tmpfiles.d/spa.conf"), "rw-r--r--");
      place(debian.resolve("sysusers.conf"), root.resolve("usr/lib/sysusers.d/spa.conf"), "rw-r--r--");
      for (String script : List.of("postinst", "prerm", "postrm")) {
        place(debian.resolve(script), root.resolve("DEBIAN").resolve(script), "rwxr-xr-x");
      }
      docPages(home, root);
      Files.writeString(root.resolve("DEBIAN/conffiles"), "/etc/spa/spad.conf\n");
      Files.writeString(root.resolve("DEBIAN/control"), control(Files.isDirectory(home.resolve("runtime"))));
      Linker.run(List.of("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", root.toString(), deb.toString()));
    } catch (IOException e) {
      throw new AssembleException("cannot write " + deb + ": " + e);
    } finally {
      try {
        Assemble.delete(root);
      } catch (IOException e) {
        // left behind in the output directory: named by its .root suffix
      }
    }
  }

  /** spa(1), spad(8) and their bash completions, from the image's own {@code --help}. */
  private void docPages(Path home, Path root) throws AssembleException, IOException {
    String version = version();
    for (String cmd : List.of("spa", "spad")) {
      DocPages pages = new DocPages(cmd, Linker.run(List.of(home.resolve("bin").resolve(cmd).toString(), "--help")));
      int section = cmd.equals("spad") ? 8 : 1;
      List<String> files = cmd.equals("spad")
          ? List.of("/etc/spa/spad.conf", "/etc/fwknop/fwknopd.conf, /etc/fwknop/access.conf (when only these exist)",
              "/var/lib/spa/digest.cache", "/run/spa")
          : List.of("~/.fwknoprc");
      Path man = Files.createDirectories(root.resolve("usr/share/man/man" + section));
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(man.resolve(cmd + "." + section + ".gz")))) {
        out.write(pages.manPage(section, version, files).getBytes(StandardCharsets.UTF_8));
      }
      Path completions = Files.createDirectories(root.resolve("usr/share/bash-completion/completions"));
      Files.writeString(completions.resolve(cmd), pages.bashCompletion());
    }
  }

  private String version() {
    ModuleReference core = catalog.lib().get("spa.core");
    return core == null ? "0" : core.descriptor().rawVersion().orElse("0");
  }

  private static void place(Path from, Path to, String mode) throws IOException {
    Files.createDirectories(to.getParent());
    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(mode));
  }

  /** The control file: the version of spa.core; with runtime/ the machine's architecture, else all. */
  private String control(boolean ownRuntime) throws AssembleException {
    String version = version().replace('-', '~');
    String arch = ownRuntime ? Linker.run(List.of("dpkg", "--print-architecture")).strip() : "all";
    return "Package: spa\n"
        + "Version: " + version + "\n"
        + "Architecture: " + arch + "\n"
        + "Maintainer: spa developers <spa@localhost>\n"
        + "Section: net\n"
        + "Priority: optional\n"
        // the launchers find a Java 21+ themselves (JAVA_HOME, PATH): a recommendation, not a dependency
        + "Recommends: nftables | iptables"
        + (ownRuntime ? "" : ", openjdk-21-jre-headless | openjdk-25-jre-headless | java21-runtime-headless") + "\n"
        + "Description: Single Packet Authorization client and daemon, wire-compatible with fwknop 2.6\n"
        + " spa and spad take fwknop's and fwknopd's options and files; spad opens firewall ports\n"
        + " for authenticated knocks and runs as the user spa with CAP_NET_ADMIN and CAP_NET_RAW only.\n";
  }
}
