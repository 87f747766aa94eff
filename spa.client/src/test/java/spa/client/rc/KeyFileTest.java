package spa.client.rc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.ConfigException;

class KeyFileTest {

  @Test
  void findsTheLineForTheServer() throws Exception {
    List<String> lines = List.of("# keys", "10.0.0.10: wrong", "10.0.0.1: secret key with space", "host.example:k2");
    assertEquals(Optional.of("secret key with space"), KeyFile.find("f", lines, "10.0.0.1"));
    assertEquals(Optional.of("wrong"), KeyFile.find("f", lines, "10.0.0.10"));
    assertEquals(Optional.of("k2"), KeyFile.find("f", lines, "host.example"));
    assertEquals(Optional.empty(), KeyFile.find("f", lines, "10.0.0"));
    ConfigException empty = assertThrows(ConfigException.class, () -> KeyFile.find("f", List.of("a.b:   "), "a.b"));
    assertEquals("f:1: empty key for 'a.b'", empty.toString());
  }

  @Test
  void missingFileOrServerIsOneLine(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("keys");
    Files.writeString(f, "1.2.3.4: k\n");
    assertEquals("k", KeyFile.lookup(f, "1.2.3.4", "option --get-key", "KEY_FILE"));
    ConfigException none = assertThrows(ConfigException.class,
        () -> KeyFile.lookup(f, "5.6.7.8", "option --get-key", "KEY_FILE"));
    assertEquals("option --get-key: KEY_FILE: no key for '5.6.7.8' in " + f, none.toString());
    ConfigException missing = assertThrows(ConfigException.class,
        () -> KeyFile.lookup(dir.resolve("x"), "1.2.3.4", "rc:3", "KEY_FILE"));
    assertEquals("rc:3: KEY_FILE: key file " + dir.resolve("x") + " does not exist", missing.toString());
  }
}
