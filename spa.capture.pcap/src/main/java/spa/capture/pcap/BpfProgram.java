package spa.capture.pcap;

import java.util.Arrays;

/**
 * A classic BPF program (as libpcap's {@code pcap_compile} produces) and an interpreter for it, so that
 * offline packets are filtered in Java at full speed instead of with one native call per packet. The
 * program is validated on construction (forward jumps inside the program, scratch memory indexes below
 * 16, a return at the end); a load outside the captured bytes rejects the packet, as in the kernel and
 * libpcap.
 */
public final class BpfProgram {

  private static final int LD = 0x00;
  private static final int LDX = 0x01;
  private static final int ST = 0x02;
  private static final int STX = 0x03;
  private static final int ALU = 0x04;
  private static final int JMP = 0x05;
  private static final int RET = 0x06;
  private static final int MISC = 0x07;
  private static final int W = 0x00;
  private static final int H = 0x08;
  private static final int B = 0x10;
  private static final int IMM = 0x00;
  private static final int ABS = 0x20;
  private static final int IND = 0x40;
  private static final int MEM = 0x60;
  private static final int LEN = 0x80;
  private static final int MSH = 0xa0;
  private static final int SRC_X = 0x08;
  private static final int MEMWORDS = 16;

  private final short[] code;
  private final byte[] jt;
  private final byte[] jf;
  private final int[] k;

  /**
   * A program from its instructions, each {@code {code, jt, jf, k}}.
   *
   * @throws IllegalArgumentException if the program is empty or invalid
   */
  public BpfProgram(int[][] instructions) {
    int n = instructions.length;
    if (n == 0) {
      throw new IllegalArgumentException("empty BPF program");
    }
    code = new short[n];
    jt = new byte[n];
    jf = new byte[n];
    k = new int[n];
    for (int pc = 0; pc < n; pc++) {
      int[] insn = instructions[pc];
      code[pc] = (short) insn[0];
      jt[pc] = (byte) insn[1];
      jf[pc] = (byte) insn[2];
      k[pc] = insn[3];
      validate(pc, insn[0], insn[1], insn[2], insn[3], n);
    }
    if ((code[n - 1] & 0x07) != RET) {
      throw new IllegalArgumentException("BPF program does not end with a return");
    }
  }

  private static void validate(int pc, int c, int t, int f, int kk, int n) {
    String bad = null;
    switch (c & 0x07) {
      case LD, LDX -> {
        int mode = c & 0xe0;
        if (mode == MEM && Integer.compareUnsigned(kk, MEMWORDS) >= 0) {
          bad = "scratch index " + kk;
        }
      }
      case ST, STX -> {
        if (Integer.compareUnsigned(kk, MEMWORDS) >= 0) {
          bad = "scratch index " + kk;
        }
      }
      case ALU -> {
        int op = c & 0xf0;
        if ((op == 0x30 || op == 0x90) && (c & SRC_X) == 0 && kk == 0) {
          bad = "division by zero";
        }
      }
      case JMP -> {
        long target = (c & 0xf0) == 0x00 ? pc + 1L + Integer.toUnsignedLong(kk) : pc + 1L + Math.max(t, f);
        if (target >= n) {
          bad = "jump past the end";
        }
      }
      default -> { }
    }
    if (bad != null) {
      throw new IllegalArgumentException("invalid BPF instruction " + pc + ": " + bad);
    }
  }

  /** Number of instructions. */
  public int length() {
    return code.length;
  }

  /**
   * Runs the program on {@code packet[off, off+caplen)}, a frame that was {@code wirelen} bytes long on
   * the wire; true when it accepts the frame (returns non-zero).
   */
  public boolean matches(byte[] packet, int off, int caplen, int wirelen) {
    return run(packet, off, caplen, wirelen) != 0;
  }

