package spa.capture.udp;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Sizes a socket's receive buffer, the kernel's store of datagrams while the reader is not scheduled. A plain
 * {@code SO_RCVBUF} is capped at {@code net.core.rmem_max}; when the size asked for is above what that gave, Linux's
 * {@code SO_RCVBUFFORCE} is tried, which ignores the cap for a process with {@code CAP_NET_ADMIN} (root).
 */
final class ReceiveBuffer {
  private static final int SOL_SOCKET = 1;
  /** asm-generic/socket.h; the architectures spa is built for (x86, arm, riscv) use the generic value. */
  private static final int SO_RCVBUFFORCE = 33;

  private ReceiveBuffer() {}

  /** libc's setsockopt, the only native call of this plugin. */
  interface LibC extends Library {
    int setsockopt(int fd, int level, int name, int[] value, int length) throws LastErrorException;
  }

  /**
   * Asks for {@code bytes} on {@code channel} (file descriptor {@code fd}, if known) and returns one line saying what
   * the kernel granted, for the log.
   */
  static String apply(DatagramChannel channel, int bytes, OptionalInt fd) throws IOException {
    channel.setOption(StandardSocketOptions.SO_RCVBUF, bytes);
    int plain = channel.getOption(StandardSocketOptions.SO_RCVBUF);
    if (plain >= bytes) {
      return "receive buffer " + plain + " bytes";
    }
    String why;
    if (fd.isEmpty()) {
      why = "its file descriptor was not found";
    } else if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      why = "not Linux";
    } else {
      try {
        Native.load("c", LibC.class).setsockopt(fd.getAsInt(), SOL_SOCKET, SO_RCVBUFFORCE, new int[] {bytes}, 4);
        return "receive buffer " + channel.getOption(StandardSocketOptions.SO_RCVBUF) + " bytes (SO_RCVBUFFORCE)";
      } catch (LastErrorException e) {
        why = e.getErrorCode() == 1 ? "SO_RCVBUFFORCE needs root (CAP_NET_ADMIN)" : "SO_RCVBUFFORCE: " + e.getMessage();
      } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
        why = "no native access: " + e.getMessage();
      }
    }
    return "receive buffer " + plain + " bytes, not the " + bytes + " asked for: net.core.rmem_max caps it, and " + why;
  }
}
