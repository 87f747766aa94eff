package spa.cipher.gpg;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.gpg.keybox.KeyBlob;
import org.bouncycastle.gpg.keybox.KeyBox;
import org.bouncycastle.gpg.keybox.PublicKeyRingBlob;
import org.bouncycastle.gpg.keybox.bc.BcBlobVerifier;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPUtil;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * The public keys of a GnuPG home ({@code pubring.kbx}, else {@code pubring.gpg}) or of one exported key file
 * (armoured or binary, public or secret), and the lookup of a key by the ids fwknop's users write: an 8- or
 * 16-digit key id, a fingerprint (optionally {@code 0x}-prefixed, spaces allowed), or text of a user id.
 */
final class Keyring {
  static final BcKeyFingerprintCalculator FINGERPRINTS = new BcKeyFingerprintCalculator();

  private final Path source;
  private final List<PGPPublicKeyRing> rings;

  private Keyring(Path source, List<PGPPublicKeyRing> rings) {
    this.source = source;
    this.rings = List.copyOf(rings);
  }


  /**
   * The public keys of the GnuPG home {@code home}, for a setting: a missing or unreadable home is a
   * configuration error naming {@code key} of {@code s}.
   */
  static Keyring ofHome(spa.core.Settings s, String key, Path home) throws spa.core.ConfigException {
    if (!Files.exists(home)) {
      throw s.invalid(key, "GnuPG home " + home + " does not exist");
    }
    try {
      return read(home);
    } catch (IOException e) {
      throw s.invalid(key, "cannot read the public keys of " + home + ": " + e.getMessage());
    }
  }
  /** Reads the public keys of {@code source}, a GnuPG home directory or a key file. */
  static Keyring read(Path source) throws IOException {
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    if (Files.isDirectory(source)) {
      Path kbx = source.resolve("pubring.kbx");
      Path gpg = source.resolve("pubring.gpg");
      if (Files.isRegularFile(kbx)) {
        readKeybox(Files.readAllBytes(kbx), rings);
      }
      if (Files.isRegularFile(gpg)) {
        readPackets(Files.readAllBytes(gpg), rings);
      }
      if (!Files.isRegularFile(kbx) && !Files.isRegularFile(gpg)) {
        throw new IOException("no pubring.kbx or pubring.gpg in " + source);
      }
    } else {
      readPackets(Files.readAllBytes(source), rings);
    }
    return new Keyring(source, rings);
  }

  Path source() {
    return source;
  }

  List<PGPPublicKeyRing> rings() {
    return rings;
  }

  private static void readKeybox(byte[] data, List<PGPPublicKeyRing> out) throws IOException {
    KeyBox box = new KeyBox(data, FINGERPRINTS, new BcBlobVerifier());
    for (KeyBlob blob : box.getKeyBlobs()) {
      if (blob instanceof PublicKeyRingBlob p) {
        out.add(p.getPGPPublicKeyRing());
      }
    }
  }

  /** Public and secret key rings of a packet stream; a secret ring contributes its public keys. */
  private static void readPackets(byte[] data, List<PGPPublicKeyRing> out) throws IOException {
    try (InputStream in = PGPUtil.getDecoderStream(new ByteArrayInputStream(data))) {
      PGPObjectFactory f = new PGPObjectFactory(in, FINGERPRINTS);
      Object o;
      while ((o = f.nextObject()) != null) {
        if (o instanceof PGPPublicKeyRing r) {
          out.add(r);
        } else if (o instanceof PGPSecretKeyRing s) {
          List<PGPPublicKey> keys = new ArrayList<>();
          s.getPublicKeys().forEachRemaining(keys::add);
          out.add(new PGPPublicKeyRing(keys));
        }
      }
    } catch (RuntimeException e) {
      throw new IOException("not OpenPGP key data: " + e.getMessage(), e);
    }
  }

  /** The ring that {@code id} names; absent when none does. Fails when several rings match a user-id text. */
  Optional<PGPPublicKeyRing> find(String id) throws IOException {
    String hex = hexId(id);
    List<PGPPublicKeyRing> found = new ArrayList<>();
    for (PGPPublicKeyRing r : rings) {
      boolean match = false;
      for (PGPPublicKey k : r) {
        if (hex != null ? idMatches(k, hex) : userIdMatches(k, id)) {
          match = true;
        }
      }
      if (match) {
        found.add(r);
      }
    }
    if (found.size() > 1 && hex == null) {
      throw new IOException("'" + id + "' matches " + found.size() + " keys in " + source + "; give a key id");
    }
    return found.stream().findFirst();
  }

  /** The key of a ring that {@code id} names: the subkey when a subkey id or fingerprint is given, else null. */
  static PGPPublicKey namedSubkey(PGPPublicKeyRing r, String id) {
    String hex = hexId(id);
    if (hex == null) {
      return null;
    }
    for (PGPPublicKey k : r) {
      if (!k.isMasterKey() && idMatches(k, hex)) {
        return k;
      }
    }
    return null;
  }

  /** Upper-case hex of an id written as hex (8, 16 or 40 digits, {@code 0x} and spaces allowed), else null. */
  static String hexId(String id) {
    String s = id.strip().replace(" ", "").toUpperCase(Locale.ROOT);
    if (s.startsWith("0X")) {
      s = s.substring(2);
    }
    if (s.endsWith("!")) {
      s = s.substring(0, s.length() - 1);
    }
    boolean hex = !s.isEmpty() && s.chars().allMatch(c -> Character.digit(c, 16) >= 0);
    return hex && (s.length() == 8 || s.length() == 16 || s.length() == 40 || s.length() == 64) ? s : null;
  }

  /** Whether the key's fingerprint ends with {@code hex} (a short or long key id, or the whole fingerprint). */
  static boolean idMatches(PGPPublicKey k, String hex) {
    return fingerprint(k).endsWith(hex);
  }

  /** Whether a self-signature of the key gives it the sign-data flag. */
  static boolean canSign(PGPPublicKey k) {
    return (flags(k) & KeyFlags.SIGN_DATA) != 0;
  }

  /**
   * Whether the key is one gpg encrypts to: an encryption algorithm and, when its self-signatures carry key
   * flags, an encryption flag (an RSA primary key for signing only is not one, although RSA could encrypt).
   */
  static boolean canEncrypt(PGPPublicKey k) {
    if (!k.isEncryptionKey() || k.hasRevocation()) {
      return false;
    }
    int f = flags(k);
    return f < 0 || (f & (KeyFlags.ENCRYPT_COMMS | KeyFlags.ENCRYPT_STORAGE)) != 0;
  }

  /** The key flags of the key's self-signatures together, or -1 when none carries any. */
  private static int flags(PGPPublicKey k) {
    int f = -1;
    var sigs = k.getSignatures();
    while (sigs.hasNext()) {
      PGPSignature sig = sigs.next();
      var hashed = sig.getHashedSubPackets();
      if (hashed != null && hashed.hasSubpacket(org.bouncycastle.bcpg.SignatureSubpacketTags.KEY_FLAGS)) {
        f = Math.max(f, 0) | hashed.getKeyFlags();
      }
    }
    return f;
  }

  static String fingerprint(PGPPublicKey k) {
    return HexFormat.of().withUpperCase().formatHex(k.getFingerprint());
  }

  private static boolean userIdMatches(PGPPublicKey k, String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.startsWith("<") && t.endsWith(">")) {
      t = t.substring(1, t.length() - 1);
    }
    var ids = k.getUserIDs();
    while (ids.hasNext()) {
      if (ids.next().toLowerCase(Locale.ROOT).contains(t)) {
        return true;
      }
    }
    return false;
  }
}
