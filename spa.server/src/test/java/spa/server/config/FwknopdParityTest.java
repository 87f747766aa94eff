package spa.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.server.testkit.TestKit;
import spa.test.support.Fwknopd;

/**
 * The same fwknopd.conf and access.conf read by Debian's fwknopd 2.6.10 ({@code --exit-parse-config}, {@code -D})
 * and by spad ({@code --exit-parse-config}): both start or both refuse, both skip the same stanzas, both warn
 * alike. Where spad differs on purpose (README, "Compatibility with fwknopd") the test says how.
 */
class FwknopdParityTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String KEY = b64(32);
  private static final String HMAC = b64(64);
  private static final String KEYS = "KEY_BASE64 " + KEY + "\nHMAC_KEY_BASE64 " + HMAC + "\n";
  private static final Pattern DUMPED_SOURCE = Pattern.compile("(?m)^SOURCE \\(\\d+\\):\\s+(\\S+)$");

  @TempDir
  Path dir;

  private static String b64(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  private Path write(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    return p;
  }

  /** What each side made of the files. */
  private record Both(Fwknopd.Parse fwknopd, TestKit.Run spad) {
    boolean fwknopdStarts() {
      return fwknopd.accepted();
    }

    boolean spadStarts() {
      return spad.status() == 0 && spad.out().contains("configuration is valid");
    }

    String both() {
      return "fwknopd (" + fwknopd.status() + "):\n" + fwknopd.output() + "\nspad (" + spad.status() + "):\n"
          + spad.out() + spad.err();
    }
  }

  private Both read(String server, String access, String... options) throws Exception {
    Path conf = write("fwknopd.conf", "FWKNOP_RUN_DIR " + dir.resolve("run") + "\n" + server);
    Path acc = write("access.conf", access);
    Path cwd = Path.of("").toAbsolutePath(); // spad runs in this JVM: fwknopd runs in the same directory
    Fwknopd.Parse f = Fwknopd.parse(cwd, conf, acc, options);
    List<String> args = new ArrayList<>(List.of("-c", conf.toString(), "-a", acc.toString(), "--exit-parse-config"));
    args.addAll(List.of(options));
    return new Both(f, TestKit.spad(args.toArray(String[]::new)));
  }

  private void same(boolean starts, String server, String access, String... options) throws Exception {
    Both b = read(server, access, options);
    assertEquals(starts, b.fwknopdStarts(), b.both());
    assertEquals(starts, b.spadStarts(), b.both());
  }

  @Test
  void accessExpireDates() throws Exception {
    String s = "SOURCE ANY\nREQUIRE_SOURCE_ADDRESS Y\n" + KEYS;
    same(true, "", s + "ACCESS_EXPIRE 3/10/2500\n");
    same(true, "", s + "ACCESS_EXPIRE 01/01/2000\n"); // expired: start-up goes on, its packets are refused
    same(true, "", s + "ACCESS_EXPIRE 1/2/2000\n");
    same(false, "", s + "ACCESS_EXPIRE 3-10-2500\n");
    same(false, "", s + "ACCESS_EXPIRE 3/10\n");
    // fwknopd takes impossible dates and rolls them over (13/45/2000 is a day in 2001); spad refuses them
    Both rolled = read("", s + "ACCESS_EXPIRE 13/45/2000\n");
    assertTrue(rolled.fwknopdStarts() && !rolled.spadStarts(), rolled.both());
  }

  @Test
  void relativeIncludesAreRelativeToTheWorkingDirectory() throws Exception {
    Path cwd = Path.of("").toAbsolutePath();
    Path inc = write("conf.d/x.conf", "SOURCE 198.18.0.5\nREQUIRE_SOURCE_ADDRESS Y\n" + KEYS);
    write("keys/user.keys", KEYS);
    write("folder/y.conf", "SOURCE 198.18.0.6\nREQUIRE_SOURCE_ADDRESS Y\n" + KEYS);
    same(true, "", "%include " + cwd.relativize(inc) + "\n%include_folder " + cwd.relativize(dir.resolve("folder"))
        + "\nSOURCE 198.18.0.7\nREQUIRE_SOURCE_ADDRESS Y\n%include_keys " + cwd.relativize(dir.resolve("keys/user.keys"))
        + "\n");
    // relative to the including file only: fwknopd does not find it, spad does (its second place to look)
    Both beside = read("", "%include conf.d/x.conf\n");
    assertTrue(!beside.fwknopdStarts() && beside.spadStarts(), beside.both());
    assertTrue(beside.fwknopd().output().contains("was not found"), beside.both());
  }

  @Test
  void anUnusableKeyFileSkipsOnlyItsStanza() throws Exception {
    write("keys/empty", "");
    write("keys/change", "KEY_BASE64 __CHANGEME__\nHMAC_KEY_BASE64 __CHANGEME__\n");
    write("keys/badb64", "KEY_BASE64 !!!notbase64***\nHMAC_KEY_BASE64 " + HMAC + "\n");
    write("keys/novalue", "KEY_BASE64\nHMAC_KEY_BASE64 " + HMAC + "\n");
    for (String k : List.of("missing", "empty", "change", "badb64", "novalue")) {
      Both b = read("", "SOURCE 198.18.0.1\nREQUIRE_SOURCE_ADDRESS Y\n%include_keys " + dir.resolve("keys/" + k)
          + "\n\nSOURCE 198.18.0.2\nREQUIRE_SOURCE_ADDRESS Y\n" + KEYS);
      assertTrue(b.fwknopdStarts() && b.spadStarts(), k + "\n" + b.both());
      assertTrue(b.fwknopd().output().contains("No keys found for access stanza source: '198.18.0.1'"), k + "\n" + b.both());
      assertTrue(b.spad().err().contains("the stanza at " + dir.resolve("access.conf") + ":1 is skipped"), b.both());
      assertTrue(b.spad().out().contains("(1 access stanzas; 1 skipped, see the warnings)"), b.both());
    }
    // a line that is not a key: fwknopd ignores the line and keeps the stanza; spad skips the stanza
    write("keys/other", KEYS + "OPEN_PORTS tcp/1\n");
    Both other = read("", "SOURCE 198.18.0.1\nREQUIRE_SOURCE_ADDRESS Y\n%include_keys " + dir.resolve("keys/other")
        + "\n\nSOURCE 198.18.0.2\nREQUIRE_SOURCE_ADDRESS Y\n" + KEYS);
    assertTrue(other.fwknopd().output().contains("Ignoring invalid entry: 'OPEN_PORTS'"), other.both());
    assertTrue(other.spad().out().contains("1 skipped"), other.both());
  }

  @Test
  void anIncludeInsideAStanzaPutsTheIncludedStanzasAfterIt() throws Exception {
    Path inner = write("inner.conf", "FW_ACCESS_TIMEOUT 9\nSOURCE 198.18.0.5\n" + KEYS + "FW_ACCESS_TIMEOUT 7\n");
    Path conf = write("fwknopd.conf", "FWKNOP_RUN_DIR " + dir.resolve("run") + "\n");
    Path access = write("access.conf", "SOURCE 198.18.0.1\nKEY_BASE64 " + KEY + "\n%include " + inner
        + "\nHMAC_KEY_BASE64 " + HMAC + "\nREQUIRE_SOURCE_ADDRESS Y\n");
    Fwknopd.Parse dump = Fwknopd.dump(dir, conf, access);
    List<String> fwknopdOrder = new ArrayList<>();
    Matcher m = DUMPED_SOURCE.matcher(dump.output());
    while (m.find()) {
      fwknopdOrder.add(m.group(1));
    }
    List<StanzaConfig> spad = new ConfigLoader(w -> { }).load(new ConfigLoader.Sources(conf, List.of(),
        spa.core.Settings.builder("command line").put("ACCESS_FILE", access.toString()).build(), null)).stanzas();
    assertEquals(List.of("198.18.0.1", "198.18.0.5"), fwknopdOrder, dump.output());
    assertEquals(fwknopdOrder, spad.stream().map(s -> s.settings().get("SOURCE").orElseThrow()).toList());
    assertTrue(dump.output().contains("REQUIRE_SOURCE_ADDRESS:  Yes"), "the open stanza kept filling in fwknopd");
    assertEquals(HMAC, spad.get(0).settings().get("HMAC_KEY_BASE64").orElseThrow());
    assertEquals("Y", spad.get(0).settings().get("REQUIRE_SOURCE_ADDRESS").orElseThrow());
    same(true, "", Files.readString(access));
  }

  @Test
  void serverLinesWithoutValueOrWithAnUnsetVariableAreIgnored() throws Exception {
    String s = "SOURCE ANY\nREQUIRE_SOURCE_ADDRESS Y\n" + KEYS;
    same(true, "PCAP_FILTER $NOPE_NOT_SET\n", s);
    same(true, "PCAP_FILTER\n", s);
    same(true, "PCAP_INTF   \n", s);
    // access.conf stays strict: a variable without a value stops both
    same(false, "", s + "FW_ACCESS_TIMEOUT\n");
  }

  @Test
  void startUpValidation() throws Exception {
    String s = "SOURCE ANY\nREQUIRE_SOURCE_ADDRESS Y\n" + KEYS;
    for (String bad : List.of("PCAP_DISPATCH_COUNT 0", "PCAP_DISPATCH_COUNT 8388609", "PCAP_DISPATCH_COUNT abc",
        "PCAP_LOOP_SLEEP 0", "PCAP_LOOP_SLEEP 8388609", "TCPSERV_PORT 0", "TCPSERV_PORT 131072", "UDPSERV_PORT 0",
        "UDPSERV_PORT 131072", "VERBOSE -1", "FWKNOP_RUN_DIR run", "SYSLOG_FACILITY LOG_FOO", "SYSLOG_FACILITY LOG_AUTH")) {
      same(false, bad + "\n", s);
    }
    for (String good : List.of("PCAP_DISPATCH_COUNT 8388608", "PCAP_LOOP_SLEEP 1", "UDPSERV_PORT 65535",
        "SYSLOG_FACILITY LOG_LOCAL3", "SYSLOG_FACILITY log_daemon", "VERBOSE 3")) {
      same(true, good + "\n", s);
    }
    // ports above 65535 do not exist: fwknopd takes them up to 131071, spad refuses
    Both port = read("UDPSERV_PORT 65536\n", s);
    assertTrue(port.fwknopdStarts() && !port.spadStarts(), port.both());
    for (String bad : List.of("CMD_EXEC_USER no-such-user-spa", "CMD_EXEC_GROUP no-such-group-spa", "CMD_EXEC_USER 65534",
        "CMD_EXEC_GROUP 1")) {
      same(false, "", s + bad + "\n");
    }
    same(true, "", s + "CMD_EXEC_USER nobody\n");
    same(true, "", s + "CMD_EXEC_GROUP daemon\n");
    same(false, "", "SOURCE 0.0.0.0/0\n" + KEYS);
    same(false, "", "SOURCE 198.18.0.1, 198.18.0.0/0\n" + KEYS);
    same(false, "", s + "DESTINATION 198.18.0.0/0\n");
    same(false, "", s, "-C", "-1");
    same(false, "", s, "-C", "2147483648");
    same(true, "", s, "-C", "2147483647");
  }

  @Test
  void sudoExecAndFwknopdsOtherOptions() throws Exception {
    String s = "SOURCE ANY\nREQUIRE_SOURCE_ADDRESS Y\n" + KEYS + "ENABLE_CMD_EXEC Y\nENABLE_CMD_SUDO_EXEC Y\n";
    same(true, "", s + "CMD_SUDO_EXEC_USER nobody\nCMD_SUDO_EXEC_GROUP daemon\n");
    same(false, "", s + "CMD_SUDO_EXEC_USER no-such-user-spa\n");
    same(false, "", s + "CMD_SUDO_EXEC_GROUP no-such-group-spa\n");
    // SUDO_EXE in the file is taken as it is (sudo need not be installed until a command runs); --sudo-exe is checked
    same(true, "SUDO_EXE /nonexistent/sudo\n", s);
    same(false, "", s, "--sudo-exe", "/nonexistent/sudo");
    same(true, "", s, "--sudo-exe", "/bin/true");
    Path override = write("override.conf", "PCAP_LOOP_SLEEP 0\n");
    same(false, "", s, "-O", override.toString());
    Files.writeString(override, "PCAP_LOOP_SLEEP 5\n");
    same(true, "", s, "-O", override.toString());
    same(true, "", s, "-l", "C");
    same(true, "", s, "--locale", "C.UTF-8");
    // spad refuses what it cannot do, in one line
    Both syslog = read("", s, "--syslog-enable");
    assertTrue(syslog.fwknopdStarts() && !syslog.spadStarts(), syslog.both());
    assertEquals(1, syslog.spad().err().lines().count(), syslog.both());
    Both del = read("", s, "--fw-del-chains");
    assertTrue(!del.fwknopdStarts() && !del.spadStarts(), del.both());
  }

  @Test
  void warnings() throws Exception {
    Both any = read("", "SOURCE ANY\n" + KEYS);
    assertTrue(any.fwknopd().output().contains("REQUIRE_SOURCE_ADDRESS not enabled for access stanza source: 'ANY'"),
        any.both());
    assertTrue(any.spad().err().contains("SOURCE: stanza #1 accepts ANY source without REQUIRE_SOURCE_ADDRESS Y"),
        any.both());
    Both required = read("", "SOURCE ANY\nREQUIRE_SOURCE_ADDRESS Y\n" + KEYS);
    assertFalse(required.fwknopd().output().contains("REQUIRE_SOURCE_ADDRESS not enabled"), required.both());
    assertFalse(required.spad().err().contains("REQUIRE_SOURCE_ADDRESS"), required.both());

    // an access.conf others may read: both warn; a key file others may read: spad warns, fwknopd does not look
    Path keys = write("keys/user.keys", KEYS);
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-r--r--"));
    Both readable = read("", "SOURCE 198.18.0.1\nREQUIRE_SOURCE_ADDRESS Y\n%include_keys " + keys + "\n");
    assertFalse(readable.fwknopd().output().contains("permissions"), readable.both());
    assertTrue(readable.spad().err().contains(keys + ": mode 0644 gives group or others access"), readable.both());
    Path acc = dir.resolve("access.conf");
    Files.setPosixFilePermissions(acc, PosixFilePermissions.fromString("rw-r--r--"));
    Fwknopd.Parse f = Fwknopd.parse(dir, dir.resolve("fwknopd.conf"), acc);
    TestKit.Run spad = TestKit.spad("-c", dir.resolve("fwknopd.conf").toString(), "-a", acc.toString(), "--exit-parse-config");
    assertTrue(f.output().contains("file: " + acc + " permissions should only be user read/write"), f.output());
    assertTrue(spad.err().contains(acc + ": mode 0644 gives group or others access"), spad.err());
  }
}
