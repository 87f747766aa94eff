package spa.fw.nftables;

import com.sun.jna.LastErrorException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import spa.core.FirewallException;
import spa.core.IpAddresses;

/**
 * A set's elements read straight from the kernel: one {@code NFT_MSG_GETSETELEM} dump over a NETLINK_NETFILTER
 * socket, each element's key, data, time left and comment decoded by the set's kind. libnftables, asked to list a
 * set, reads the same dump but first builds its whole cache and then prints every element, ~1.6 s for 100,000
 * elements where this takes a tenth of that; {@code spad --fw-list} and the re-knock check use it when the backend
 * talks to nftables in-process. The elements come as {@link Listing.Entry}, exactly as the JSON listing gives them.
 */
final class NftNetlink {
  private static final int AF_NETLINK = 16;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_NETFILTER = 12;
  private static final int NLMSG_ERROR = 2;
  private static final int NLMSG_DONE = 3;
  private static final int NLM_F_REQUEST = 1;
  private static final int NLM_F_DUMP = 0x300;
  private static final int NFNL_SUBSYS_NFTABLES = 10;
  private static final int NFT_MSG_GETSETELEM = 13;
  private static final int NFT_MSG_NEWSETELEM = 12;
  private static final int NFTA_SET_ELEM_LIST_TABLE = 1;
  private static final int NFTA_SET_ELEM_LIST_SET = 2;
  private static final int NFTA_SET_ELEM_LIST_ELEMENTS = 3;
  private static final int NFTA_LIST_ELEM = 1;
  private static final int NFTA_SET_ELEM_KEY = 1;
  private static final int NFTA_SET_ELEM_DATA = 2;
  private static final int NFTA_SET_ELEM_EXPIRATION = 5;
  private static final int NFTA_SET_ELEM_USERDATA = 6;
  private static final int NFTA_DATA_VALUE = 1;
  /** libnftnl's user data record for an element's comment. */
  private static final int UDATA_SET_ELEM_COMMENT = 0;
  private static final int ENOENT = 2;
  private static final int RECEIVE_BUFFER = 1 << 16;

  /** The set (or its table) does not exist. */
  static final class Missing extends Exception {
    Missing(String set) {
      super(set + ": No such file or directory");
    }
  }

  private NftNetlink() {}

