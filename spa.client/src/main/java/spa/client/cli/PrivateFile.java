package spa.client.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files that may hold keys (generated keys, saved packets, saved command lines): created readable by their owner only. */
final class PrivateFile {
  private PrivateFile() {}

  /** Writes {@code text}, creating the file with mode 0600 where the file system allows. */
  static void write(Path file, String text, boolean append) throws IOException {
    if (!Files.exists(file)) {
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (UnsupportedOperationException e) {
        Files.createFile(file);
      }
    }
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    if (append) {
      Files.write(file, bytes, StandardOpenOption.APPEND);
    } else {
      Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
    }
  }
}
