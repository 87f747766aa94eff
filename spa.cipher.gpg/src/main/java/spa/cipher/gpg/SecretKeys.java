package spa.cipher.gpg;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.bouncycastle.gpg.KeyGripCalculator;
import org.bouncycastle.gpg.SExprParser;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.PGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPBESecretKeyDecryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.jcajce.JcePBEProtectionRemoverFactory;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Unlocks the secret half of one public key: from a GnuPG 2.1+ home's {@code private-keys-v1.d/<keygrip>.key}
 * (protected or not), else from {@code secring.gpg}, or from an exported secret key file.
 */
final class SecretKeys {
  private static final PGPDigestCalculatorProvider DIGESTS = new BcPGPDigestCalculatorProvider();
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  private SecretKeys() {}

  /** Why a secret key could not be had, in one line. */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * The private key of {@code pub}, read from {@code source} (a GnuPG home or a key file) and unlocked with
   * {@code passphrase} (empty: none).
   */
  static PGPPrivateKey unlock(Path source, PGPPublicKey pub, char[] passphrase) throws Unavailable {
    String id = Long.toHexString(pub.getKeyID()).toUpperCase();
    try {
      if (Files.isDirectory(source)) {
        Path grip = source.resolve("private-keys-v1.d").resolve(keygrip(pub) + ".key");
        if (Files.isRegularFile(grip)) {
          return fromAgentFile(grip, pub, passphrase);
        }
        Path secring = source.resolve("secring.gpg");
        if (Files.isRegularFile(secring)) {
          PGPPrivateKey k = fromPackets(Files.readAllBytes(secring), pub, passphrase);
          if (k != null) {
            return k;
          }
        }
        throw new Unavailable("no secret key for " + id + " in " + source + " (neither " + grip.getFileName()
            + " in private-keys-v1.d nor secring.gpg)");
      }
      PGPPrivateKey k = fromPackets(Files.readAllBytes(source), pub, passphrase);
      if (k == null) {
        throw new Unavailable("no secret key for " + id + " in " + source);
      }
      return k;
    } catch (IOException e) {
      throw new Unavailable("cannot read the secret key for " + id + " from " + source + ": " + e.getMessage());
    }
  }