  /**
   * The elements of set or map {@code set} of {@code kind} in table {@code table} of {@code family}
   * ({@code inet}, {@code ip}, {@code ip6}), read in {@code netns} (null: this process's namespace).
   *
   * @throws Missing when the kernel has no such set
   * @throws FirewallException one line when the socket fails or the kernel's answer is not one this reads
   */
  static List<Listing.Entry> elements(String netns, String family, String table, String set, SetKind kind,
      boolean v6) throws FirewallException, Missing {
    Netns.LibC c = Netns.libc();
    int fd;
    try {
      fd = Netns.call(netns, () -> c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER));
    } catch (FirewallException e) {
      throw new FirewallException("netlink socket: " + e.getMessage());
    }
    try {
      byte[] request = request(familyCode(family), table, set);
      c.send(fd, request, request.length, 0);
      List<Listing.Entry> out = new ArrayList<>();
      byte[] buf = new byte[RECEIVE_BUFFER];
      while (true) {
        int n = (int) c.recv(fd, buf, buf.length, 0);
        if (read(ByteBuffer.wrap(buf, 0, n).order(ByteOrder.nativeOrder()), kind, v6, set, out)) {
          return out;
        }
      }
    } catch (LastErrorException e) {
      throw new FirewallException("netlink: " + e.getMessage());
    } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
      throw new FirewallException("list " + set + ": unreadable netlink answer: " + e.getMessage());
    } finally {
      c.close(fd);
    }
  }

  private static int familyCode(String family) {
    return switch (family) {
      case "inet" -> 1;
      case "ip" -> 2;
      case "ip6" -> 10;
      default -> throw new IllegalArgumentException("no netlink family for " + family);
    };
  }

  /** nlmsghdr, nfgenmsg and the table's and set's names: a dump of the set's elements. */
  static byte[] request(int family, String table, String set) {
    byte[] t = (table + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] s = (set + "\0").getBytes(StandardCharsets.UTF_8);
    int len = 16 + 4 + align(4 + t.length) + align(4 + s.length);
    ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
    b.putInt(len).putShort((short) (NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_GETSETELEM))
        .putShort((short) (NLM_F_REQUEST | NLM_F_DUMP)).putInt(1).putInt(0);
    b.put((byte) family).put((byte) 0).putShort((short) 0);
    attribute(b, NFTA_SET_ELEM_LIST_TABLE, t);
    attribute(b, NFTA_SET_ELEM_LIST_SET, s);
    return b.array();
  }

  private static void attribute(ByteBuffer b, int type, byte[] value) {
    b.putShort((short) (4 + value.length)).putShort((short) type).put(value);
    b.position(align(b.position()));
  }

  private static int align(int n) {
    return (n + 3) & ~3;
  }

  /** The messages of one datagram into {@code out}; true once the dump is done. */
  static boolean read(ByteBuffer b, SetKind kind, boolean v6, String set, List<Listing.Entry> out) throws Missing {
    while (b.remaining() >= 16) {
      int start = b.position();
      int len = b.getInt();
      int type = b.getShort() & 0xffff;
      b.getShort(); // flags
      b.getInt(); // sequence
      b.getInt(); // port id
      if (len < 16 || start + len > b.limit()) {
        throw new IllegalArgumentException("message of " + len + " bytes in " + (b.limit() - start));
      }
      int end = start + len;
      if (type == NLMSG_DONE) {
        return true;
      }
      if (type == NLMSG_ERROR) {
        int errno = -b.getInt();
        if (errno == 0) {
          b.position(align(end));
          continue; // an acknowledgement
        }
        if (errno == ENOENT) {
          throw new Missing(set);
        }
        throw new IllegalArgumentException("the kernel refused the listing: errno " + errno);
      }
      if (type == (NFNL_SUBSYS_NFTABLES << 8 | NFT_MSG_NEWSETELEM)) {
        for (Attribute list : attributes(window(b, start + 16 + 4, end))) { // past nlmsghdr and nfgenmsg
          if (list.type() == NFTA_SET_ELEM_LIST_ELEMENTS) {
            for (Attribute e : attributes(list.value())) {
              if (e.type() == NFTA_LIST_ELEM) {
                out.add(element(e.value(), kind, v6));
              }
            }
          }
        }
      }
      b.position(Math.min(b.limit(), align(end)));
    }
    return false;
  }

  /** {@code b}'s bytes from {@code from} to {@code to} as a buffer of their own, in {@code b}'s byte order. */
  private static ByteBuffer window(ByteBuffer b, int from, int to) {
    return b.duplicate().limit(to).position(from).slice().order(b.order());
  }

  /** One netlink attribute: its type (without the nested and byte-order flags) and its value. */
  private record Attribute(int type, ByteBuffer value) {}

  /** The attributes from {@code b}'s position to its limit, each padded to 4 bytes. */
  private static List<Attribute> attributes(ByteBuffer b) {
    List<Attribute> out = new ArrayList<>(6);
    while (b.remaining() >= 4) {
      int at = b.position();
      int alen = b.getShort() & 0xffff;
      int atype = b.getShort() & 0x3fff;
      if (alen < 4 || at + alen > b.limit()) {
        throw new IllegalArgumentException("attribute of " + alen + " bytes");
      }
      out.add(new Attribute(atype, window(b, at + 4, at + alen)));
      b.position(Math.min(b.limit(), at + align(alen)));
    }
    return out;
  }

  private static Listing.Entry element(ByteBuffer e, SetKind kind, boolean v6) {
    List<String> key = null;
    List<String> data = List.of();
    Long expires = null;
    String comment = "";
    for (Attribute a : attributes(e)) {
      switch (a.type()) {
        case NFTA_SET_ELEM_KEY -> key = kind.protocolNames(parts(value(a.value()), kind.keyTypes(), v6));
        case NFTA_SET_ELEM_DATA -> data = parts(value(a.value()), kind.dataTypes(), v6);
        case NFTA_SET_ELEM_EXPIRATION -> expires = a.value().order(ByteOrder.BIG_ENDIAN).getLong() / 1000;
        case NFTA_SET_ELEM_USERDATA -> comment = comment(a.value());
        default -> { }
      }
    }
    if (key == null) {
      throw new IllegalArgumentException("a set element without a key");
    }
    if (!kind.fits(key, data)) {
      throw new IllegalArgumentException("set element " + key + (data.isEmpty() ? "" : " : " + data)
          + " does not fit the type of " + kind);
    }
    return new Listing.Entry(kind, v6, key, data, expires, comment);
  }

  /** The bytes of the NFTA_DATA_VALUE inside a key or data attribute. */
  private static ByteBuffer value(ByteBuffer nested) {
    for (Attribute a : attributes(nested)) {
      if (a.type() == NFTA_DATA_VALUE) {
        return a.value();
      }
    }
    throw new IllegalArgumentException("a key or data without a value");
  }

  /**
   * A concatenation's parts in the listing's text: an address as a literal, a protocol and a service as numbers.
   * Each part of a concatenation fills a whole number of 32-bit registers, as the kernel lays them out.
   */
  static List<String> parts(ByteBuffer v, List<String> types, boolean v6) {
    List<String> out = new ArrayList<>(types.size());
    for (String type : types) {
      int width = switch (type) {
        case "A" -> v6 ? 16 : 4;
        case "inet_proto" -> 1;
        case "inet_service" -> 2;
        default -> throw new IllegalArgumentException("no decoding for " + type);
      };
      if (v.remaining() < width) {
        throw new IllegalArgumentException(v.remaining() + " bytes left for a " + type);
      }
      int at = v.position();
      out.add(switch (type) {
        case "A" -> address(v, width);
        case "inet_proto" -> Integer.toString(v.get() & 0xff);
        default -> Integer.toString(v.order(ByteOrder.BIG_ENDIAN).getShort() & 0xffff);
      });
      v.position(Math.min(v.limit(), at + align(width)));
    }
    if (v.hasRemaining()) {
      throw new IllegalArgumentException(v.remaining() + " bytes after the last part of " + String.join(" . ", types));
    }
    return List.copyOf(out);
  }

  private static String address(ByteBuffer v, int width) {
    byte[] a = new byte[width];
    v.get(a);
    if (width == 4) {
      return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
    }
    try {
      return IpAddresses.text(InetAddress.getByAddress(a));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e.getMessage());
    }
  }

  /** The comment among an element's user data records (type, length, value; the value ends in a NUL). */
  private static String comment(ByteBuffer u) {
    while (u.remaining() >= 2) {
      int type = u.get() & 0xff;
      int len = u.get() & 0xff;
      if (len > u.remaining()) {
        throw new IllegalArgumentException("user data record of " + len + " bytes");
      }
      byte[] value = new byte[len];
      u.get(value);
      if (type == UDATA_SET_ELEM_COMMENT) {
        int n = len;
        while (n > 0 && value[n - 1] == 0) {
          n--;
        }
        return new String(value, 0, n, StandardCharsets.UTF_8);
      }
    }
    return "";
  }
}
