package spa.capture.pcap;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import spa.pcap.format.LinkType;

/**
 * Compiles a filter expression with libpcap's own {@code pcap_compile} on a dead handle and copies the
 * instructions out, so that {@link BpfProgram} runs exactly what libpcap would. Uses the library pcap4j
 * loads ({@code org.pcap4j.core.pcapLibName}, default {@code pcap}).
 */
final class BpfCompiler {

  private static final int PCAP_NETMASK_UNKNOWN = 0xffffffff;
  /** Linux's {@code DLT_RAW}: libpcap compiles for DLT values, and LINKTYPE_RAW (101) is not one. */
  private static final int DLT_RAW = 12;

  private BpfCompiler() {}

  /** The libpcap DLT value to compile for a pcap file's link-type code. */
  static int dlt(int linkTypeCode) {
    LinkType t = LinkType.of(linkTypeCode);
    return t == LinkType.RAW && linkTypeCode == LinkType.RAW.code() ? DLT_RAW : linkTypeCode;
  }

  /**
   * Compiles {@code expression} (optimized) for frames of the given DLT.
   *
   * @throws IllegalArgumentException with libpcap's message when the expression does not compile
   * @throws UnsatisfiedLinkError when libpcap cannot be loaded
   */
  static BpfProgram compile(String expression, int dlt, int snaplen) {
    NativeLibrary lib = NativeLibrary.getInstance(System.getProperty("org.pcap4j.core.pcapLibName", "pcap"));
    Function openDead = lib.getFunction("pcap_open_dead");
    Function compile = lib.getFunction("pcap_compile");
    Function freecode = lib.getFunction("pcap_freecode");
    Function geterr = lib.getFunction("pcap_geterr");
    Function close = lib.getFunction("pcap_close");
    Pointer pcap = (Pointer) openDead.invoke(Pointer.class, new Object[] {dlt, snaplen});
    if (pcap == null) {
      throw new IllegalStateException("pcap_open_dead failed");
    }
    try {
      // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }
      Memory prog = new Memory(2L * Native.POINTER_SIZE);
      prog.clear();
      int rc = compile.invokeInt(new Object[] {pcap, prog, expression, 1, PCAP_NETMASK_UNKNOWN});
      if (rc != 0) {
        throw new IllegalArgumentException(geterr.invokeString(new Object[] {pcap}, false));
      }
      try {
        int n = prog.getInt(0);
        Pointer insns = prog.getPointer(Native.POINTER_SIZE);
        // struct bpf_insn { u_short code; u_char jt; u_char jf; bpf_u_int32 k; } in host order
        ByteBuffer b = ByteBuffer.wrap(insns.getByteArray(0, 8 * n)).order(ByteOrder.nativeOrder());
        int[][] out = new int[n][];
        for (int i = 0; i < n; i++) {
          out[i] = new int[] {b.getShort() & 0xffff, b.get() & 0xff, b.get() & 0xff, b.getInt()};
        }
        return new BpfProgram(out);
      } finally {
        freecode.invokeVoid(new Object[] {prog});
      }
    } finally {
      close.invokeVoid(new Object[] {pcap});
    }
  }
}
