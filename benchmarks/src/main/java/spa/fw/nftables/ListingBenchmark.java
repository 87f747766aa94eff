package spa.fw.nftables;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
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
import spa.core.IpAddresses;

/**
 * What spa's pull reader ({@link Json}, {@link Listing#entries}) costs against Jackson's streaming parser reading
 * the same {@code nft -j list set} output of 100,000 elements (as nftables 1.0.6 prints them) into the same
 * entries: time per listing, and with {@code -prof gc} the bytes allocated. Jackson is not in spa's image; the pull
 * reader is ~250 lines. In package {@code spa.fw.nftables} because the reader is package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ListingBenchmark {
  private static final int ELEMENTS = 100_000;
  private final JsonFactory factory = new JsonFactory();
  private String json;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    StringBuilder b = new StringBuilder("{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"release_name\":"
        + " \"Lester Gooch #5\", \"json_schema_version\": 1}}, {\"set\": {\"family\": \"inet\", \"name\": \"spaaccess4\","
        + " \"table\": \"spa\", \"type\": [\"ipv4_addr\", \"inet_proto\", \"inet_service\"], \"handle\": 1, \"flags\":"
        + " [\"timeout\"], \"elem\": [");
    for (int i = 0; i < ELEMENTS; i++) {
      b.append(i == 0 ? "" : ", ").append("{\"elem\": {\"val\": {\"concat\": [\"198.").append(18 + (i >> 16)).append('.')
          .append((i >> 8) & 255).append('.').append(i & 255).append("\", \"tcp\", 22]}, \"timeout\": 60, \"expires\": ")
          .append(i % 60).append(", \"comment\": \"spa:tcp/22 access.conf:1\"}}");
    }
    json = b.append("]}}]}").toString();
    if (!pull().equals(jackson())) {
      throw new IllegalStateException("the readers differ");
    }
  }

  /** spa: one pass of the pull reader. */
  @Benchmark
  public List<Listing.Entry> pull() {
    return Listing.entries(json, "spa");
  }

  /** Jackson's streaming parser, into the same entries with the same checks. */
  @Benchmark
  public List<Listing.Entry> jackson() throws IOException {
    List<Listing.Entry> out = new ArrayList<>();
    try (JsonParser p = factory.createParser(json)) {
      SetKind.Named named = null;
      while (p.nextToken() != null) {
        if (p.currentToken() == JsonToken.FIELD_NAME && p.currentName().equals("name") && named == null) {
          p.nextToken();
          named = SetKind.parse("spa", p.getText());
        } else if (p.currentToken() == JsonToken.FIELD_NAME && p.currentName().equals("elem") && named != null
            && p.nextToken() == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            out.add(element(p, named));
          }
        }
      }
    }
    return out;
  }

  /** {"elem": {"val": {"concat": [...]}, "timeout": T, "expires": E, "comment": C}}, its start already read. */
  private static Listing.Entry element(JsonParser p, SetKind.Named named) throws IOException {
    List<String> key = List.of();
    Long expires = null;
    String comment = "";
    p.nextToken(); // "elem"
    p.nextToken(); // {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String f = p.currentName();
      p.nextToken();
      switch (f) {
        case "val" -> {
          p.nextToken(); // "concat"
          p.nextToken(); // [
          List<String> parts = new ArrayList<>(4);
          while (p.nextToken() != JsonToken.END_ARRAY) {
            String s = p.getText();
            var a = p.currentToken() == JsonToken.VALUE_STRING ? IpAddresses.literal(s) : null;
            parts.add(a != null ? IpAddresses.text(a) : s);
          }
          p.nextToken(); // }
          key = List.copyOf(parts);
        }
        case "expires" -> expires = p.getLongValue();
        case "comment" -> comment = p.getText();
        default -> p.skipChildren();
      }
    }
    p.nextToken(); // the element's }
    if (!named.kind().fits(key, List.of())) {
      throw new IllegalArgumentException("does not fit");
    }
    return new Listing.Entry(named.kind(), named.v6(), key, List.of(), expires, comment);
  }
}