  /** The name GnuPG gives the key's file in private-keys-v1.d. */
  static String keygrip(PGPPublicKey pub) throws IOException {
    byte[] grip;
    try {
      grip = new KeyGripCalculator(DIGESTS.get(HashAlgorithmTags.SHA1))
          .calculateKeygrip(pub.getPublicKeyPacket().getKey());
    } catch (PGPException e) {
      throw new IOException(e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      grip = Curve25519Grips.keygrip(pub.getPublicKeyPacket().getKey()); // not done by Bouncy Castle 1.87
    }
    return HexFormat.of().withUpperCase().formatHex(grip);
  }

  private static PGPPrivateKey fromAgentFile(Path file, PGPPublicKey pub, char[] passphrase)
      throws IOException, Unavailable {
    JcePBEProtectionRemoverFactory remover = new JcePBEProtectionRemoverFactory(passphrase, DIGESTS).setProvider(BC);
    byte[] text = protectionAsHex(Files.readAllBytes(file));
    if (Curve25519Secrets.handles(pub)) {
      try {
        return Curve25519Secrets.read(text, pub, remover);
      } catch (PGPException | RuntimeException e) {
        throw unavailable(file, passphrase, e);
      }
    }
    try (InputStream in = new ByteArrayInputStream(text)) {
      return new SExprParser(DIGESTS).parseSecretKey(in, remover, pub).extractPrivateKey(null);
    } catch (PGPException | RuntimeException e) {
      // Bouncy Castle 1.87 compares an Ed25519 key's public point in another form than the key packet's and
      // refuses the pair: read the file on its own, then bind its secret to the key packet the keyring has
      if (String.valueOf(e.getMessage()).contains("does not match")) {
        try (InputStream in = new ByteArrayInputStream(text)) {
          PGPSecretKey sk = new SExprParser(DIGESTS).parseSecretKey(in, remover, Keyring.FINGERPRINTS);
          PGPPrivateKey k = sk.extractPrivateKey(null);
          return new PGPPrivateKey(pub.getKeyID(), pub.getPublicKeyPacket(), k.getPrivateKeyDataPacket());
        } catch (PGPException | RuntimeException again) {
          throw unavailable(file, passphrase, again);
        }
      }
      throw unavailable(file, passphrase, e);
    }
  }

  private static Unavailable unavailable(Path file, char[] passphrase, Exception e) {
    return new Unavailable("cannot unlock " + file + ": " + (passphrase.length == 0
        ? "no passphrase given (the key may be protected) or damaged key" : "wrong passphrase or damaged key")
        + " (" + e.getMessage() + ")");
  }


  /**
   * The key file with the protection's S2K salt and IV written as {@code #hex#}: in
   * {@code (protected MODE ((sha1 SALT COUNT) IV) DATA)} gpg writes octets that happen to be printable as a quoted
   * string, or as a bare token when they are letters and digits, which Bouncy Castle 1.87 cannot read (it expects
   * octets there). Anything else is left as it is.
   */
  static byte[] protectionAsHex(byte[] file) {
    int at = indexOf(file, "(sha1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    if (at < 0) {
      return file;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(file.length + 64);
    int salt = skipSpace(file, at + 5);
    out.write(file, 0, salt);
    int i = octetsAsHex(file, salt, out);
    if (i == salt) { // already octets: written as it is
      int e = atomEnd(file, salt);
      if (e < 0) {
        out.write(file, salt, file.length - salt);
        return out.toByteArray();
      }
      out.write(file, salt, e - salt);
      i = e;
    }
    int count = skipSpace(file, i);
    int end = atomEnd(file, count);
    int close = skipSpace(file, end);
    if (end < 0 || close >= file.length || file[close] != ')') {
      out.write(file, i, file.length - i);
      return out.toByteArray();
    }
    int iv = skipSpace(file, close + 1);
    out.write(file, i, iv - i);
    i = octetsAsHex(file, iv, out);
    out.write(file, i, file.length - i);
    return out.toByteArray();
  }

  /**
   * Writes the atom at {@code i} to {@code out}, as {@code #hex#} when it is a quoted string or a token; returns
   * the index after it (or {@code i}, having written nothing, when it is neither).
   */
  private static int octetsAsHex(byte[] file, int i, java.io.ByteArrayOutputStream out) {
    java.io.ByteArrayOutputStream octets = new java.io.ByteArrayOutputStream();
    int next;
    if (i < file.length && file[i] == '"') {
      int q = unquote(file, i + 1, octets);
      if (q >= file.length) {
        return i;
      }
      next = q + 1;
    } else if (i < file.length && isTokenStart(file[i])) {
      next = i;
      while (next < file.length && isTokenChar(file[next])) {
        octets.write(file[next++]);
      }
    } else {
      return i;
    }
    out.writeBytes(("#" + HexFormat.of().withUpperCase().formatHex(octets.toByteArray()) + "#")
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return next;
  }

  /** The index after the atom at {@code i} (a quoted string, a token, or {@code #hex#}); -1 when there is none. */
  private static int atomEnd(byte[] file, int i) {
    if (i >= file.length) {
      return -1;
    }
    if (file[i] == '"') {
      int q = unquote(file, i + 1, new java.io.ByteArrayOutputStream());
      return q >= file.length ? -1 : q + 1;
    }
    if (file[i] == '#') {
      int h = i + 1;
      while (h < file.length && file[h] != '#') {
        h++;
      }
      return h >= file.length ? -1 : h + 1;
    }
    int t = i;
    while (t < file.length && isTokenChar(file[t])) { // a token, or a number
      t++;
    }
    return t == i ? -1 : t;
  }

  private static int skipSpace(byte[] file, int i) {
    while (i < file.length && (file[i] == ' ' || file[i] == '\n' || file[i] == '\r' || file[i] == '\t')) {
      i++;
    }
    return i;
  }

  /** A token of an advanced S-expression starts with a letter or one of {@code -./_:*+=}, never a digit. */
  private static boolean isTokenStart(byte b) {
    return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || "-./_:*+=".indexOf(b) >= 0;
  }

  private static boolean isTokenChar(byte b) {
    return isTokenStart(b) || b >= '0' && b <= '9';
  }

  /**
   * The octets of a quoted S-expression string whose text starts at {@code from} (after the opening quote), with
   * gpg's escapes undone, written to {@code out}; the index of the closing quote (the array's length if none).
   */
  static int unquote(byte[] file, int from, java.io.ByteArrayOutputStream salt) {
    int j = from;
    for (; j < file.length && file[j] != '"'; j++) {
      if (file[j] == '\\' && j + 1 < file.length) {
        j++;
        switch (file[j]) {
          case 'n' -> salt.write('\n');
          case 'r' -> salt.write('\r');
          case 't' -> salt.write('\t');
          case 'b' -> salt.write('\b');
          case 'f' -> salt.write('\f');
          case 'v' -> salt.write(0x0b);
          case 'x' -> {
            salt.write(Integer.parseInt(new String(file, j + 1, 2, java.nio.charset.StandardCharsets.US_ASCII), 16));
            j += 2;
          }
          default -> {
            if (file[j] >= '0' && file[j] <= '7') {
              salt.write(Integer.parseInt(new String(file, j, 3, java.nio.charset.StandardCharsets.US_ASCII), 8));
              j += 2;
            } else {
              salt.write(file[j]);
            }
          }
        }
      } else {
        salt.write(file[j]);
      }
    }
    return j;
  }

  private static int indexOf(byte[] a, byte[] b) {
    outer:
    for (int i = 0; i + b.length <= a.length; i++) {
      for (int k = 0; k < b.length; k++) {
        if (a[i + k] != b[k]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static PGPPrivateKey fromPackets(byte[] data, PGPPublicKey pub, char[] passphrase)
      throws IOException, Unavailable {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(data))) {
      PGPObjectFactory f = new PGPObjectFactory(in, Keyring.FINGERPRINTS);
      Object o;
      while ((o = f.nextObject()) != null) {
        if (o instanceof PGPSecretKeyRing r && r.getSecretKey(pub.getKeyID()) != null) {
          PGPSecretKey sk = r.getSecretKey(pub.getKeyID());
          try {
            return sk.extractPrivateKey(new BcPBESecretKeyDecryptorBuilder(DIGESTS).build(passphrase));
          } catch (PGPException e) {
            throw new Unavailable("cannot unlock the secret key " + Long.toHexString(pub.getKeyID()).toUpperCase()
                + ": " + (passphrase.length == 0 ? "it is protected by a passphrase" : "wrong passphrase"));
          }
        }
      }
      return null;
    } catch (RuntimeException e) {
      throw new IOException("not OpenPGP key data: " + e.getMessage(), e);
    }
  }
}
