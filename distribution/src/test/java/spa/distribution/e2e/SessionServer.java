package spa.distribution.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The services the tests protect, run inside a namespace: for each {@code port=banner} argument it listens on
 * every IPv4 and IPv6 address, greets each connection with the banner and the peer address it sees, then echoes
 * each line back until the client closes, so that a connection can be held open across a grant's expiry. It
 * prints {@code ready} once bound and exits when its standard input closes.
 */
public final class SessionServer {
  private SessionServer() {}

  public static void main(String[] args) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    for (String spec : args) {
      int eq = spec.indexOf('=');
      ServerSocket ss = new ServerSocket();
      ss.setReuseAddress(true);
      ss.bind(new InetSocketAddress(Integer.parseInt(spec.substring(0, eq))), 50);
      sockets.add(ss);
      String banner = spec.substring(eq + 1);
      Thread.ofPlatform().daemon().start(() -> accept(ss, banner));
    }
    System.out.println("ready");
    System.out.flush();
    while (System.in.read() >= 0) {
      // until the test closes our standard input
    }
    for (ServerSocket ss : sockets) {
      ss.close();
    }
  }

  private static void accept(ServerSocket ss, String banner) {
    while (!ss.isClosed()) {
      try {
        Socket s = ss.accept();
        Thread.ofVirtual().start(() -> serve(s, banner));
      } catch (IOException e) {
        // closing at exit
      }
    }
  }

  private static void serve(Socket s, String banner) {
    try (s; OutputStream out = s.getOutputStream();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))) {
      String peer = s.getInetAddress().getHostAddress().replaceFirst("^::ffff:", "");
      out.write((banner + " " + peer + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      for (String line; (line = in.readLine()) != null; ) {
        out.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away
    }
  }
}
