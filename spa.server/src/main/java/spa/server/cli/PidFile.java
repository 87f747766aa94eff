package spa.server.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/** The daemon's pid file, locked while it runs so that only one spad uses it. */
final class PidFile implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private PidFile(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the pid file, or fails naming the running instance. */
  static PidFile acquire(Path path) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      ch.close();
      OptionalLong other = read(path);
      throw new IOException("another spad holds " + path + (other.isPresent() ? " (pid " + other.getAsLong() + ")" : ""));
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    ch.force(false);
    return new PidFile(path, ch, lock);
  }

  /** The pid written in {@code path}, if it holds one. */
  static OptionalLong read(Path path) {
    try {
      String s = Files.readString(path, StandardCharsets.US_ASCII).strip();
      return s.isEmpty() || !s.chars().allMatch(Character::isDigit) || s.length() > 18 ? OptionalLong.empty()
          : OptionalLong.of(Long.parseLong(s));
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  @Override
  public void close() {
    try {
      Files.deleteIfExists(path);
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the process is ending; a stale pid file is detected by its lock
    }
  }
}
