package spa.capture.pcap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.pcap4j.core.BpfProgram.BpfCompileMode;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import spa.core.Packet;
import spa.pcap.format.FrameDecoder;
import spa.pcap.format.testkit.Frames;
import spa.pcap.format.LinkType;

/** The Java interpreter must agree with libpcap's own {@code bpf_filter} on every frame and filter. */
class BpfProgramTest {

  static final String[] FILTERS = {
      "udp port 62201",
      "udp dst port 62201",
      "tcp port 62201 or udp port 62201",
      "udp portrange 10000-65535",
      "ip6 and udp dst port 62201",
      "icmp[icmptype] = icmp-echoreply",
      "icmp6",
      "tcp[tcpflags] & tcp-push != 0",
      "udp[8:4] = 0x41414141",
      "len > 100 and len <= 1500",
      "src net 198.18.0.0/15",
      "ether proto 0x0806",
      "vlan and udp port 62201",
      "ip[2:2] - 20 > 100",
      "ip[2:2] / 4 >= 10",
      "ip[1] % 4 = 0",
      "ip[8] ^ 0x40 = 0",
      "ip[8] << 1 = 128 and ip[8] >> 1 = 32",
      "(ip[0] & 0xf) * 4 = 20 or ip[0] | 0 = 0x46",
      "not ip[9] + 0 = 17",
      "tcp[((tcp[12] & 0xf0) >> 2):4] = 0x41414141",
      "",
  };

  static final LinkType[] TYPES = {LinkType.EN10MB, LinkType.RAW, LinkType.LINUX_SLL, LinkType.NULL,
      LinkType.LOOP, LinkType.LINUX_SLL2};

  static List<byte[]> frames(LinkType type, long seed) throws Exception {
    Random r = new Random(seed);
    String[][] pairs = {{"198.18.0.1", "198.18.0.2"}, {"203.0.113.9", "198.18.0.2"}, {"fd00::1", "fd00::2"}};
    int[] ports = {62201, 22, 40000, 9};
    List<byte[]> out = new ArrayList<>();
    for (String[] pair : pairs) {
      boolean v4 = pair[0].contains(".");
      for (int proto : new int[] {Packet.UDP, Packet.TCP, v4 ? Packet.ICMP : Packet.ICMPV6}) {
        for (int sp : ports) {
          for (int dp : ports) {
            byte[] payload = new byte[r.nextInt(200)];
            Arrays.fill(payload, (byte) (r.nextBoolean() ? 'A' : 'b'));
            byte[] f = Frames.link(type, Frames.ip(InetAddress.getByName(pair[0]), sp,
                InetAddress.getByName(pair[1]), dp, proto, payload));
            out.add(f);
            if (type == LinkType.EN10MB) {
              out.add(Frames.vlan(f, 0x8100, 7));
            }
          }
        }
      }
    }
    int n = out.size();
    for (int i = 0; i < n; i++) { // corrupted copies reach the odd paths (fragments, options, short frames)
      byte[] f = out.get(i).clone();
      for (int k = 1 + r.nextInt(3); k > 0; k--) {
        f[r.nextInt(Math.min(f.length, 70))] = (byte) r.nextInt(256);
      }
      out.add(Arrays.copyOf(f, r.nextInt(f.length + 1)));
      out.add(f);
    }
    return out;
  }

  static int dlt(LinkType t) {
    return BpfCompiler.dlt(t.code());
  }

