package spa.fw.nftables;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The netlink form of element changes, without a kernel (NftablesTrafficTest writes every set and map into a real
 * one and compares nft's listing): keys and data in the kernel's layout, which the listing decoder reads back,
 * and a batch's framing.
 */
class NetlinkWriteTest {

  /** Every kind's key and data, IPv4 and IPv6, decode to the parts they were written from. */
  @Test
  void everyKindsKeyAndDataReadBackAsWritten() {
    for (SetKind k : SetKind.values()) {
      for (boolean v6 : List.of(false, true)) {
        List<String> key = parts(k.keyTypes(), v6);
        assertEquals(key, k.protocolNames(NftNetlink.parts(wrap(NftNetlink.value(key, k.keyTypes(), v6)),
            k.keyTypes(), v6)), k + " v6 " + v6);
        if (k.isMap()) {
          List<String> data = parts(k.dataTypes(), v6);
          assertEquals(data, NftNetlink.parts(wrap(NftNetlink.value(data, k.dataTypes(), v6)), k.dataTypes(), v6));
        }
      }
    }
  }

  /** Concatenations fill 32-bit registers, port in network order; a single part is its own width. */
  @Test
  void concatenationsArePaddedToRegistersAndSinglePartsAreNot() {
    assertArrayEquals(new byte[] {(byte) 198, 18, 0, 2, 6, 0, 0, 0, 0, 22, 0, 0},
        NftNetlink.value(List.of("198.18.0.2", "tcp", "22"), SetKind.ACCESS.keyTypes(), false));
    assertArrayEquals(new byte[] {0x13, (byte) 0x88}, NftNetlink.value(List.of("5000"), SetKind.LOCAL_NAT.dataTypes(), false));
    assertEquals(16, NftNetlink.value(List.of("fd00::2"), SetKind.FORWARD_ALL.keyTypes(), true).length);
  }

  /** What netlink writing does not know is refused, and the change then goes through libnftables. */
  @Test
  void unknownPartsAreRefused() {
    List<String> types = SetKind.ACCESS.keyTypes();
    assertThrows(IllegalArgumentException.class, () -> NftNetlink.value(List.of("198.18.0.2", "sctp", "22"), types, false));
    assertThrows(IllegalArgumentException.class, () -> NftNetlink.value(List.of("fd00::2", "tcp", "22"), types, false));
    assertThrows(IllegalArgumentException.class, () -> NftNetlink.value(List.of("198.18.0.2", "tcp", "65536"), types, false));
    assertThrows(IllegalArgumentException.class, () -> NftNetlink.value(List.of("198.18.0.2", "tcp"), types, false));
  }

  /**
   * A batch is begin, one message per change with an acknowledgement asked for (create exclusive, add not,
   * delete a DELSETELEM), end; sequence numbers follow each other and each length covers its message.
   */
  @Test
  void aBatchIsBeginOneAcknowledgedMessagePerChangeAndEnd() {
    Element e = new Element(SetKind.ACCESS, false, List.of("198.18.0.2", "tcp", "22"), List.of());
    ElementBatch b = new ElementBatch();
    b.create(e, 30, "spa:tcp/22 office");
    b.add(e, 30, "spa:tcp/22 office");
    b.delete(e);
    ByteBuffer m = ByteBuffer.wrap(NftNetlink.batchRequest(1, "spa", "", b, 7)).order(ByteOrder.nativeOrder());
    List<String> seen = new ArrayList<>();
    while (m.hasRemaining()) {
      int start = m.position();
      int len = m.getInt();
      int type = m.getShort() & 0xffff;
      int flags = m.getShort() & 0xffff;
      int seq = m.getInt();
      seen.add(Integer.toHexString(type) + "/" + Integer.toHexString(flags) + "/" + seq);
      m.position(start + len);
    }
    assertEquals(List.of("10/1/7", "a0c/605/8", "a0c/405/9", "a0e/5/10", "11/1/11"), seen);
  }

  private static List<String> parts(List<String> types, boolean v6) {
    List<String> out = new ArrayList<>();
    for (String t : types) {
      out.add(switch (t) {
        case "A" -> v6 ? "fd00::" + (out.size() + 2) : "198.18.0." + (out.size() + 2);
        case "inet_proto" -> "udp";
        default -> Integer.toString(40000 + out.size());
      });
    }
    return List.copyOf(out);
  }

  private static ByteBuffer wrap(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
  }
}
