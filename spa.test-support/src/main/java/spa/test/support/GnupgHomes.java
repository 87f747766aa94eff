package spa.test.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * GnuPG homes made at test time by Debian's gpg ({@code --batch}): a key per home, RSA of a given size, with or
 * without passphrase, optionally with a signing subkey; public keys exchanged and locally signed so that gpg
 * (and fwknopd through gpgme) consider them valid. The gpg agents the tool starts are stopped by {@link #close}.
 */
public final class GnupgHomes implements AutoCloseable {
  /** One home and its key. */
  public record Home(Path dir, String fingerprint, String encryptionFingerprint, String signingFingerprint,
      String passphrase) {
    /** The last 16 hex digits of the primary key's fingerprint. */
    public String keyId() {
      return fingerprint.substring(24);
    }

    /** The fingerprint of the key that makes signatures: the signing subkey when there is one. */
    public String signerFingerprint() {
      return signingFingerprint != null ? signingFingerprint : fingerprint;
    }
  }

  private final Path gpg;
  private final List<Path> homes = new ArrayList<>();

  /** Requires gpg and gpgconf (fails in CI, skips elsewhere). */
  public GnupgHomes() {
    gpg = Required.programs("gpg", "gpgconf");
  }

  /** A home with one RSA key of {@code bits} (sign+certify primary, encryption subkey) named {@code name}. */
  public Home create(Path dir, String name, int bits, String passphrase, boolean signingSubkey)
      throws IOException, InterruptedException {
    return create(dir, name, "Key-Type: RSA\nKey-Length: " + bits + "\nSubkey-Type: RSA\nSubkey-Length: " + bits
        + "\n", "rsa" + bits, passphrase, signingSubkey);
  }

  /** A home with one Ed25519 key (sign+certify) and a Curve25519 encryption subkey named {@code name}. */
  public Home createCurve25519(Path dir, String name, String passphrase) throws IOException, InterruptedException {
    return create(dir, name, "Key-Type: EDDSA\nKey-Curve: ed25519\nSubkey-Type: ECDH\nSubkey-Curve: cv25519\n",
        "ed25519", passphrase, false);
  }

  private Home create(Path dir, String name, String types, String signingAlgo, String passphrase,
      boolean signingSubkey) throws IOException, InterruptedException {
    Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    homes.add(dir);
    String params = types + "Key-Usage: sign,cert\nSubkey-Usage: encrypt\nName-Real: " + name + "\nName-Email: "
        + name + "@spa.test\nExpire-Date: 0\n"
        + (passphrase.isEmpty() ? "%no-protection\n" : "Passphrase: " + passphrase + "\n") + "%commit\n";
    Path batch = dir.resolve("gen.batch");
    Files.writeString(batch, params);
    gpg(dir, "--pinentry-mode", "loopback", "--gen-key", batch.toString());
    Files.delete(batch);
    Map<String, String> fprs = fingerprints(dir);
    String primary = fprs.keySet().iterator().next();
    String signing = null;
    if (signingSubkey) {
      gpg(dir, "--pinentry-mode", "loopback", "--passphrase", passphrase, "--quick-add-key", primary, signingAlgo,
          "sign", "never");
      fprs = fingerprints(dir);
      signing = fprs.entrySet().stream().filter(e -> e.getValue().equals("s")).map(Map.Entry::getKey)
          .findFirst().orElseThrow();
    }
    String encryption = fprs.entrySet().stream().filter(e -> e.getValue().equals("e")).map(Map.Entry::getKey)
        .findFirst().orElseThrow();
    return new Home(dir, primary, encryption, signing, passphrase);
  }

  /** Imports {@code from}'s public key into {@code into} and signs it locally with {@code into}'s key. */
  public void trust(Home into, Home from) throws IOException, InterruptedException {
    Path pub = into.dir().resolve("import-" + from.keyId() + ".asc");
    Files.writeString(pub, gpg(from.dir(), "--armor", "--export", from.fingerprint()));
    gpg(into.dir(), "--import", pub.toString());
    gpg(into.dir(), "--pinentry-mode", "loopback", "--passphrase", into.passphrase(), "--quick-lsign-key",
        from.fingerprint());
  }

  /** Runs gpg on {@code home} in batch mode; its standard output; fails with its messages when it fails. */
  public String gpg(Path home, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(gpg.toString(), "--homedir", home.toString(), "--batch", "--yes"));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile("gpg", ".out");
    Path err = Files.createTempFile("gpg", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("gpg timed out: " + cmd);
      }
      if (p.exitValue() != 0) {
        throw new IOException("gpg failed (" + p.exitValue() + "): " + cmd + "\n" + Files.readString(err));
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /**
   * A copy of a GnuPG home's files (keys, keyring, trust database) without the agent's sockets, so that an agent
   * started for the copy would show as a new {@code S.*} socket in it.
   */
  public static Path copyWithoutSockets(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
    try (var files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path t = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(t);
        } else if (Files.isRegularFile(f)) {
          Files.copy(f, t, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return to;
  }

  /** The names of the agent sockets ({@code S.*}) in a home. */
  public static List<String> sockets(Path home) throws IOException {
    try (var left = Files.list(home)) {
      return left.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("S.")).toList();
    }
  }

  /** Fingerprint to usage ({@code scSC}, {@code e}, {@code s}) of every key in the home, primary first. */
  private Map<String, String> fingerprints(Path home) throws IOException, InterruptedException {
    Map<String, String> out = new LinkedHashMap<>();
    String usage = null;
    for (String line : gpg(home, "--with-colons", "--list-secret-keys").split("\n")) {
      String[] f = line.split(":", -1);
      if ((f[0].equals("sec") || f[0].equals("ssb")) && f.length > 11) {
        usage = f[11];
      } else if (f[0].equals("fpr") && usage != null) {
        out.put(f[9], usage);
        usage = null;
      }
    }
    return out;
  }

  /** Stops the gpg agents of every home made. */
  @Override
  public void close() throws IOException, InterruptedException {
    for (Path h : homes) {
      Process p = new ProcessBuilder(gpg.resolveSibling("gpgconf").toString(), "--homedir", h.toString(), "--kill",
          "all").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
