package spa.fw.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny TCP server for firewall tests, run inside a network namespace: for each {@code port=banner}
 * argument it listens on every address (IPv4 and IPv6) and answers each connection with the banner, a space and the
 * connecting peer's address (so a test sees whether a connection was source-translated), then closes it. It prints {@code ready} once all ports are bound and exits when its standard
 * input closes, so it never outlives the test JVM that started it.
 */
public final class BannerServer {

  private BannerServer() {
  }

  public static void main(String[] args) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    for (String spec : args) {
      int eq = spec.indexOf('=');
      int port = Integer.parseInt(spec.substring(0, eq));
      String banner = spec.substring(eq + 1);
      ServerSocket ss = new ServerSocket();
      ss.setReuseAddress(true);
      ss.bind(new InetSocketAddress(port), 50);
      sockets.add(ss);
      Thread.ofPlatform().daemon().start(() -> serve(ss, banner));
    }
    System.out.println("ready");
    System.out.flush();
    InputStream in = System.in;
    while (in.read() >= 0) {
      // wait for end of input
    }
    for (ServerSocket ss : sockets) {
      ss.close();
    }
  }

  private static void serve(ServerSocket ss, String banner) {
    while (!ss.isClosed()) {
      try (Socket s = ss.accept(); OutputStream out = s.getOutputStream()) {
        String peer = s.getInetAddress().getHostAddress().replaceFirst("^::ffff:", "");
        out.write((banner + " " + peer + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      } catch (IOException e) {
        // a client that went away, or the socket closing at exit
      }
    }
  }
}
