package example.fw.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import spa.core.ConfigException;
import spa.core.FirewallException;
import spa.core.Settings;
import spa.fw.testkit.RecordingRunner;
import spa.fw.testkit.SettableClock;

/** Wrong settings are refused at configure time, in one line naming the key. */
class CommandConfigTest {

  private static ConfigException refused(String key, String value) {
    Map<String, String> s = new HashMap<>(CommandContractTest.ACL_TEMPLATES);
    if (value == null) {
      s.remove(key);
    } else {
      s.put(key, value);
    }
    ConfigException e = assertThrows(ConfigException.class, () -> CommandConfig.read(Settings.of(s, "fwknopd.conf")));
    assertEquals(key, e.key());
    return e;
  }

  @Test
  void eachRequiredTemplateMustBeSet() {
    for (String key : new String[] {"FWCMD_OPEN", "FWCMD_CLOSE", "FWCMD_LIST"}) {
      refused(key, null);
    }
  }

  @Test
  void aPlaceholderTheCommandCannotHaveIsNamed() {
    ConfigException e = refused("FWCMD_LIST", "acl -t spa list ${SOURCE}");
    assertEquals("${SOURCE} means nothing here (this command takes no placeholders)", e.getMessage()
        .substring(e.getMessage().indexOf("${")));
    refused("FWCMD_OPEN", "acl add ${SORCE}");
    refused("FWCMD_FLUSH", "acl -t ${PORT} flush");
  }

  @Test
  void theListPatternNeedsItsFourGroupsAndMustCompile() {
    refused("FWCMD_LIST_PATTERN", "(?<source>\\S+) (?<proto>tcp|udp)/(?<port>\\d+)");
    refused("FWCMD_LIST_PATTERN", "(?<source>[");
  }

  @Test
  void theTimeLimitIsWholeSecondsUpToFiveMinutes() throws Exception {
    refused("FWCMD_EXEC_TIMEOUT", "0");
    refused("FWCMD_EXEC_TIMEOUT", "301");
    refused("FWCMD_EXEC_TIMEOUT", "5s");
    Map<String, String> s = new HashMap<>(CommandContractTest.ACL_TEMPLATES);
    s.put("FWCMD_EXEC_TIMEOUT", "3");
    assertEquals(3, CommandConfig.read(Settings.of(s, "x")).timeout().toSeconds());
  }

  @Test
  void aReloadWithWrongSettingsKeepsTheCommandsInForce() throws Exception {
    RecordingRunner rec = RecordingRunner.answeringOk();
    CommandBackend fw = new CommandBackend(rec, new SettableClock(java.time.Instant.EPOCH));
    fw.start(Settings.of(CommandContractTest.ACL_TEMPLATES, "fwknopd.conf"));
    Map<String, String> wrong = new HashMap<>(CommandContractTest.ACL_TEMPLATES);
    wrong.put("FWCMD_LIST", "acl 'unclosed");
    FirewallException e = assertThrows(FirewallException.class,
        () -> fw.reconfigure(Settings.of(wrong, "fwknopd.conf")));
    assertEquals("fwknopd.conf: FWCMD_LIST: a ' quote is not closed", e.getMessage());
    rec.clear();
    fw.list();
    assertEquals("acl -t spa list\n", rec.transcript());
  }
}
