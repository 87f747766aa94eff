package spa.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.function.Consumer;

/**
 * fwknopd's check on configuration files, which hold keys: a file that group or others may read or write gets
 * one warning naming it and its mode, and is read anyway.
 */
final class FilePermissions {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);

  private FilePermissions() {}

  static void check(Path file, Consumer<String> warn) {
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (UnsupportedOperationException | IOException e) {
      return; // no POSIX modes here, or unreadable: the reader that follows reports that
    }
    if (!OWNER_ONLY.containsAll(perms)) {
      warn.accept(file + ": mode " + octal(perms) + " gives group or others access, and it may hold keys (chmod 600 it)");
    }
  }

  private static String octal(Set<PosixFilePermission> perms) {
    int mode = 0;
    for (PosixFilePermission p : perms) {
      mode |= 0400 >> p.ordinal(); // OWNER_READ, OWNER_WRITE, ..., OTHERS_EXECUTE: bits 0400 down to 0001
    }
    return String.format("%04o", mode);
  }
}
