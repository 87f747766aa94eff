package spa.client;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where a packet goes: the server as the user named it (kept for the HTTP {@code Host} header) and a port.
 *
 * @param host host name or address literal
 * @param port destination port 1..65535
 */
public record Destination(String host, int port) {

  /** The default fwknopd port. */
  public static final int DEFAULT_PORT = 62201;

  public Destination {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("no server host");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " outside 1..65535");
    }
  }

  /**
   * Resolves the host. An IPv4 address is preferred, as fwknop uses only IPv4; IPv6 is used when the name
   * has no IPv4 address, unless {@code ipv4Only}.
   */
  public InetSocketAddress resolve(boolean ipv4Only) throws ClientException {
    InetAddress[] all = addresses();
    for (InetAddress a : all) {
      if (a instanceof Inet4Address) {
        return new InetSocketAddress(a, port);
      }
    }
    if (ipv4Only || all.length == 0) {
      throw new ClientException("server '" + host + "' has no IPv4 address");
    }
    return new InetSocketAddress(all[0], port);
  }

  /** Every address of the host (a literal is not looked up). */
  private InetAddress[] addresses() throws ClientException {
    try {
      return InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new ClientException("cannot resolve server '" + host + "'");
    } catch (SecurityException e) {
      throw new ClientException("not allowed to resolve server '" + host + "'");
    }
  }

  /** Resolves the host to the address family {@code options} allow ({@code -4}, {@code -6}). */
  public InetSocketAddress resolve(Transport.Options options) throws ClientException {
    if (!options.ipv6Only()) {
      return resolve(options.ipv4Only());
    }
    InetAddress[] all = addresses();
    for (InetAddress a : all) {
      if (a instanceof java.net.Inet6Address) {
        return new InetSocketAddress(a, port);
      }
    }
    throw new ClientException("server '" + host + "' has no IPv6 address");
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
