package spa.server.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.function.Consumer;

/**
 * fwknopd's checks on the files spad reads: a configuration file (it may hold keys) that group or others may read
 * or write, and a state file (the replay cache) that they may write, gets one warning naming it and its mode, and
 * is used anyway.
 */
public final class FilePermissions {
  private static final Set<PosixFilePermission> OWNER_ONLY =
      Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE);
  private static final Set<PosixFilePermission> WRITE_BY_OTHERS =
      Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

  private FilePermissions() {}

  /** Warns when group or others may access {@code file}, a configuration file. */
  static void check(Path file, Consumer<String> warn) {
    Set<PosixFilePermission> perms = modes(file);
    if (perms != null && !OWNER_ONLY.containsAll(perms)) {
      warn.accept(file + ": mode " + octal(perms) + " gives group or others access, and it may hold keys (chmod 600 it)");
    }
  }

  /**
   * Warns when group or others may write {@code file} (not following a symbolic link), a file whose content spad
   * trusts: {@code what} says what a writer could do with it.
   */
  public static void checkNotWritable(Path file, String what, Consumer<String> warn) {
    Set<PosixFilePermission> perms = modes(file, LinkOption.NOFOLLOW_LINKS);
    if (perms != null && perms.stream().anyMatch(WRITE_BY_OTHERS::contains)) {
      warn.accept(file + ": mode " + octal(perms) + " lets group or others write it, and " + what + " (chmod 600 it)");
    }
  }

  /** The file's modes, or null: no POSIX modes here, or unreadable (the reader that follows reports that). */
  private static Set<PosixFilePermission> modes(Path file, LinkOption... options) {
    try {
      return Files.getPosixFilePermissions(file, options);
    } catch (UnsupportedOperationException | IOException e) {
      return null;
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
