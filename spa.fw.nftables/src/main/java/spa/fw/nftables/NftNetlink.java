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
import spa.core.ProtoPort;

/**
 * Set elements read and written straight from the kernel over a NETLINK_NETFILTER socket, when the backend talks
 * to nftables in-process. Reading: one {@code NFT_MSG_GETSETELEM} dump, each element's key, data, time left and
 * comment decoded by the set's kind; libnftables, asked to list a set, reads the same dump but first builds its
 * whole cache and then prints every element, ~1.6 s for 100,000 elements where this takes a tenth of that
 * ({@code spad --fw-list} and the re-knock check). The elements come as {@link Listing.Entry}, exactly as the JSON
 * listing gives them. Writing ({@link Writer}): an {@link ElementBatch} as one batch of {@code NFT_MSG_NEWSETELEM}
 * and {@code NFT_MSG_DELSETELEM} messages, the ones nft sends for the same script, without the cache libnftables
 * fills before every command (four dumps and two generation reads): ~200 us a grant, ~100 of them the kernel's
 * commit, where libnftables takes ~375.
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
  private static final int NFNL_MSG_BATCH_BEGIN = 0x10;
  private static final int NFNL_MSG_BATCH_END = 0x11;
  private static final int NFT_MSG_DELSETELEM = 14;
  private static final int NLM_F_ACK = 4;
  private static final int NLM_F_EXCL = 0x200;
  private static final int NLM_F_CREATE = 0x400;
  private static final int NLA_F_NESTED = 0x8000;
  private static final int NFTA_SET_ELEM_TIMEOUT = 4;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final long ANSWER_WAIT_SECONDS = 1;
  private static final int EAGAIN = 11;
  private static final int EINTR = 4;
  /** The kernel's answer to creating an element that is there, or adding a map element with other data. */
  static final int EEXIST = 17;
  /**
   * Changes written in one batch at most: each is acknowledged in a message of its own, and all of them must fit
   * the socket's receive buffer (the default's ~200 KB hold some 200). Larger batches go through libnftables,
   * whose cache costs little next to them.
   */
  static final int MAX_WRITE_OPS = 64;

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
    int fd = socket(netns);
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

  /** A NETLINK_NETFILTER socket made in {@code netns} (null: this process's namespace). */
  private static int socket(String netns) throws FirewallException {
    Netns.LibC c = Netns.libc();
    try {
      return Netns.call(netns, () -> c.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER));
    } catch (FirewallException e) {
      throw new FirewallException("netlink socket: " + e.getMessage());
    }
  }

  static int familyCode(String family) {
    return switch (family) {
      case "inet" -> 1;
      case "ip" -> 2;
      case "ip6" -> 10;
      default -> throw new IllegalArgumentException("no netlink family for " + family);
    };
  }

  /**
   * A NETLINK_NETFILTER socket for element changes, opened once, in a namespace when the backend is for one (the
   * socket stays in it). Not thread-safe: the library channel calls it under its lock.
   */
  static final class Writer {
    private final int fd;
    private final byte[] answer = new byte[8192];
    private int seq = 1;

    private Writer(int fd) {
      this.fd = fd;
    }

    /** @throws FirewallException one line when the socket cannot be opened */
    static Writer open(String netns) throws FirewallException {
      Netns.LibC c = Netns.libc();
      int fd = socket(netns);
      try {
        // a bound on waiting for an answer the kernel should already have queued (see answer())
        ByteBuffer timeval = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(ANSWER_WAIT_SECONDS)
            .putLong(0);
        c.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval.array(), 16);
      } catch (LastErrorException e) {
        c.close(fd);
        throw new FirewallException("netlink socket: " + e.getMessage());
      }
      return new Writer(fd);
    }

    /**
     * Applies {@code batch} to table {@code table} of {@code family} as one transaction, set names with
     * {@code prefix}: 0 when the kernel committed it, else the errno of its first refusal (nothing was applied).
     *
     * @throws FirewallException one line when the socket fails or an answer is missing
     * @throws IllegalArgumentException when an element cannot be written (a part netlink writing does not know)
     */
    int write(String family, String table, String prefix, ElementBatch batch) throws FirewallException {
      Netns.LibC c = Netns.libc();
      int first = seq;
      int changes = batch.ops().size();
      byte[] request = batchRequest(familyCode(family), table, prefix, batch, first);
      seq += changes + 2;
      try {
        c.send(fd, request, request.length, 0);
        return answer(c, first, changes);
      } catch (LastErrorException e) {
        throw new FirewallException("netlink: " + (e.getErrorCode() == EAGAIN ? "no answer" : e.getMessage()));
      }
    }

    /**
     * The answer to the batch that began at sequence {@code first}: the kernel handles a netlink request within
     * send() and has queued one acknowledgement or refusal per change by its return; a refusal of the batch itself
     * (sequence {@code first}: its commit failed, or the batch was not taken at all) comes first, and ends the wait:
     * nothing was applied. 0, or the first errno. Messages of other sequences (the rest of an answer an earlier
     * call stopped reading) are skipped; SO_RCVTIMEO ends the wait should an answer be missing.
     */
    private int answer(Netns.LibC c, int first, int changes) {
      int answered = 0;
      int errno = 0;
      while (answered < changes) {
        int n = receive(c);
        ByteBuffer b = ByteBuffer.wrap(answer, 0, n).order(ByteOrder.nativeOrder());
        while (b.remaining() >= 20) {
          int start = b.position();
          int len = b.getInt();
          int type = b.getShort() & 0xffff;
          b.getShort();
          int s = b.getInt() - first;
          b.getInt();
          if (len < 16 || start + len > b.limit()) {
            break;
          }
          if (type == NLMSG_ERROR && s >= 0 && s <= changes) {
            int e = -b.getInt();
            if (s == 0 && e != 0) {
              return e;
            }
            answered += s > 0 ? 1 : 0;
            errno = errno == 0 ? e : errno;
          }
          b.position(Math.min(b.limit(), align(start + len)));
        }
      }
      return errno;
    }

    /** One datagram of the answer; a signal that interrupts the wait does not end it. */
    private int receive(Netns.LibC c) {
      while (true) {
        try {
          return (int) c.recv(fd, answer, answer.length, 0);
        } catch (LastErrorException e) {
          if (e.getErrorCode() != EINTR) {
            throw e;
          }
        }
      }
    }

    void close() {
      Netns.libc().close(fd);
    }
  }

  /**
   * A batch (begin, one message per change, end) applying {@code batch}, sequence numbers from {@code seq}; each
   * change asks for an acknowledgement. The same messages as nft's for the same script: create is a new element
   * with NLM_F_EXCL, add one without, delete names the key only.
   */
  static byte[] batchRequest(int family, String table, String prefix, ElementBatch batch, int seq) {
    byte[] t = (table + "\0").getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(64 + batch.ops().size() * (400 + t.length + prefix.length())).order(ByteOrder.nativeOrder());
    batchMark(b, NFNL_MSG_BATCH_BEGIN, seq);
    int n = seq + 1;
    for (ElementBatch.Op op : batch.ops()) {
      Element e = op.element();
      boolean delete = op.verb() == ElementBatch.Verb.DELETE;
      int start = b.position();
      int flags = NLM_F_REQUEST | NLM_F_ACK | switch (op.verb()) {
        case CREATE -> NLM_F_CREATE | NLM_F_EXCL;
        case ADD -> NLM_F_CREATE;
        case DELETE -> 0;
      };
      b.putInt(0).putShort((short) (NFNL_SUBSYS_NFTABLES << 8 | (delete ? NFT_MSG_DELSETELEM : NFT_MSG_NEWSETELEM)))
          .putShort((short) flags).putInt(n++).putInt(0);
      b.put((byte) family).put((byte) 0).putShort((short) 0);
      attribute(b, NFTA_SET_ELEM_LIST_TABLE, t);
      attribute(b, NFTA_SET_ELEM_LIST_SET, (e.setName(prefix) + "\0").getBytes(StandardCharsets.UTF_8));
      int list = nest(b, NFTA_SET_ELEM_LIST_ELEMENTS);
      int elem = nest(b, NFTA_LIST_ELEM);
      int key = nest(b, NFTA_SET_ELEM_KEY);
      attribute(b, NFTA_DATA_VALUE, value(e.key(), e.kind().keyTypes(), e.v6()));
      end(b, key);
      if (!delete) {
        if (e.kind().isMap()) {
          int data = nest(b, NFTA_SET_ELEM_DATA);
          attribute(b, NFTA_DATA_VALUE, value(e.data(), e.kind().dataTypes(), e.v6()));
          end(b, data);
        }
        b.putShort((short) 12).putShort((short) NFTA_SET_ELEM_TIMEOUT)
            .order(ByteOrder.BIG_ENDIAN).putLong(op.seconds() * 1000).order(ByteOrder.nativeOrder());
        attribute(b, NFTA_SET_ELEM_USERDATA, commentRecord(op.comment()));
      }
      end(b, elem);
      end(b, list);
      b.putInt(start, b.position() - start);
    }
    batchMark(b, NFNL_MSG_BATCH_END, n);
    return java.util.Arrays.copyOf(b.array(), b.position());
  }

  /** A batch's begin or end message: nfgenmsg with the nftables subsystem as resource id (big-endian). */
  private static void batchMark(ByteBuffer b, int type, int seq) {
    b.putInt(20).putShort((short) type).putShort((short) NLM_F_REQUEST).putInt(seq).putInt(0);
    b.put((byte) 0).put((byte) 0).put((byte) 0).put((byte) NFNL_SUBSYS_NFTABLES);
  }

  /** Opens a nested attribute; {@link #end} writes its length. */
  private static int nest(ByteBuffer b, int type) {
    int at = b.position();
    b.putShort((short) 0).putShort((short) (type | NLA_F_NESTED));
    return at;
  }

  private static void end(ByteBuffer b, int at) {
    b.putShort(at, (short) (b.position() - at));
  }

  /** libnftnl's user data with one record: the comment, NUL-terminated. */
  private static byte[] commentRecord(String comment) {
    byte[] text = comment.getBytes(StandardCharsets.UTF_8);
    if (text.length > 254) {
      throw new IllegalArgumentException("comment of " + text.length + " bytes");
    }
    byte[] u = new byte[text.length + 3];
    u[0] = UDATA_SET_ELEM_COMMENT;
    u[1] = (byte) (text.length + 1);
    System.arraycopy(text, 0, u, 2, text.length);
    return u;
  }

  /**
   * A key's or data's parts in the kernel's layout, the inverse of {@link #parts}: in a concatenation each part
   * fills whole 32-bit registers; a single part is its type's own width.
   */
  static byte[] value(List<String> parts, List<String> types, boolean v6) {
    if (parts.size() != types.size()) {
      throw new IllegalArgumentException(parts + " does not fit " + types);
    }
    boolean concat = types.size() > 1;
    ByteBuffer v = ByteBuffer.allocate(types.size() * 16).order(ByteOrder.BIG_ENDIAN);
    for (int i = 0; i < types.size(); i++) {
      String p = parts.get(i);
      String type = types.get(i);
      int width = width(type, v6);
      int at = v.position();
      switch (type) {
        case "A" -> {
          InetAddress a = IpAddresses.literal(p);
          if (a == null || a.getAddress().length != width) {
            throw new IllegalArgumentException("not an IPv" + (v6 ? 6 : 4) + " address: " + p);
          }
          v.put(a.getAddress());
        }
        case "inet_proto" -> v.put((byte) new ProtoPort(p, 0).protocolNumber()); // tcp or udp, else refused
        default -> {
          int port = Integer.parseInt(p);
          if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + p);
          }
          v.putShort((short) port);
        }
      }
      v.position(at + (concat ? align(width) : width));
    }
    return java.util.Arrays.copyOf(v.array(), v.position());
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
      int width = width(type, v6);
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

  /** Bytes of one part of a key or data, before any padding to registers. */
  private static int width(String type, boolean v6) {
    return switch (type) {
      case "A" -> v6 ? 16 : 4;
      case "inet_proto" -> 1;
      case "inet_service" -> 2;
      default -> throw new IllegalArgumentException("no layout for " + type);
    };
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
