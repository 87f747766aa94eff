package spa.server.cli;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * What spad's {@link Getopt} buys over picocli (which the client uses) for reading spad's command line: the same
 * option table (spad's own, read out of {@link SpadCommand#options()}) given to picocli as a programmatic model,
 * the same argv, the same actions applied. A daemon reads its command line once, so the case that counts is the
 * first parse in a fresh JVM (classes loaded, code not compiled: {@code *First}, single shot, one fork each);
 * the steady-state cases show the parsers' own cost. In package {@code spa.server.cli} because both classes are
 * package-private.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class GetoptBenchmark {
  static final String[] ARGS = {"-f", "-t", "-v", "-c", "/etc/fwknop/fwknopd.conf", "-a", "/etc/fwknop/access.conf",
      "--log-format", "json", "--pcap-file=/var/tmp/spa.pcap", "-C", "1000000"};

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Fork(1)
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  public SpadCommand getopt() throws Getopt.UsageException {
    return viaGetopt();
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @Fork(1)
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  public SpadCommand picocli() throws ReflectiveOperationException {
    return viaPicocli();
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Fork(5)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  public SpadCommand getoptFirst() throws Getopt.UsageException {
    return check(viaGetopt());
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @Fork(5)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  public SpadCommand picocliFirst() throws ReflectiveOperationException {
    return check(viaPicocli());
  }

  private static SpadCommand viaGetopt() throws Getopt.UsageException {
    SpadCommand c = new SpadCommand();
    SpadCommand.options().parse(ARGS, c);
    return c;
  }

  /** picocli with spad's table: one model option per Getopt option, each matched option's action applied. */
  private static SpadCommand viaPicocli() throws ReflectiveOperationException {
    CommandSpec spec = CommandSpec.create();
    spec.parser().overwrittenOptionsAllowed(true);
    Map<String, Getopt.Option<SpadCommand>> byName = new HashMap<>();
    for (Getopt.Option<SpadCommand> o : table()) {
      List<String> names = new ArrayList<>(2);
      if (o.shortName() != 0) {
        names.add("-" + o.shortName());
      }
      if (o.longName() != null) {
        names.add("--" + o.longName());
      }
      OptionSpec.Builder b = OptionSpec.builder(names.toArray(String[]::new)).description(o.help());
      if (o.takesValue()) {
        b.arity("1").type(String.class).paramLabel(o.label());
      } else {
        b.arity("0").type(boolean.class);
      }
      OptionSpec os = b.build();
      spec.addOption(os);
      byName.put(os.longestName(), o);
    }
    ParseResult r = new CommandLine(spec).parseArgs(ARGS);
    SpadCommand c = new SpadCommand();
    for (OptionSpec os : r.matchedOptions()) {
      Getopt.Option<SpadCommand> o = byName.get(os.longestName());
      o.action().accept(c, o.takesValue() ? os.getValue() : null);
    }
    return c;
  }

  @SuppressWarnings("unchecked")
  private static List<Getopt.Option<SpadCommand>> table() throws ReflectiveOperationException {
    Field f = Getopt.class.getDeclaredField("options");
    f.setAccessible(true);
    return (List<Getopt.Option<SpadCommand>>) f.get(SpadCommand.options());
  }

  private static SpadCommand check(SpadCommand c) {
    if (!c.test || c.verbose != 1 || c.packetLimit != 1_000_000 || c.pcapFile == null || !"json".equals(c.logFormat)) {
      throw new IllegalStateException("the command line was not read");
    }
    return c;
  }
}
