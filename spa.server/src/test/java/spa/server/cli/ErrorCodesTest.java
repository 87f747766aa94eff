package spa.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import spa.server.policy.Reasons;
import spa.server.testkit.TestKit;
import spa.test.support.Required;

/** {@code --dump-serv-err-codes}: fwknopd's listing, shape and numbers, with spad's reasons. */
class ErrorCodesTest {
  private static final Pattern LINE = Pattern.compile("err code: (\\d+), err string: '([^']+)'");

  @Test
  void everyReasonIsListedOnceInFwknopdsShapeWithOneOfItsCodes() throws Exception {
    TestKit.Run r = TestKit.spad(Hooks.NONE, "--dump-serv-err-codes");
    assertEquals(0, r.status(), r.err());
    List<String> lines = r.out().lines().toList();

    Path fwknopd = Required.programs("fwknopd");
    Process p = new ProcessBuilder(fwknopd.toString(), "--dump-serv-err-codes").redirectErrorStream(true).start();
    String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    Set<String> fwknopdCodes = theirs.lines().map(l -> {
      Matcher m = LINE.matcher(l);
      assertTrue(m.matches(), "fwknopd's line: " + l);
      return m.group(1);
    }).collect(Collectors.toSet());

    Set<String> reasons = new java.util.HashSet<>();
    int last = 0;
    for (String l : lines) {
      Matcher m = LINE.matcher(l);
      assertTrue(m.matches(), "spad's line in fwknopd's shape: " + l);
      assertTrue(fwknopdCodes.contains(m.group(1)), "a code fwknopd has: " + l);
      assertTrue(Integer.parseInt(m.group(1)) >= last, "in fwknopd's order: " + l);
      last = Integer.parseInt(m.group(1));
      assertTrue(reasons.add(m.group(2).substring(0, m.group(2).indexOf(':'))), "listed once: " + l);
    }
    for (Field f : Reasons.class.getFields()) {
      assertTrue(reasons.contains((String) f.get(null)), "reason " + f.get(null) + " listed");
    }
    assertTrue(reasons.containsAll(List.of("prefix", "not-base64", "http")), reasons.toString());
  }
}
