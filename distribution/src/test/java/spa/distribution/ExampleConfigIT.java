package spa.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example files in conf/: fwknopd 2.6 and spad both read them, both refuse the shipped placeholder keys,
 * and both accept the files once real keys are filled in.
 */
class ExampleConfigIT {
  private static final Duration LIMIT = Duration.ofSeconds(60);
  private final Image image = Image.get();

  @Test
  void fwknopdRefusesThePlaceholderKeys(@TempDir Path dir) throws Exception {
    Run.Result r = fwknopdParse(dir, write(dir, "access.conf", example("access.conf")));
    assertEquals(1, r.exitCode(), r::describe);
    assertTrue(output(r).contains("KEY_BASE64 value is not properly set"), r::describe);
  }

  @Test
  void fwknopdAcceptsTheExamplesWithKeys(@TempDir Path dir) throws Exception {
    Run.Result r = fwknopdParse(dir, write(dir, "access.conf", withKeys(example("access.conf"))));
    assertEquals(0, r.exitCode(), r::describe);
    assertTrue(output(r).contains("Configs parsed"), r::describe);
  }

  @Test
  void spadRefusesThePlaceholderKeys(@TempDir Path dir) throws Exception {
    for (List<String> files : List.of(
        List.of("-c", image.conf().resolve("spad.conf").toString()),
        List.of("-c", image.conf().resolve("fwknopd.conf").toString(), "-a", image.conf().resolve("access.conf").toString()))) {
      Run.Result r = spadParse(dir, files);
      assertNotEquals(0, r.exitCode(), r::describe);
      assertTrue(r.stderr().contains("KEY_BASE64") && r.stderr().contains("__CHANGEME__"), r::describe);
    }
  }

  @Test
  void spadAcceptsTheExamplesWithKeys(@TempDir Path dir) throws Exception {
    Path spadConf = write(dir, "spad.conf", withKeys(example("spad.conf")));
    Run.Result hocon = spadParse(dir, List.of("-c", spadConf.toString()));
    assertEquals(0, hocon.exitCode(), hocon::describe);

    Path access = write(dir, "access.conf", withKeys(example("access.conf")));
    Run.Result fwknop = spadParse(dir, List.of("-c", image.conf().resolve("fwknopd.conf").toString(),
        "-a", access.toString()));
    assertEquals(0, fwknop.exitCode(), fwknop::describe);
  }

  @Test
  void confFilesAreReadableByTheOwnerOnly() throws Exception {
    for (String f : List.of("fwknopd.conf", "access.conf", "spad.conf")) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(image.conf().resolve(f))), f);
    }
  }

  private String example(String name) throws Exception {
    return Files.readString(image.conf().resolve(name));
  }

  /** The text with fresh keys in place of the {@code __CHANGEME__} placeholders (quoted or not). */
  private static String withKeys(String text) {
    Keys keys = Keys.randomBase64();
    String out = text
        .replaceFirst("(?m)^(\\s*HMAC_KEY_BASE64\\W+)__CHANGEME__", "$1" + Matcher.quoteReplacement(keys.hmacKey()))
        .replaceFirst("(?m)^(\\s*KEY_BASE64\\W+)__CHANGEME__", "$1" + Matcher.quoteReplacement(keys.key()));
    assertFalse(out.contains("__CHANGEME__"), out);
    return out;
  }

  private static Path write(Path dir, String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  private static String output(Run.Result r) {
    return r.stdout() + r.stderr();
  }

  private Run.Result fwknopdParse(Path dir, Path accessConf) throws Exception {
    Path fwknopd = Tools.require("fwknopd", "fwknop-server");
    return Run.run(List.of(fwknopd.toString(), "--exit-parse-config", "-f", "-t",
        "-c", image.conf().resolve("fwknopd.conf").toString(), "-a", accessConf.toString(),
        "-d", dir.resolve("digest.cache").toString(), "-p", dir.resolve("fwknopd.pid").toString()),
        Map.of(), dir, LIMIT);
  }

  private Run.Result spadParse(Path dir, List<String> files) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(image.spad().toString(), "--exit-parse-config"));
    cmd.addAll(files);
    return Run.run(cmd, Map.of(), dir, LIMIT);
  }
}
