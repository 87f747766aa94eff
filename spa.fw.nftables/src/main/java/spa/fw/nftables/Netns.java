package spa.fw.nftables;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import spa.core.FirewallException;

/**
 * Native handles made inside a named network namespace ({@code /run/netns/NAME}; tests and benchmarks): on a
 * short-lived thread that enters it first, since setns affects only the calling thread. What it makes (an nftables
 * context, a netlink socket) stays in that namespace whichever thread uses it later.
 */
final class Netns {
  private static final int O_RDONLY = 0;
  private static final int CLONE_NEWNET = 0x40000000;

  /**
   * The part of libc the nftables plugin uses, mapped directly (JNA registers the natives when the class is first
   * used): a call is a JNI call, without the proxy and per-call argument conversion of an interface mapping, which
   * run interpreted at a knock's send and answer until hundreds of knocks have compiled them.
   */
  static final class LibC {
    static {
      Native.register(LibC.class, "c");
    }

    native int open(String path, int flags) throws LastErrorException;

    native int setns(int fd, int nstype) throws LastErrorException;

    native int close(int fd) throws LastErrorException;

    native int socket(int domain, int type, int protocol) throws LastErrorException;

    native long send(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    native long recv(int fd, byte[] buf, long len, int flags) throws LastErrorException;

    native int setsockopt(int fd, int level, int name, byte[] value, int len) throws LastErrorException;
  }

  private Netns() {}

  /** libc, registered on first use. */
  static LibC libc() {
    return Holder.C;
  }

  private static final class Holder {
    static final LibC C = new LibC();
  }

  /**
   * {@code make} run in {@code netns}, or on this thread when it is null.
   *
   * @throws FirewallException one line saying why, when the namespace cannot be entered or {@code make} fails
   */
  static <T> T call(String netns, Callable<T> make) throws FirewallException {
    if (netns == null) {
      try {
        return make.call();
      } catch (FirewallException e) {
        throw e;
      } catch (Exception e) {
        throw new FirewallException(e.getMessage());
      }
    }
    AtomicReference<Object> made = new AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        LibC c = libc();
        int fd = c.open("/run/netns/" + netns, O_RDONLY);
        try {
          c.setns(fd, CLONE_NEWNET);
        } finally {
          c.close(fd);
        }
      } catch (LastErrorException | UnsatisfiedLinkError e) {
        made.set(new FirewallException("cannot enter network namespace " + netns + ": " + e.getMessage()));
        return;
      }
      try {
        made.set(make.call());
      } catch (Exception e) {
        made.set(e instanceof FirewallException f ? f : new FirewallException(e.getMessage()));
      }
    }, "spa-nft-netns");
    t.start();
    try {
      t.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FirewallException("interrupted while entering network namespace " + netns);
    }
    if (made.get() instanceof FirewallException e) {
      throw e;
    }
    @SuppressWarnings("unchecked")
    T result = (T) made.get();
    return result;
  }
}
