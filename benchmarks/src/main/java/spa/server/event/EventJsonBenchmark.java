package spa.server.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;
import spa.core.Packet;
import spa.core.ProtoPort;

/**
 * What spa's JSON event encoder ({@link EventFormat#JSON} into a {@link ByteLine}) buys over Jackson's streaming
 * generator writing the same object into a reused buffer: one accept event, as every accepted packet costs. In
 * package {@code spa.server.event} because the encoder's entry point is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventJsonBenchmark {
  private Event event;
  private final ByteLine line = new ByteLine(512);
  private final Timestamps timestamps = new Timestamps();
  private final JsonFactory factory = new JsonFactory();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
  private long now;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    now = System.currentTimeMillis() / 1000 * 1000 + 123; // Instant.toString leaves out a zero fraction
    Packet p = new Packet(InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, 7}), 40123,
        InetAddress.getByAddress(new byte[] {(byte) 198, 18, 0, 1}), 62201, Packet.UDP, new byte[0],
        Instant.ofEpochMilli(now));
    event = Event.builder(Event.Type.ACCEPT, now).packet(p).user("alice").allow("198.18.0.7")
        .access(List.of(new ProtoPort("tcp", 22))).timeout(30).stanza("access.conf:1").build();
    String spa = new String(spa(), 0, line.length(), StandardCharsets.UTF_8);
    String jackson = jackson().toString(StandardCharsets.UTF_8);
    if (!spa.equals(jackson)) {
      throw new IllegalStateException("the encoders differ:\n" + spa + "\n" + jackson);
    }
  }

  /** spa: the event's bytes appended to a reused line. */
  @Benchmark
  public byte[] spa() {
    line.reset();
    EventFormat.JSON.append(event, line, timestamps);
    return line.array();
  }

  /** Jackson's streaming generator, the same fields into a reused buffer. */
  @Benchmark
  public ByteArrayOutputStream jackson() throws IOException {
    out.reset();
    Event e = event;
    try (JsonGenerator g = factory.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("ts", Instant.ofEpochMilli(e.timeMillis()).toString());
      g.writeStringField("event", e.type().code());
      g.writeStringField("src", e.src().getHostAddress());
      g.writeNumberField("src_port", e.srcPort());
      g.writeStringField("dst", e.dst().getHostAddress());
      g.writeNumberField("dst_port", e.dstPort());
      g.writeStringField("proto", "udp");
      g.writeStringField("user", e.user());
      g.writeStringField("allow", e.allow());
      g.writeArrayFieldStart("access");
      for (ProtoPort a : e.access()) {
        g.writeString(a.proto() + "/" + a.port());
      }
      g.writeEndArray();
      g.writeNullField("nat");
      g.writeNumberField("timeout", e.timeout());
      g.writeStringField("stanza", e.stanza());
      g.writeEndObject();
    }
    out.write('\n');
    return out;
  }
}
