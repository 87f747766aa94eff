package spa.cipher.gpg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import spa.core.ConfigException;
import spa.core.Settings;

/**
 * One access stanza's GnuPG settings, read and checked at start-up: the server's decryption keys unlocked
 * ({@code GPG_HOME_DIR}, {@code GPG_DECRYPT_ID}, {@code GPG_DECRYPT_PW} or {@code GPG_ALLOW_NO_PW}), the public
 * keys signatures are checked with, and the signature rules ({@code GPG_REQUIRE_SIG}, {@code GPG_DISABLE_SIG},
 * {@code GPG_IGNORE_SIG_VERIFY_ERROR}, {@code GPG_REMOTE_ID}, {@code GPG_FINGERPRINT_ID}). {@code GPG_EXE} is
 * accepted and not used: no gpg program is run.
 *
 * @param decryption the unlocked private keys by key id
 * @param keyring the public keys of the home, for signatures
 * @param verify whether signatures are checked (not {@code GPG_DISABLE_SIG}): then, as in fwknopd 2.6.10 whatever
 *     {@code GPG_REQUIRE_SIG} says, an unsigned packet is refused and the signer must be an allowed one
 * @param ignoreVerifyError whether a signature that does not verify is let pass
 * @param remoteIds allowed signers, upper-case 8-digit hex key ids (the signer's short id, as fwknopd compares)
 * @param fingerprints allowed signers, upper-case hex fingerprints
 * @param hmac the HMAC, or null
 */
record StanzaKeys(Map<Long, PGPPrivateKey> decryption, Keyring keyring, boolean verify, boolean ignoreVerifyError, List<String> remoteIds, List<String> fingerprints, GpgHmac hmac) {

  static final String HOME = "GPG_HOME_DIR";
  static final String DECRYPT_ID = "GPG_DECRYPT_ID";
  static final String DECRYPT_PW = "GPG_DECRYPT_PW";
  static final String ALLOW_NO_PW = "GPG_ALLOW_NO_PW";
  static final String REQUIRE_SIG = "GPG_REQUIRE_SIG";
  static final String DISABLE_SIG = "GPG_DISABLE_SIG";
  static final String IGNORE_VERIFY = "GPG_IGNORE_SIG_VERIFY_ERROR";
  static final String REMOTE_ID = "GPG_REMOTE_ID";
  static final String FINGERPRINT_ID = "GPG_FINGERPRINT_ID";
  static final String DEFAULT_HOME = "/root/.gnupg";

  /** GnuPG is enabled for a stanza by {@code GPG_DECRYPT_PW} or {@code GPG_ALLOW_NO_PW Y}, as in fwknopd. */
  static boolean enabled(Settings s) {
    return s.has(DECRYPT_PW) || s.flag(ALLOW_NO_PW, false);
  }

  static StanzaKeys from(Settings s) throws ConfigException {
    String pw = s.get(DECRYPT_PW).orElse("");
    if (pw.isEmpty() && !s.flag(ALLOW_NO_PW, false)) {
      throw s.invalid(DECRYPT_PW, "is empty; set the passphrase, or GPG_ALLOW_NO_PW Y for a key without one");
    }
    Path home = s.path(HOME).orElse(Path.of(DEFAULT_HOME));
    String homeKey = s.has(HOME) ? HOME : DECRYPT_ID;
    Keyring keyring = Keyring.ofHome(s, homeKey, home);
    String id = s.get(DECRYPT_ID).orElseThrow(() -> s.invalid(DECRYPT_ID, "not set: name the server's key"));
    PGPPublicKeyRing ring;
    try {
      ring = keyring.find(id).orElseThrow(() -> s.invalid(DECRYPT_ID, "no key '" + id + "' in " + home));
    } catch (IOException e) {
      throw s.invalid(DECRYPT_ID, e.getMessage());
    }
    Map<Long, PGPPrivateKey> keys = unlock(s, home, ring, id, pw.toCharArray());
    boolean verify = !s.flag(DISABLE_SIG, false);
    List<String> remote = ids(s, REMOTE_ID, false);
    List<String> fprs = ids(s, FINGERPRINT_ID, true);
    // as fwknopd 2.6.10 (measured): GPG_REQUIRE_SIG N does not lift this, only GPG_DISABLE_SIG Y does
    if (verify && remote.isEmpty() && fprs.isEmpty()) {
      throw s.invalid(REMOTE_ID, "signatures are checked but neither GPG_REMOTE_ID nor GPG_FINGERPRINT_ID names "
          + "an allowed signer (or set GPG_DISABLE_SIG Y to accept packets without checking signatures)");
    }
    return new StanzaKeys(keys, keyring, verify, s.flag(IGNORE_VERIFY, false), remote, fprs,
        GpgHmac.from(s, pw.isEmpty() ? null : pw));
  }

