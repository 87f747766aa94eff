package spa.distribution.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static spa.distribution.e2e.Daemons.await;
import static spa.distribution.e2e.Daemons.read;
import static spa.distribution.e2e.Daemons.writePrivate;
import static spa.distribution.e2e.Site.SERVER4;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import spa.cmd.exec.Command;
import spa.cmd.exec.CommandResult;
import spa.distribution.Tools;

/**
 * {@code ENABLE_CMD_SUDO_EXEC}: a command message from Debian's fwknop runs through {@code SUDO_EXE} as
 * {@code CMD_SUDO_EXEC_USER}, in the image's spad as in Debian's fwknopd (both serving, in the server namespace,
 * the same access.conf; {@code SUDO_EXE} a stand-in that records the argv it is given). spad also passes
 * {@code CMD_SUDO_EXEC_GROUP} (fwknopd 2.6.10 checks it and leaves it out) and ends sudo's options with
 * {@code --}, so that a command cannot give sudo options of its own.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SudoExecIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int SPAD_PORT = 62201;
  private static final int FWKNOPD_PORT = 62202;

  @TempDir
  Path dir;

  @Test
  void aCommandMessageRunsThroughSudoAsTheSudoUserInBoth() throws Exception {
    Path fwknopd = Tools.require("fwknopd", "fwknop-server");
    Tools.require("fwknop", "fwknop-client");
    Path image = OnSite.imageUnderTest();
    Keys keys = Keys.random();
    Path run = Files.createDirectories(dir.resolve("run"));
    Path access = writePrivate(dir.resolve("access.conf"), "SOURCE ANY\n" + keys.stanzaLines()
        + "ENABLE_CMD_EXEC Y\nENABLE_CMD_SUDO_EXEC Y\nCMD_SUDO_EXEC_USER daemon\nCMD_SUDO_EXEC_GROUP daemon\n");
    Path fwLog = dir.resolve("fwknopd.log");
    Path events = dir.resolve("spad.events");
    Path spadErr = dir.resolve("spad.err");
    Supplier<String> both = () -> "--- fwknopd:\n" + read(fwLog) + "--- spad:\n" + read(events) + read(spadErr);
    try (Site site = Site.create(); Daemons daemons = new Daemons(site, dir)) {
      daemons.start(fwLog, fwLog, fwknopd.toString(), "-f", "-v", "-U", "-c",
          conf("fwknopd", FWKNOPD_PORT, run).toString(), "-a", access.toString(), "-d",
          dir.resolve("fwknopd.digest").toString(), "-p", run.resolve("fwknopd.pid").toString());
      daemons.start(events, spadErr, "env", "JAVA_HOME=" + System.getProperty("java.home"),
          image.resolve("bin/spad").toString(), "-v", "-U", "--firewall", "nftables", "--log-format", "json",
          "-c", conf("spad", SPAD_PORT, run).toString(), "-a", access.toString(), "-d",
          dir.resolve("spad.digest").toString(), "-p", run.resolve("spad.pid").toString(), "-r", run.toString());
      await("fwknopd serving", () -> read(fwLog).contains("Kicking off UDP server"), both, WAIT);
      await("spad serving", () -> read(spadErr).contains("ready: capturing with udp"), both, WAIT);

      for (int port : List.of(FWKNOPD_PORT, SPAD_PORT)) {
        List<String> argv = new ArrayList<>(List.of("env", "HOME=" + Files.createTempDirectory(dir, "home"),
            "fwknop", "--no-save-args", "--no-rc-file", "-a", Site.A4, "-D", SERVER4, "-p", String.valueOf(port),
            "--server-cmd", "touch " + dir.resolve("made-" + port)));
        argv.addAll(keys.clientArgs());
        CommandResult r = site.runInClient(Command.of(argv).withTimeout(Duration.ofSeconds(30)));
        assertTrue(r.ok(), () -> "fwknop failed: " + r.failure());
      }
      Path fwArgv = dir.resolve("sudo-fwknopd.argv");
      Path spadArgv = dir.resolve("sudo-spad.argv");
      await("sudo run by both", () -> Files.exists(fwArgv) && Files.exists(spadArgv), both, WAIT);
      assertEquals("-u daemon touch " + dir.resolve("made-" + FWKNOPD_PORT), read(fwArgv).strip(), both.get());
      assertEquals("-u daemon -g daemon -- touch " + dir.resolve("made-" + SPAD_PORT), read(spadArgv).strip(),
          both.get());
    }
  }

  /** A fwknopd.conf serving UDP on {@code port}, with a SUDO_EXE that writes its arguments to sudo-NAME.argv. */
  private Path conf(String name, int port, Path run) throws IOException {
    Path sudo = dir.resolve("sudo-" + name);
    Files.writeString(sudo, "#!/bin/sh\necho \"$*\" > " + dir.resolve("sudo-" + name + ".argv") + "\n");
    Files.setPosixFilePermissions(sudo, PosixFilePermissions.fromString("rwx------"));
    // spad's nftables backend needs ports to protect; fwknopd does not know the variable
    return writePrivate(dir.resolve(name + ".conf"), "ENABLE_UDP_SERVER Y\nUDPSERV_PORT " + port
        + "\nFWKNOP_RUN_DIR " + run + "\nSUDO_EXE " + sudo + "\n"
        + (name.equals("spad") ? "NFT_PROTECTED_PORTS tcp/22\n" : ""));
  }
}
