package spa.server.cli;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Function;

/**
 * A Unix socket beside the pid file through which {@code spad -R} asks the running daemon to reload and
 * {@code spad -S} asks for its counters: one request line, one reply line. Mode 0600: root only.
 */
final class ControlSocket implements AutoCloseable {
  private final Path path;
  private final ServerSocketChannel server;
  private final Thread thread;

  private ControlSocket(Path path, ServerSocketChannel server, Function<String, String> handler) {
    this.path = path;
    this.server = server;
    this.thread = new Thread(() -> serve(handler), "spad-control");
    thread.setDaemon(true);
    thread.start();
  }

  /** Listens at {@code path} (replacing a stale socket; the caller holds the pid file lock). */
  static ControlSocket listen(Path path, Function<String, String> handler) throws IOException {
    Files.deleteIfExists(path);
    ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    s.bind(UnixDomainSocketAddress.of(path));
    try {
      Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    return new ControlSocket(path, s, handler);
  }

  private void serve(Function<String, String> handler) {
    while (server.isOpen()) {
      try (SocketChannel c = server.accept()) {
        String request = readLine(c);
        String reply = handler.apply(request == null ? "" : request.strip());
        c.write(ByteBuffer.wrap((reply + "\n").getBytes(StandardCharsets.UTF_8)));
      } catch (IOException e) {
        if (!server.isOpen()) {
          return;
        }
      }
    }
  }

  /** Sends one request to the daemon listening at {@code path}; returns its reply. */
  static String request(Path path, String request) throws IOException {
    try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
      c.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
      String reply = readLine(c);
      return reply == null ? "" : reply.strip();
    }
  }

  private static String readLine(SocketChannel c) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4096);
    while (b.hasRemaining()) {
      int n = c.read(b);
      if (n < 0) {
        break;
      }
      byte[] a = b.array();
      for (int i = 0; i < b.position(); i++) {
        if (a[i] == '\n') {
          return new String(a, 0, i, StandardCharsets.UTF_8);
        }
      }
    }
    return b.position() == 0 ? null : new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    try {
      server.close();
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // ending anyway
    }
  }
}