  /** The encryption keys of the ring (or the one subkey the id names) whose secret unlocks. */
  private static Map<Long, PGPPrivateKey> unlock(Settings s, Path home, PGPPublicKeyRing ring, String id, char[] pw)
      throws ConfigException {
    PGPPublicKey named = Keyring.namedSubkey(ring, id);
    List<PGPPublicKey> candidates = new ArrayList<>();
    if (named != null) {
      candidates.add(named);
    } else {
      ring.getPublicKeys().forEachRemaining(k -> {
        if (Keyring.canEncrypt(k)) {
          candidates.add(k);
        }
      });
    }
    if (candidates.isEmpty()) {
      throw s.invalid(DECRYPT_ID, "key '" + id + "' in " + home + " has no encryption key");
    }
    Map<Long, PGPPrivateKey> out = new LinkedHashMap<>();
    for (PGPPublicKey k : candidates) {
      try {
        out.put(k.getKeyID(), SecretKeys.unlock(home, k, pw));
      } catch (SecretKeys.Unavailable e) {
        // every encryption key must unlock: a client may encrypt to any of them
        throw s.invalid(pw.length == 0 ? DECRYPT_ID : DECRYPT_PW, "key '" + id + "': " + e.getMessage());
      }
    }
    return Map.copyOf(out);
  }

  /**
   * A comma list of hex ids: short key ids (8 digits) or, with {@code fingerprints}, whole fingerprints only.
   * fwknopd 2.6.10 compares GPG_REMOTE_ID with the signer's 8-digit id as text (measured): a longer id there
   * never matches, so it is refused here rather than left to refuse every packet.
   */
  private static List<String> ids(Settings s, String key, boolean fingerprints) throws ConfigException {
    List<String> out = new ArrayList<>();
    for (String part : s.get(key).orElse("").split(",")) {
      if (part.isBlank()) {
        continue;
      }
      String hex = Keyring.hexId(part);
      if (hex == null || fingerprints && hex.length() < 40) {
        throw s.invalid(key, "'" + part.strip() + "' is not a " + (fingerprints ? "fingerprint (40 hex digits)"
            : "short key id (8 hex digits)"));
      }
      if (!fingerprints && hex.length() != 8) {
        throw s.invalid(key, "'" + part.strip() + "' would never match: fwknopd compares GPG_REMOTE_ID with the "
            + "signer's short key id (its last 8 hex digits, here " + hex.substring(hex.length() - 8)
            + "); give that, or the fingerprint in GPG_FINGERPRINT_ID");
      }
      out.add(hex);
    }
    return List.copyOf(out);
  }

  /**
   * Whether the signer (the key that made the signature, a subkey when one signs: its fingerprint, or its 16-digit
   * key id when neither the home nor the signature has the fingerprint) is an allowed one.
   */
  boolean allowedSigner(String signer) {
    boolean fprOk = fingerprints.isEmpty() || fingerprints.contains(signer);
    String shortId = signer.substring(signer.length() - 8);
    boolean idOk = remoteIds.isEmpty() || remoteIds.contains(shortId);
    return fprOk && idOk;
  }
}
