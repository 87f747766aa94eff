package spa.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The quick parse fills SpaOptions exactly as picocli does, or leaves the command line to picocli. */
class QuickArgsTest {
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "",
      "-A tcp/22 -a 198.18.0.5 -D 127.0.0.1 --key-base64-rijndael a2V5 --key-base64-hmac aG1hYw== --use-hmac -T",
      "-A tcp/22,udp/53 -s -D host.example -p 62202 -P tcp -f 30 -m sha512 -M ctr --key-rijndael k",
      "--access=tcp/22 --allow-ip=198.18.0.5 --destination=::1 -v -v --verbose --key-hmac= --hmac-digest-type sha1",
      "-k --key-len 16 --hmac-key-len 64 -K keys.txt",
      "-n work --rc-file rc --no-save-args -B out -b",
      "-g --gpg-recipient-key ABCD --gpg-signer-key EF01 --gpg-home-dir /h --gpg-no-signing-pw -R --resolve-url http://x/",
      "-N 10.0.0.2:22 --nat-local --nat-rand-port -C uptime -U bob --time-offset-plus 5m -S 4000 -r -4",
      "--server-resolve-ipv4 -6 -H proxy:8080 -u agent --stdin -G k --get-hmac-key h --gpg-agent --gpg-exe g -l",
      "--show-last --stanza-list --no-rc-file --gpg-signing-pw pw -Q 1.2.3.4 -w wget --curl-cmd curl --resolve-http-only",
      "-A tcp/22 -a 198.18.0.5 -A udp/53", "-T --test", "-a 198.18.0.5 -v -D x -a 198.18.0.6 -v"})
  void fillsWhatPicocliFills(String line) throws Exception {
    String[] args = line.isEmpty() ? new String[0] : line.split(" ");
    SpaOptions quick = QuickArgs.parse(args);
    assertNotNull(quick, "declined: " + line);
    ParsedOptions parsed = new ParsedOptions();
    new CommandLine(parsed).setOverwrittenOptionsAllowed(true).parseArgs(args);
    assertEquals(fields(parsed.options()), fields(quick));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "--help", "-h", "-V", "--version", // picocli's help and version
      "-vv", "-Tv", "-Atcp/22", "-A=tcp/22", // clustered and attached short options
      "-A", "-A -a", "--access -T", "-U -bob", "-A @ports", "@args", // a value missing or that looks like an option; argument files
      "stray", "-A tcp/22 stray", "--", "-", "--unknown", "--use-hmac=true", // positional, unknown, flag with a value
      "--key-len 016", "--key-len x", "--key-len 1234567890", "--key-len=" // numbers only picocli reads
  })
  void leavesTheRestToPicocli(String line) {
    assertNull(QuickArgs.parse(line.split(" ")), line);
  }

  @Test
  void theBuiltTableIsTheAnnotationsOfNow() throws Exception {
    java.util.List<String> now = OptionTable.lines(CommandSpec.forAnnotatedObject(new SpaOptions()), SpaOptions.class);
    try (var in = OptionTable.class.getResourceAsStream(OptionTable.RESOURCE)) {
      assertNotNull(in, "the build writes " + OptionTable.RESOURCE);
      assertEquals(now, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList());
    }
  }

  /** Every option field of every group, by group.field; a group not made has its defaults. */
  private static Map<String, String> fields(SpaOptions o) throws ReflectiveOperationException {
    Map<String, String> out = new TreeMap<>();
    for (Field g : SpaOptions.class.getDeclaredFields()) {
      if (!g.isAnnotationPresent(CommandLine.ArgGroup.class)) {
        continue;
      }
      Object group = g.get(o);
      if (group == null) {
        group = g.getType().getDeclaredConstructor().newInstance();
      }
      for (Field f : g.getType().getDeclaredFields()) {
        Object v = f.get(group);
        out.put(g.getName() + "." + f.getName(), v instanceof boolean[] b ? Arrays.toString(b) : String.valueOf(v));
      }
    }
    return out;
  }
}