  @ParameterizedTest
  @EnumSource(names = {"EN10MB", "RAW", "LINUX_SLL", "NULL", "LOOP", "LINUX_SLL2"})
  void agreesWithLibpcapOnEveryFrame(LinkType type) throws Exception {
    List<byte[]> frames = frames(type, type.ordinal());
    try (PcapHandle dead = Pcaps.openDead(DataLinkType.getInstance(dlt(type)), 65535)) {
      for (String expr : FILTERS) {
        if (type != LinkType.EN10MB && (expr.startsWith("ether") || expr.startsWith("vlan"))) {
          continue; // Ethernet-only primitives
        }
        BpfProgram ours = BpfCompiler.compile(expr, dlt(type), 65535);
        org.pcap4j.core.BpfProgram theirs = dead.compileFilter(expr, BpfCompileMode.OPTIMIZE,
            PcapHandle.PCAP_NETMASK_UNKNOWN);
        int accepted = 0;
        try {
          for (byte[] f : frames) {
            for (int caplen : new int[] {f.length, Math.min(f.length, 40)}) {
              boolean lib = theirs.applyFilter(f, f.length, caplen);
              assertEquals(lib, ours.matches(f, 0, caplen, f.length),
                  () -> type + " '" + expr + "' on " + hex(f) + " caplen " + caplen + "\n" + ours);
              accepted += lib ? 1 : 0;
            }
          }
        } finally {
          theirs.free();
        }
        if (expr.isEmpty() || expr.startsWith("udp port")) {
          assertTrue(accepted > 0, type + " '" + expr + "' accepted nothing");
        }
      }
    }
  }

  @Test
  void runsAtAnOffsetInsideALargerBuffer() throws Exception {
    BpfProgram p = BpfCompiler.compile("udp dst port 62201", dlt(LinkType.EN10MB), 1500);
    byte[] f = Frames.link(LinkType.EN10MB, Frames.ip(InetAddress.getByName("198.18.0.1"), 5,
        InetAddress.getByName("198.18.0.2"), 62201, Packet.UDP, new byte[10]));
    byte[] buf = new byte[f.length + 50];
    Arrays.fill(buf, (byte) 0xff);
    System.arraycopy(f, 0, buf, 25, f.length);
    assertTrue(p.matches(buf, 25, f.length, f.length));
    assertFalse(p.matches(buf, 24, f.length, f.length));
    assertFalse(p.matches(buf, 25, 20, f.length)); // the port lies beyond the captured bytes
  }

  @Test
  void reportsLibpcapsMessageForABadExpression() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BpfCompiler.compile("udp prot 62201", dlt(LinkType.EN10MB), 1500));
    assertTrue(e.getMessage().contains("syntax error"), e.getMessage());
  }

  @Test
  void refusesInvalidPrograms() {
    int ret = 0x06;
    assertThrows(IllegalArgumentException.class, () -> new BpfProgram(new int[0][]));
    assertThrows(IllegalArgumentException.class, () -> new BpfProgram(new int[][] {{0x00, 0, 0, 1}})); // no return
    assertThrows(IllegalArgumentException.class, () -> new BpfProgram(new int[][] {{0x05, 0, 0, 5}, {ret, 0, 0, 1}}));
    assertThrows(IllegalArgumentException.class, () -> new BpfProgram(new int[][] {{0x15, 3, 0, 1}, {ret, 0, 0, 1}}));
    assertThrows(IllegalArgumentException.class, () -> new BpfProgram(new int[][] {{0x02, 0, 0, 16}, {ret, 0, 0, 1}}));
    assertThrows(IllegalArgumentException.class, () -> new BpfProgram(new int[][] {{0x34, 0, 0, 0}, {ret, 0, 0, 1}}));
    // division by a zero X register rejects the packet rather than failing
    BpfProgram div = new BpfProgram(new int[][] {{0x00, 0, 0, 7}, {0x3c, 0, 0, 0}, {0x16, 0, 0, 0}});
    assertEquals(0, div.run(new byte[1], 0, 1, 1));
    // scratch memory, TAX/TXA and RET X
    BpfProgram mem = new BpfProgram(new int[][] {{0x00, 0, 0, 41}, {0x02, 0, 0, 3}, {0x61, 0, 0, 3}, {0x87, 0, 0, 0},
        {0x04, 0, 0, 1}, {0x07, 0, 0, 0}, {0x0e, 0, 0, 0}});
    assertEquals(42, mem.run(new byte[0], 0, 0, 0));
  }

  static String hex(byte[] f) {
    StringBuilder b = new StringBuilder();
    for (byte x : f) {
      b.append(String.format("%02x", x));
    }
    return b.toString();
  }
}
