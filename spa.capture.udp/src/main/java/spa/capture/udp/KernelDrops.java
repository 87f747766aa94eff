package spa.capture.udp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The datagrams the kernel dropped for one UDP socket (its receive buffer was full), read from the {@code drops}
 * column of {@code /proc/net/udp} and {@code /proc/net/udp6}. The socket is found by its inode: the one among this
 * process's open sockets ({@code /proc/self/fd}) that is bound to the capture's port.
 */
final class KernelDrops {
  private static final int LOCAL_ADDRESS = 1;
  private static final int INODE = 9;
  private static final int DROPS = 12;

  private final List<Path> tables;
  private final long inode;

  private KernelDrops(List<Path> tables, long inode) {
    this.tables = tables;
    this.inode = inode;
  }

  /** For the socket of this process bound to {@code port}, or null when there is no such /proc to read. */
  static KernelDrops find(int port) {
    return find(Path.of("/proc/self/fd"), List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6")), port);
  }

  static KernelDrops find(Path fdDir, List<Path> tables, int port) {
    Set<Long> mine = socketInodes(fdDir);
    for (Path t : tables) {
      String text = read(t);
      if (text == null) {
        continue;
      }
      for (String line : text.split("\n")) {
        String[] f = fields(line);
        if (f != null && port(f[LOCAL_ADDRESS]) == port) {
          long ino = parseLong(f[INODE], 10);
          if (mine.contains(ino)) {
            return new KernelDrops(tables, ino);
          }
        }
      }
    }
    return null;
  }

  long inode() {
    return inode;
  }

  /** The file descriptor of this process that is the socket, if any. */
  OptionalInt fd() {
    return fd(Path.of("/proc/self/fd"), inode);
  }

  static OptionalInt fd(Path fdDir, long inode) {
    String target = "socket:[" + inode + "]";
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : fds) {
        try {
          if (Files.readSymbolicLink(fd).toString().equals(target)) {
            return OptionalInt.of(Integer.parseInt(fd.getFileName().toString()));
          }
        } catch (IOException | UnsupportedOperationException | NumberFormatException e) {
          // closed meanwhile, or not a descriptor
        }
      }
    } catch (IOException e) {
      return OptionalInt.empty();
    }
    return OptionalInt.empty();
  }

  /** The socket's drops so far; 0 when its line cannot be read. */
  long read() {
    for (Path t : tables) {
      String text = read(t);
      if (text != null) {
        long d = drops(text, inode);
        if (d >= 0) {
          return d;
        }
      }
    }
    return 0;
  }

  /** The drops column of the line for {@code inode} in a /proc/net/udp table; -1 when it has no such line. */
  static long drops(String table, long inode) {
    for (String line : table.split("\n")) {
      String[] f = fields(line);
      if (f != null && parseLong(f[INODE], 10) == inode) {
        return parseLong(f[DROPS], 10);
      }
    }
    return -1;
  }

  /** The inodes of the sockets among the links in {@code fdDir} ({@code socket:[12345]}). */
  static Set<Long> socketInodes(Path fdDir) {
    Set<Long> out = new HashSet<>();
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : fds) {
        String target;
        try {
          target = Files.readSymbolicLink(fd).toString();
        } catch (IOException | UnsupportedOperationException e) {
          continue; // closed meanwhile, or not a link
        }
        if (target.startsWith("socket:[") && target.endsWith("]")) {
          long ino = parseLong(target.substring(8, target.length() - 1), 10);
          if (ino >= 0) {
            out.add(ino);
          }
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /** A data line's fields, or null for the heading and anything too short. */
  private static String[] fields(String line) {
    String[] f = line.trim().split("\\s+");
    return f.length > DROPS && f[0].endsWith(":") && !f[0].equals("sl") ? f : null;
  }

  /** The port of a {@code HEXADDR:HEXPORT} column; -1 if it is not one. */
  static int port(String localAddress) {
    int colon = localAddress.lastIndexOf(':');
    return colon < 0 ? -1 : (int) parseLong(localAddress.substring(colon + 1), 16);
  }

  private static long parseLong(String s, int radix) {
    try {
      return Long.parseLong(s, radix);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      return null;
    }
  }
}
