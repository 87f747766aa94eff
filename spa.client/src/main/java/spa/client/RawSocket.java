package spa.client;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A Linux raw IPv4 socket ({@code socket(AF_INET, SOCK_RAW, IPPROTO_RAW)}, which implies {@code IP_HDRINCL}): sends
 * datagrams whose IP header the caller built. Needs root ({@code CAP_NET_RAW}). The only native code of the client.
 */
final class RawSocket {
  private static final int AF_INET = 2;
  private static final int SOCK_RAW = 3;
  private static final int IPPROTO_RAW = 255;
  private static final int EPERM = 1;
  private static final int EACCES = 13;

  private RawSocket() {}

  /** libc's socket calls; {@code size_t} as a Java long (64-bit Linux). */
  interface LibC extends Library {
    int socket(int domain, int type, int protocol) throws LastErrorException;

    long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  /** Sends {@code datagram} (IPv4 header first) to {@code dst}; returns the bytes sent. */
  static int send(byte[] datagram, Inet4Address dst) throws ClientException {
    LibC c;
    try {
      c = Native.load("c", LibC.class);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new ClientException("raw sockets: no native access (" + e.getMessage() + ")");
    }
    int fd;
    try {
      fd = c.socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
    } catch (LastErrorException e) {
      int code = e.getErrorCode();
      throw new ClientException(code == EPERM || code == EACCES
          ? "raw sockets need root (CAP_NET_RAW); run spa as root or use -P udp, tcp or http"
          : "cannot open a raw socket: " + e.getMessage());
    }
    try {
      // struct sockaddr_in: family in host order, port (unused for raw), address, zero padding
      byte[] addr = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putShort((short) AF_INET)
          .putShort((short) 0).put(dst.getAddress()).array();
      return (int) c.sendto(fd, datagram, datagram.length, 0, addr, addr.length);
    } catch (LastErrorException e) {
      throw new ClientException("cannot send the raw packet to " + dst.getHostAddress() + ": " + e.getMessage());
    } finally {
      try {
        c.close(fd);
      } catch (LastErrorException ignored) {
        // the socket was used once; nothing to keep
      }
    }
  }
}
