package spa.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import spa.core.Packet;
import spa.server.testkit.TestKit;

/**
 * Packets built at test time by Debian's real {@code fwknop} client, in every Rijndael mode with three HMAC
 * types and five request kinds, read by {@code spad -t --pcap-file}: each accepted with the right fields;
 * and packets the real client builds against a stricter stanza, each refused with its reason.
 */
class FwknopInteropTest {
  private static final Path FWKNOP = Path.of("/usr/bin/fwknop");
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir
  Path dir;
  private int counter;

  private static String b64(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  /** Builds one packet with the real client (-T: not sent) and returns the wire string. */
  private String fwknop(List<String> args) throws IOException, InterruptedException {
    assertTrue(Files.isExecutable(FWKNOP), "Debian's fwknop-client must be installed (" + FWKNOP + ")");
    Path home = dir.resolve("home");
    Files.createDirectories(home);
    Path out = home.resolve("packet-" + counter++);
    List<String> cmd = new ArrayList<>(List.of(FWKNOP.toString(), "-D", "127.0.0.1", "--no-save-args",
        "--rc-file", home.resolve("fwknoprc").toString(), "-T", "--save-packet", out.toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("HOME", home.toString());
    Process p = pb.start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "fwknop hung");
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + "\n" + log);
    return Files.readString(out).strip();
  }

  private static Packet udp(String wire) {
    return TestKit.udp("127.0.0.1", "127.0.0.1", wire);
  }

  private TestKit.Run spadOver(String server, String accessConf, List<Packet> packets) throws Exception {
    Path conf = dir.resolve("fwknopd.conf");
    Path access = dir.resolve("access.conf");
    Files.writeString(conf, server);
    Files.writeString(access, accessConf);
    Path pcap = dir.resolve("packets.pcap");
    TestKit.writePcap(pcap, packets);
    return TestKit.spad("-t", "--pcap-file", pcap.toString(), "-C", Integer.toString(packets.size()), "-c",
        conf.toString(), "-a", access.toString(), "--log-format", "json", "-d", dir.resolve("digest.cache").toString());
  }

  @Test
  void everyModeHmacAndRequestKindIsAcceptedWithTheRightFields() throws Exception {
    String[] modes = {"cbc", "cfb", "ofb", "ctr", "ecb"};
    String[] hmacs = {"sha256", "sha512", "sha3_256"};
    StringBuilder access = new StringBuilder();
    List<Packet> packets = new ArrayList<>();
    Map<String, String> kinds = new LinkedHashMap<>();
    for (String mode : modes) {
      for (String hmac : hmacs) {
        String key = b64(32);
        String hkey = b64(hmac.equals("sha512") ? 128 : 64);
        String name = mode + "-" + hmac;
        access.append("SOURCE ANY\nNAME ").append(name).append("\nKEY_BASE64 ").append(key)
            .append("\nHMAC_KEY_BASE64 ").append(hkey).append("\nHMAC_DIGEST_TYPE ").append(hmac)
            .append("\nENCRYPTION_MODE ").append(mode).append("\nENABLE_CMD_EXEC Y\nFW_ACCESS_TIMEOUT 30\n\n");
        List<String> keys = List.of("--key-base64-rijndael", key, "--key-base64-hmac", hkey, "--use-hmac",
            "--hmac-digest-type", hmac, "-M", mode, "-a", "10.0.0.5");
        Map<String, List<String>> requests = new LinkedHashMap<>();
        requests.put("access", List.of("-A", "tcp/22"));
        requests.put("multi", List.of("-A", "tcp/22,udp/53", "-f", "120"));
        requests.put("nat", List.of("-A", "tcp/5000", "-N", "192.168.1.2:22", "-f", "45"));
        requests.put("local", List.of("-A", "tcp/5000", "--nat-local"));
        requests.put("command", List.of("-C", "touch /tmp/x"));
        for (Map.Entry<String, List<String>> r : requests.entrySet()) {
          String user = name + "-" + r.getKey();
          List<String> args = new ArrayList<>(keys);
          args.addAll(r.getValue());
          args.addAll(List.of("-U", user));
          packets.add(udp(fwknop(args)));
          kinds.put(user, r.getKey());
        }
      }
    }
    TestKit.Run run = spadOver("ENABLE_IPT_FORWARDING Y\nENABLE_IPT_LOCAL_NAT Y\n", access.toString(), packets);
    assertEquals(0, run.status(), run.err());
    List<Config> events = run.json();
    assertEquals(packets.size(), events.size(), run.events());
    for (Config e : events) {
      assertEquals("accept", e.getString("event"), e.toString());
      String user = e.getString("user");
      String kind = kinds.remove(user);
      String stanza = user.substring(0, user.lastIndexOf('-'));
      assertEquals(stanza, e.getString("stanza"));
      assertEquals("127.0.0.1", e.getString("src"));
      switch (kind) {
        case "access" -> {
          assertEquals("10.0.0.5", e.getString("allow"));
          assertEquals(List.of("tcp/22"), e.getStringList("access"));
          assertTrue(e.getIsNull("nat"));
          assertEquals(30, e.getInt("timeout"));
        }
        case "multi" -> {
          assertEquals(List.of("tcp/22", "udp/53"), e.getStringList("access"));
          assertEquals(120, e.getInt("timeout"));
        }
        case "nat" -> {
          assertEquals(List.of("tcp/5000"), e.getStringList("access"));
          assertEquals("forward", e.getString("nat.kind"));
          assertEquals("192.168.1.2", e.getString("nat.to"));
          assertEquals(22, e.getInt("nat.port"));
          assertEquals(45, e.getInt("timeout"));
        }
        case "local" -> {
          assertEquals("local", e.getString("nat.kind"));
          assertEquals("127.0.0.1", e.getString("nat.to"));
          assertEquals(5000, e.getInt("nat.port"));
          assertEquals(30, e.getInt("timeout"));
        }
        case "command" -> {
          assertEquals("touch /tmp/x", e.getString("command"));
          assertEquals(List.of(), e.getStringList("access"));
          assertTrue(e.getIsNull("timeout"));
        }
        default -> throw new AssertionError("unexpected user " + user);
      }
    }
    assertTrue(kinds.isEmpty(), "no event for " + kinds.keySet());
  }

  @Test
  void packetsTheRealClientBuildsWrongAreRefusedWithTheirReason() throws Exception {
    String key = b64(32);
    String hkey = b64(64);
    String access = "SOURCE ANY\nKEY_BASE64 " + key + "\nHMAC_KEY_BASE64 " + hkey + "\nOPEN_PORTS tcp/22\n"
        + "REQUIRE_USERNAME alice\nREQUIRE_SOURCE_ADDRESS Y\nFW_ACCESS_TIMEOUT 30\n";
    List<String> keys = List.of("--key-base64-rijndael", key, "--key-base64-hmac", hkey, "--use-hmac");
    Map<String, List<String>> cases = new LinkedHashMap<>();
    cases.put("accept", List.of("-U", "alice", "-A", "tcp/22", "-a", "10.0.0.5"));
    cases.put("auth", List.of("-U", "alice", "-A", "tcp/22", "-a", "10.0.0.5", "--key-base64-hmac", b64(64)));
    cases.put("auth-mode", List.of("-U", "alice", "-A", "tcp/22", "-a", "10.0.0.5", "-M", "cfb"));
    cases.put("age", List.of("-U", "alice", "-A", "tcp/22", "-a", "10.0.0.5", "--time-offset-minus", "1000s"));
    cases.put("user", List.of("-U", "mallory", "-A", "tcp/22", "-a", "10.0.0.5"));
    cases.put("port", List.of("-U", "alice", "-A", "tcp/23", "-a", "10.0.0.5"));
    cases.put("allow-ip", List.of("-U", "alice", "-A", "tcp/22", "-s"));
    cases.put("nat-disabled", List.of("-U", "alice", "-A", "tcp/22", "-a", "10.0.0.5", "-N", "192.168.1.2:22"));
    cases.put("cmd-disabled", List.of("-U", "alice", "-C", "id", "-a", "10.0.0.5"));
    List<Packet> packets = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    Packet first = null;
    for (Map.Entry<String, List<String>> c : cases.entrySet()) {
      List<String> args = new ArrayList<>(keys);
      if (c.getValue().contains("--key-base64-hmac")) {
        args = new ArrayList<>(List.of("--key-base64-rijndael", key, "--use-hmac"));
      }
      args.addAll(c.getValue());
      Packet p = udp(fwknop(args));
      first = first == null ? p : first;
      packets.add(p);
      expected.add(c.getKey().equals("accept") ? "accept" : "deny:" + c.getKey().replace("auth-mode", "auth"));
    }
    packets.add(first);
    expected.add("replay:replay");
    TestKit.Run run = spadOver("ENABLE_SPA_PACKET_AGING Y\nMAX_SPA_PACKET_AGE 120\n", access, packets);
    assertEquals(0, run.status(), run.err());
    // refusals of unauthenticated packets come tallied per reason and source: one event with a count
    List<String> got = run.json().stream()
        .flatMap(e -> java.util.Collections.nCopies(e.hasPath("count") ? e.getInt("count") : 1,
            e.getString("event") + (e.hasPath("reason") ? ":" + e.getString("reason") : "")).stream())
        .sorted().toList();
    assertEquals(expected.stream().sorted().toList(), got, run.events());
  }
}
