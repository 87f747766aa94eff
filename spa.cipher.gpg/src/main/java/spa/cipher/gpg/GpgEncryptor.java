package spa.cipher.gpg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.spi.Encryptor;

/**
 * The client side of fwknop's GnuPG mode, on Bouncy Castle: rc-file {@code USE_GPG}, {@code GPG_RECIPIENT},
 * {@code GPG_SIGNER}, {@code GPG_HOMEDIR} (default {@code ~/.gnupg}), {@code GPG_SIGNING_PW},
 * {@code GPG_SIGNING_PW_BASE64} or {@code GPG_NO_SIGNING_PW}, and the HMAC settings. There is no agent:
 * {@code USE_GPG_AGENT} is refused; {@code GPG_EXE} is not used.
 */
public final class GpgEncryptor implements Encryptor {
  static final String RECIPIENT = "GPG_RECIPIENT";
  static final String SIGNER = "GPG_SIGNER";
  static final String HOMEDIR = "GPG_HOMEDIR";
  static final String SIGNING_PW = "GPG_SIGNING_PW";
  static final String SIGNING_PW_BASE64 = "GPG_SIGNING_PW_BASE64";
  static final String NO_SIGNING_PW = "GPG_NO_SIGNING_PW";
  static final String USE_AGENT = "USE_GPG_AGENT";

  @Override
  public String name() {
    return "gpg";
  }

  @Override
  public boolean configuredBy(Settings settings) {
    return settings.flag("USE_GPG", false);
  }

  @Override
  public Keyed forKeys(Settings s) throws ConfigException {
    if (s.flag(USE_AGENT, false)) {
      throw s.invalid(USE_AGENT, "spa does not use gpg-agent: give the signing passphrase (GPG_SIGNING_PW or a "
          + "prompt) or GPG_NO_SIGNING_PW");
    }
    Path home = s.path(HOMEDIR).orElse(Path.of(System.getProperty("user.home"), ".gnupg"));
    String homeKey = s.has(HOMEDIR) ? HOMEDIR : RECIPIENT;
    Keyring keyring = Keyring.ofHome(s, homeKey, home);
    String rid = s.get(RECIPIENT).orElseThrow(() -> s.invalid(RECIPIENT, "not set: name the server's key"));
    PGPPublicKey recipient = encryptionKey(s, keyring, rid);
    Signer signer = null;
    if (s.has(SIGNER)) {
      signer = signer(s, keyring, home, s.get(SIGNER).orElseThrow());
    }
    return new GpgSealer(recipient, signer, GpgHmac.from(s, null), new SecureRandom());
  }

  /** The signing key and its unlocked secret. */
  record Signer(PGPPublicKey publicKey, PGPPrivateKey privateKey) {}

  private static PGPPublicKey encryptionKey(Settings s, Keyring keyring, String id) throws ConfigException {
    PGPPublicKeyRing ring = ring(s, keyring, RECIPIENT, id);
    PGPPublicKey named = Keyring.namedSubkey(ring, id);
    if (named != null) {
      return named;
    }
    PGPPublicKey best = null;
    for (PGPPublicKey k : ring) {
      if (Keyring.canEncrypt(k) && (best == null || !k.getCreationTime().before(best.getCreationTime()))) {
        best = k;
      }
    }
    if (best == null) {
      throw s.invalid(RECIPIENT, "key '" + id + "' has no encryption key");
    }
    return best;
  }

  private static Signer signer(Settings s, Keyring keyring, Path home, String id) throws ConfigException {
    PGPPublicKeyRing ring = ring(s, keyring, SIGNER, id);
    char[] pw = passphrase(s);
    // the key gpg would sign with, and no other: a fallback would sign with a key the server may not allow
    PGPPublicKey k = signingCandidates(ring, Keyring.namedSubkey(ring, id)).get(0);
    try {
      return new Signer(k, SecretKeys.unlock(home, k, pw));
    } catch (SecretKeys.Unavailable e) {
      throw s.invalid(pw.length == 0 ? SIGNER : s.has(SIGNING_PW) ? SIGNING_PW : SIGNING_PW_BASE64, e.getMessage());
    }
  }

  /** The named subkey, else the newest signing subkey, then the primary key (what gpg would choose). */
  private static java.util.List<PGPPublicKey> signingCandidates(PGPPublicKeyRing ring, PGPPublicKey named) {
    if (named != null) {
      return java.util.List.of(named);
    }
    java.util.List<PGPPublicKey> subs = new java.util.ArrayList<>();
    for (PGPPublicKey k : ring) {
      if (!k.isMasterKey() && Keyring.canSign(k) && !k.hasRevocation()) {
        subs.add(k);
      }
    }
    subs.sort((a, b) -> b.getCreationTime().compareTo(a.getCreationTime()));
    subs.add(ring.getPublicKey());
    return subs;
  }

  private static PGPPublicKeyRing ring(Settings s, Keyring keyring, String key, String id) throws ConfigException {
    try {
      return keyring.find(id).orElseThrow(() -> s.invalid(key, "no key '" + id + "' in " + keyring.source()));
    } catch (IOException e) {
      throw s.invalid(key, e.getMessage());
    }
  }

  private static char[] passphrase(Settings s) throws ConfigException {
    if (s.has(SIGNING_PW)) {
      return s.get(SIGNING_PW).orElseThrow().toCharArray();
    }
    if (s.has(SIGNING_PW_BASE64)) {
      try {
        return new String(Base64.getDecoder().decode(s.get(SIGNING_PW_BASE64).orElseThrow().strip()),
            StandardCharsets.UTF_8).toCharArray();
      } catch (IllegalArgumentException e) {
        throw s.invalid(SIGNING_PW_BASE64, "is not valid base64");
      }
    }
    return new char[0];
  }
}
