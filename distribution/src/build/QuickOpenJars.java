import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.attribute.ModulePackagesAttribute;
import java.lang.constant.PackageDesc;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import java.util.stream.Stream;

/**
 * Build step: rewrites each jar in the directories named (the image's plugins) that needs it so that spad opens it
 * quickly, whether or not a stanza needs it.
 *
 * <ul>
 *   <li>Without its JAR signature (META-INF/*.SF, *.RSA, *.DSA, *.EC) and with only the main section of its manifest
 *       (the per-entry digests go with the signature): Bouncy Castle's signed jars made every spad start verify
 *       1.6 MB of manifest and signature file (~200 ms). The signature guards nothing in the image, where plugin
 *       directories must be root-owned and a writer could put an unsigned jar in place anyway.
 *   <li>With its module's packages recorded in its {@code module-info.class} (the ModulePackages attribute, which
 *       the {@code jar} tool writes and Bouncy Castle's build does not): without it the JDK lists every entry of
 *       the jar to find them at each start, ~20 ms for bcprov's 6,000. The packages written are the ones the JDK
 *       finds that way in the original jar.
 * </ul>
 *
 * <p>The classes are byte for byte those Maven fetched and checked.
 */
public class QuickOpenJars {
  public static void main(String[] args) throws IOException {
    List<Path> jars = new ArrayList<>();
    for (String a : args) {
      try (Stream<Path> s = Files.walk(Path.of(a))) {
        s.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(jars::add);
      }
    }
    for (Path jar : jars) {
      boolean changed = false;
      ModuleDescriptor module = ModuleFinder.of(jar).findAll().iterator().next().descriptor();
      PackageDesc[] packages = module.isAutomatic() ? null
          : module.packages().stream().sorted().map(PackageDesc::of).toArray(PackageDesc[]::new);
      Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
      try (ZipFile in = new ZipFile(jar.toFile()); OutputStream file = Files.newOutputStream(tmp);
          ZipOutputStream out = new ZipOutputStream(file)) {
        for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
          ZipEntry entry = e.nextElement();
          String name = entry.getName();
          if (isSignature(name)) {
            changed = true;
            continue;
          }
          ZipEntry copy = new ZipEntry(name);
          copy.setTime(entry.getTime());
          out.putNextEntry(copy);
          try (InputStream body = in.getInputStream(entry)) {
            if (name.equals(JarFile.MANIFEST_NAME)) {
              Manifest all = new Manifest(body);
              Manifest main = new Manifest();
              main.getMainAttributes().putAll(all.getMainAttributes());
              main.write(out);
              changed |= !all.getEntries().isEmpty();
            } else if (packages != null && isModuleInfo(name)) {
              byte[] original = body.readAllBytes();
              byte[] recorded = withPackages(original, packages);
              out.write(recorded);
              changed |= recorded != original;
            } else {
              body.transferTo(out);
            }
          }
          out.closeEntry();
        }
      }
      if (!changed) {
        Files.delete(tmp);
        continue;
      }
      Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
      System.out.println(jar.getFileName() + ": no signature"
          + (packages == null ? "" : ", module " + module.name() + ": " + packages.length + " packages recorded"));
    }
  }

  /** {@code module-info.class}, or a multi-release jar's {@code META-INF/versions/N/module-info.class}. */
  private static boolean isModuleInfo(String name) {
    return name.equals("module-info.class") || name.matches("META-INF/versions/[0-9]+/module-info\\.class");
  }

  /** The module-info class with a ModulePackages attribute naming {@code packages}, unless it has one. */
  private static byte[] withPackages(byte[] moduleInfo, PackageDesc[] packages) {
    ClassFile cf = ClassFile.of();
    ClassModel model = cf.parse(moduleInfo);
    if (model.findAttribute(Attributes.modulePackages()).isPresent()) {
      return moduleInfo;
    }
    return cf.transformClass(model, ClassTransform.endHandler(b -> b.with(ModulePackagesAttribute.ofNames(packages))));
  }

  private static boolean isSignature(String name) {
    if (!name.startsWith("META-INF/") || name.indexOf('/', 9) >= 0) {
      return false;
    }
    String n = name.substring(9);
    return n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA") || n.endsWith(".EC") || n.startsWith("SIG-");
  }
}