  /** The program's return value: the number of bytes to keep, 0 to reject. */
  public int run(byte[] p, int off, int caplen, int wirelen) {
    int a = 0;
    int x = 0;
    int[] mem = null;
    short[] code = this.code;
    int[] k = this.k;
    long buflen = caplen;
    for (int pc = 0; pc < code.length; pc++) {
      int c = code[pc] & 0xffff;
      int kk = k[pc];
      switch (c) {
        case LD | W | ABS, LD | H | ABS, LD | B | ABS, LD | W | IND, LD | H | IND, LD | B | IND -> {
          long at = Integer.toUnsignedLong(kk) + ((c & 0xe0) == IND ? Integer.toUnsignedLong(x) : 0);
          int size = switch (c & 0x18) {
            case W -> 4;
            case H -> 2;
            default -> 1;
          };
          if (at + size > buflen) {
            return 0;
          }
          int i = off + (int) at;
          a = switch (size) {
            case 4 -> (p[i] & 0xff) << 24 | (p[i + 1] & 0xff) << 16 | (p[i + 2] & 0xff) << 8 | (p[i + 3] & 0xff);
            case 2 -> (p[i] & 0xff) << 8 | (p[i + 1] & 0xff);
            default -> p[i] & 0xff;
          };
        }
        case LD | W | LEN -> a = wirelen;
        case LDX | W | LEN -> x = wirelen;
        case LD | IMM -> a = kk;
        case LDX | IMM -> x = kk;
        case LD | MEM -> a = mem == null ? 0 : mem[kk];
        case LDX | MEM -> x = mem == null ? 0 : mem[kk];
        case LDX | B | MSH -> {
          if (Integer.toUnsignedLong(kk) >= buflen) {
            return 0;
          }
          x = (p[off + kk] & 0x0f) << 2;
        }
        case ST -> (mem == null ? (mem = new int[MEMWORDS]) : mem)[kk] = a;
        case STX -> (mem == null ? (mem = new int[MEMWORDS]) : mem)[kk] = x;
        case RET -> {
          return kk;
        }
        case RET | 0x10 -> {
          return a;
        }
        case RET | 0x08 -> {
          return x;
        }
        case MISC -> x = a; // TAX
        case MISC | 0x80 -> a = x; // TXA
        default -> {
          int cls = c & 0x07;
          if (cls == JMP) {
            if ((c & 0xf0) == 0x00) {
              pc += kk;
              continue;
            }
            int v = (c & SRC_X) != 0 ? x : kk;
            boolean taken;
            switch (c & 0xf0) {
              case 0x10 -> taken = a == v;
              case 0x20 -> taken = Integer.compareUnsigned(a, v) > 0;
              case 0x30 -> taken = Integer.compareUnsigned(a, v) >= 0;
              case 0x40 -> taken = (a & v) != 0;
              default -> {
                return 0; // a jump libpcap does not emit
              }
            }
            pc += taken ? jt[pc] & 0xff : jf[pc] & 0xff;
          } else if (cls == ALU) {
            int v = (c & SRC_X) != 0 ? x : kk;
            switch (c & 0xf0) {
              case 0x00 -> a += v;
              case 0x10 -> a -= v;
              case 0x20 -> a *= v;
              case 0x30 -> {
                if (v == 0) {
                  return 0;
                }
                a = Integer.divideUnsigned(a, v);
              }
              case 0x40 -> a |= v;
              case 0x50 -> a &= v;
              case 0x60 -> a = Integer.compareUnsigned(v, 32) < 0 ? a << v : 0;
              case 0x70 -> a = Integer.compareUnsigned(v, 32) < 0 ? a >>> v : 0;
              case 0x80 -> a = -a;
              case 0x90 -> {
                if (v == 0) {
                  return 0;
                }
                a = Integer.remainderUnsigned(a, v);
              }
              case 0xa0 -> a ^= v;
              default -> {
                return 0;
              }
            }
          } else {
            return 0; // an instruction libpcap does not emit
          }
        }
      }
    }
    return 0;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < code.length; i++) {
      b.append(String.format("{ 0x%x, %d, %d, 0x%08x },%n", code[i] & 0xffff, jt[i] & 0xff, jf[i] & 0xff, k[i]));
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BpfProgram b && Arrays.equals(code, b.code) && Arrays.equals(jt, b.jt)
        && Arrays.equals(jf, b.jf) && Arrays.equals(k, b.k);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(k) * 31 + Arrays.hashCode(code);
  }
}
