package spa.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code spa ssh}: knock, wait for the port, run ssh (a fake one in PATH) with the arguments. */
class SshCommandTest {
  @TempDir
  Path home;

  private Path bin;
  private Path sshLog;
  private CliHarness h;

  @BeforeEach
  void fakeSsh() throws Exception {
    bin = Files.createDirectories(home.resolve("bin"));
    sshLog = home.resolve("ssh.log");
    fakeSshExiting(0);
    h = new CliHarness(home);
    h.env.put("PATH", home.resolve("nothing-here") + ":" + bin);
  }

  private void fakeSshExiting(int status) throws Exception {
    Path ssh = bin.resolve("ssh");
    Files.writeString(ssh, "#!/bin/sh\necho \"$*\" > '" + sshLog + "'\nexit " + status + "\n");
    Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
  }

  private void rc(int udpPort, int tcpPort) throws Exception {
    Files.writeString(home.resolve(".fwknoprc"), "[default]\nSPA_SERVER_PORT " + udpPort + "\n\n[box]\n"
        + "SPA_SERVER 127.0.0.1\nACCESS tcp/" + tcpPort + "\nKEY k\n");
    Files.setPosixFilePermissions(home.resolve(".fwknoprc"), PosixFilePermissions.fromString("rw-------"));
  }

  @Test
  void knocksWaitsForThePortThenRunsSshWithTheArguments() throws Exception {
    try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        ServerSocket sshd = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout(5000);
      rc(server.getLocalPort(), sshd.getLocalPort());
      CliHarness.Result r = h.run("ssh", "box", "-l", "bob", "uptime");
      assertEquals(0, r.status(), r.err());
      DatagramPacket knock = new DatagramPacket(new byte[1500], 1500);
      server.receive(knock);
      assertTrue(knock.getLength() > 100, "the knock reached the server's UDP port");
      assertEquals("box -l bob uptime\n", Files.readString(sshLog, StandardCharsets.UTF_8));
      assertTrue(Files.readString(home.resolve(".fwknop.run")).startsWith("spa -n box -a 127.0.0.1 "),
          "the knock is for the address the connection goes from");

      fakeSshExiting(3);
      assertEquals(3, h.run("ssh", "box").status(), "ssh's exit status is spa's");
    }
  }

  @Test
  void aPortThatStaysClosedIsOneLineAndNoSsh() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      rc(server.getLocalPort(), closed);
      CliHarness.Result r = h.run("ssh", "--wait", "1", "box");
      assertEquals(1, r.status());
      assertEquals("spa ssh: 127.0.0.1 port " + closed + " did not answer within 1 s of the knock\n", r.err());
      assertFalse(Files.exists(sshLog));
    }
  }

  @Test
  void refusalsAreOneLine() {
    assertEquals("spa ssh: usage: spa ssh [--wait SECONDS] HOST [ssh arguments]\n", h.run("ssh").err());
    assertEquals("spa ssh: --wait: 'x' is not a number of seconds 1..9999\n", h.run("ssh", "--wait", "x", "box").err());
    h.env.put("PATH", home.resolve("nothing-here").toString());
    assertEquals("spa ssh: no ssh in PATH (" + home.resolve("nothing-here") + ")\n", h.run("ssh", "box").err());
  }
}
