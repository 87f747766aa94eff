package spa.capture.pcap;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the Java BPF interpreter ({@link BpfProgram}) buys over libpcap's own {@code pcap_offline_filter}, called
 * through JNA once per frame as the offline path would otherwise call it (the frame copied to native memory
 * first): libpcap's program for {@code udp port 62201} on an Ethernet frame of a 200-byte SPA packet that passes
 * it. Needs libpcap ({@code libpcap0.8}). In package {@code spa.capture.pcap} because {@link BpfCompiler} is
 * package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BpfBenchmark {
  private static final String FILTER = "udp port 62201";
  private static final int DLT_EN10MB = 1;
  private byte[] frame;
  private BpfProgram java;
  private Pointer pcap;
  private Memory program;
  private Memory header;
  private Memory nativeFrame;
  private Function offlineFilter;
  private Function close;
  private Function freecode;

  @Setup(Level.Trial)
  public void setUp() {
    frame = udpFrame(200);
    java = BpfCompiler.compile(FILTER, DLT_EN10MB, 65535);
    NativeLibrary lib = NativeLibrary.getInstance("pcap");
    offlineFilter = lib.getFunction("pcap_offline_filter");
    close = lib.getFunction("pcap_close");
    freecode = lib.getFunction("pcap_freecode");
    pcap = (Pointer) lib.getFunction("pcap_open_dead").invoke(Pointer.class, new Object[] {DLT_EN10MB, 65535});
    program = new Memory(2L * Native.POINTER_SIZE);
    program.clear();
    if (lib.getFunction("pcap_compile").invokeInt(new Object[] {pcap, program, FILTER, 1, 0xffffffff}) != 0) {
      throw new IllegalStateException("pcap_compile failed");
    }
    header = new Memory(24); // struct pcap_pkthdr on 64-bit Linux: timeval (16), caplen, len
    header.clear();
    header.setInt(16, frame.length);
    header.setInt(20, frame.length);
    nativeFrame = new Memory(frame.length);
    if (!interpreter() || !libpcap()) {
      throw new IllegalStateException("the filters do not pass the frame");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    freecode.invokeVoid(new Object[] {program});
    close.invokeVoid(new Object[] {pcap});
  }

  /** spa: the program run in Java on the frame where it lies. */
  @Benchmark
  public boolean interpreter() {
    return java.matches(frame, 0, frame.length, frame.length);
  }

  /** libpcap: the frame copied to native memory, then one call of pcap_offline_filter. */
  @Benchmark
  public boolean libpcap() {
    nativeFrame.write(0, frame, 0, frame.length);
    return offlineFilter.invokeInt(new Object[] {program, header, nativeFrame}) != 0;
  }

  /** Ethernet, IPv4 (no options), UDP to port 62201 with a payload of {@code n} bytes. */
  static byte[] udpFrame(int n) {
    byte[] f = new byte[14 + 20 + 8 + n];
    f[12] = 0x08; // IPv4
    f[14] = 0x45;
    int ipLen = 20 + 8 + n;
    f[16] = (byte) (ipLen >> 8);
    f[17] = (byte) ipLen;
    f[22] = 64;
    f[23] = 17; // UDP
    byte[] src = {(byte) 198, 18, 0, 7};
    byte[] dst = {(byte) 198, 18, 0, 1};
    System.arraycopy(src, 0, f, 26, 4);
    System.arraycopy(dst, 0, f, 30, 4);
    f[34] = (byte) (40000 >> 8);
    f[35] = (byte) 40000;
    f[36] = (byte) (62201 >> 8);
    f[37] = (byte) 62201;
    f[38] = (byte) ((8 + n) >> 8);
    f[39] = (byte) (8 + n);
    for (int i = 42; i < f.length; i++) {
      f[i] = 'A';
    }
    return f;
  }
}
