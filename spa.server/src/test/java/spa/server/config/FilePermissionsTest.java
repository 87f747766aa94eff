package spa.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Settings;

/** Like fwknopd, spad warns once per configuration file that group or others may read, and starts anyway. */
class FilePermissionsTest {
  @TempDir
  Path dir;

  private Path write(String name, String text, String mode) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    return p;
  }

  private List<String> warnings(Path conf) throws Exception {
    List<String> w = new ArrayList<>();
    ServerConfig c = new ConfigLoader(w::add).load(new ConfigLoader.Sources(conf, List.of(), Settings.empty(), null));
    assertEquals(1, c.stanzas().size(), "loaded anyway");
    return w;
  }

  @Test
  void ownerOnlyFilesGiveNoWarning() throws Exception {
    write("access.conf", "SOURCE ANY\nREQUIRE_SOURCE_ADDRESS Y\n%include_keys keys.conf\n", "rw-------");
    write("keys.conf", "KEY k\n", "rw-------");
    assertEquals(List.of(), warnings(write("fwknopd.conf", "", "rw-------")));
  }

  @Test
  void eachReadableFwknopFileIsNamedWithItsMode() throws Exception {
    Path access = write("access.conf", "%include more.conf\n", "rw-r--r--");
    Path more = write("more.conf", "SOURCE 198.18.0.0/15\n%include_keys keys.conf\n", "rw-r-----");
    Path keys = write("keys.conf", "KEY k\n", "rw----r--");
    Path conf = write("fwknopd.conf", "", "rw-rw-rw-");
    assertEquals(List.of(
        conf + ": mode 0666 gives group or others access, and it may hold keys (chmod 600 it)",
        access + ": mode 0644 gives group or others access, and it may hold keys (chmod 600 it)",
        more + ": mode 0640 gives group or others access, and it may hold keys (chmod 600 it)",
        keys + ": mode 0604 gives group or others access, and it may hold keys (chmod 600 it)"), warnings(conf));
  }

  @Test
  void readableHoconFileIsNamed() throws Exception {
    Path conf = write("spad.conf", "access = [ { SOURCE = ANY, REQUIRE_SOURCE_ADDRESS = Y, KEY = k } ]\n", "rw-r--r--");
    assertEquals(List.of(conf + ": mode 0644 gives group or others access, and it may hold keys (chmod 600 it)"),
        warnings(conf));
  }
}
