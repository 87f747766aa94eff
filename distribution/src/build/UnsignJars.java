import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Build step: rewrites each jar named without its JAR signature (META-INF/*.SF, *.RSA, *.DSA, *.EC) and with only
 * the main section of its manifest (the per-entry digests go with the signature). Bouncy Castle's signed jars made
 * every spad start verify 1.6 MB of manifest and signature file (~200 ms) whether or not a GnuPG stanza exists;
 * the signature guards nothing in the image, where plugin directories must be root-owned and a writer could put
 * an unsigned jar in place anyway. The classes are byte for byte those Maven fetched and checked.
 */
public class UnsignJars {
  public static void main(String[] args) throws IOException {
    for (String a : args) {
      Path jar = Path.of(a);
      Path tmp = jar.resolveSibling(jar.getFileName() + ".tmp");
      try (ZipFile in = new ZipFile(jar.toFile()); OutputStream file = Files.newOutputStream(tmp);
          ZipOutputStream out = new ZipOutputStream(file)) {
        for (Enumeration<? extends ZipEntry> e = in.entries(); e.hasMoreElements(); ) {
          ZipEntry entry = e.nextElement();
          String name = entry.getName();
          if (isSignature(name)) {
            continue;
          }
          ZipEntry copy = new ZipEntry(name);
          copy.setTime(entry.getTime());
          out.putNextEntry(copy);
          try (InputStream body = in.getInputStream(entry)) {
            if (name.equals(JarFile.MANIFEST_NAME)) {
              Manifest main = new Manifest();
              main.getMainAttributes().putAll(new Manifest(body).getMainAttributes());
              main.write(out);
            } else {
              body.transferTo(out);
            }
          }
          out.closeEntry();
        }
      }
      Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
      System.out.println("unsigned " + jar.getFileName());
    }
  }

  private static boolean isSignature(String name) {
    if (!name.startsWith("META-INF/") || name.indexOf('/', 9) >= 0) {
      return false;
    }
    String n = name.substring(9);
    return n.endsWith(".SF") || n.endsWith(".RSA") || n.endsWith(".DSA") || n.endsWith(".EC") || n.startsWith("SIG-");
  }
}
