package spa.fw.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.test.support.Fwknopd;

/**
 * {@code IPT_*_ACCESS} values read by Debian's fwknopd ({@code --exit-parse-config}) and by this backend: both take
 * or both refuse the same specifications and rule positions, except where the backend is stricter on purpose.
 */
class ChainSpecParityTest {
  @TempDir
  Path dir;

  private boolean fwknopdTakes(String spec) throws Exception {
    Path conf = dir.resolve("fwknopd.conf");
    Path access = dir.resolve("access.conf");
    Files.writeString(conf, "FWKNOP_RUN_DIR " + dir.resolve("run") + "\nIPT_INPUT_ACCESS " + spec + "\n");
    Files.writeString(access, "SOURCE ANY\nREQUIRE_SOURCE_ADDRESS Y\nKEY_BASE64 "
        + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}) + "\n");
    for (Path p : new Path[] {conf, access}) {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    }
    return Fwknopd.parse(dir, conf, access).accepted();
  }

  private static boolean backendTakes(String spec) {
    try {
      IptConfig.from(Settings.of(Map.of("IPT_INPUT_ACCESS", spec), "fwknopd.conf"));
      return true;
    } catch (ConfigException e) {
      assertEquals("IPT_INPUT_ACCESS", e.key());
      return false;
    }
  }

  @Test
  void sameSpecificationsTakenAndRefused() throws Exception {
    String[] taken = {"ACCEPT, filter, INPUT, 1, FWKNOP_INPUT, 1", "ACCEPT,filter,INPUT,1,FWKNOP_INPUT,1",
        "ACCEPT, filter, INPUT, 65536, FWKNOP_INPUT, 65536", "ACCEPT, filter, INPUT, 3, FWKNOP_INPUT, 0"};
    String[] refused = {"ACCEPT, filter", "ACCEPT, filter, INPUT, -1, FWKNOP_INPUT, 1",
        "ACCEPT, filter, INPUT, 65537, FWKNOP_INPUT, 1", "ACCEPT, filter, INPUT, 1, FWKNOP_INPUT, 65537",
        "ACCEPT, filter, INPUT, 1, FWKNOP_INPUT, 999999", "ACCEPT, filter, INPUT, 1, FWKNOP_INPUT, 1, extra"};
    for (String s : taken) {
      assertTrue(fwknopdTakes(s) && backendTakes(s), s);
    }
    for (String s : refused) {
      assertEquals(false, fwknopdTakes(s), s);
      assertEquals(false, backendTakes(s), s);
    }
  }

  @Test
  void stricterWhereFwknopdTakesNonsense() throws Exception {
    // fwknopd reads a position that is no number as 0 and takes any table name; iptables would fail on them later
    for (String s : new String[] {"ACCEPT, filter, INPUT, x, FWKNOP_INPUT, 1", "ACCEPT, bogus, INPUT, 1, FWKNOP_INPUT, 1",
        "ACCEPT, filter, INPUT, 0, FWKNOP_INPUT, 1"}) {
      assertTrue(fwknopdTakes(s), s);
      assertThrows(ConfigException.class, () -> IptConfig.from(Settings.of(Map.of("IPT_INPUT_ACCESS", s), "f")), s);
    }
  }
}
