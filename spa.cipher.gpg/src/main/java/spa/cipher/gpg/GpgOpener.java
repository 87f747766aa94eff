package spa.cipher.gpg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.bouncycastle.openpgp.PGPCompressedData;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPEncryptedDataList;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPOnePassSignature;
import org.bouncycastle.openpgp.PGPOnePassSignatureList;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyEncryptedData;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyDataDecryptorFactory;
import spa.core.SpaException;
import spa.core.spi.Decryptor;

/**
 * Opens fwknop GnuPG packets for one stanza, cheapest check first: the HMAC when one is configured, then the
 * session-key packet's recipient id against the stanza's keys and the message's shape (a packet for another key,
 * or with anything after its encrypted data, never reaches a key operation), then decryption with integrity
 * check, then the first signature. Thread-safe (keeps no state per packet).
 */
final class GpgOpener implements Decryptor.Keyed {
  static final String DECRYPT = "gpg-decrypt";
  static final String NO_SIG = "gpg-no-sig";
  static final String BAD_SIG = "gpg-bad-sig";
  static final String SIGNER = "gpg-signer";
  /** Longest literal body read: an SPA plaintext fits a 1500-octet packet. */
  private static final int MAX_PLAINTEXT = 4096;

  private final StanzaKeys keys;
  /** The prefixes the wire text may have lost, {@code hQ} first. */
  private final java.util.List<byte[]> prefixes;

  GpgOpener(StanzaKeys keys) {
    this.keys = keys;
    this.prefixes = GpgWire.prefixes(keys.decryption().values());
  }

  @Override
  public String decrypt(String wire) throws SpaException {
    byte[] b = wire.getBytes(StandardCharsets.ISO_8859_1);
    Decryptor.Opened o = open(b, 0, b.length);
    if (o == null) {
      throw SpaException.auth("the packet is not for this stanza's GnuPG key");
    }
    return o.plaintext();
  }

  @Override
  public String decrypt(byte[] wire, int off, int len) throws SpaException {
    Decryptor.Opened o = open(wire, off, len);
    return o == null ? null : o.plaintext();
  }

  @Override
  public Decryptor.Opened open(byte[] wire, int off, int len) throws SpaException {
    GpgHmac hmac = keys.hmac();
    int body = len;
    if (hmac != null) {
      body = len - hmac.b64Length();
      if (body <= 0) {
        return null;
      }
    }
    for (byte[] prefix : prefixes) {
      byte[] m = message(hmac, prefix, wire, off, body);
      if (m != null) {
        long recipient = GpgWire.recipient(m);
        try {
          return openFor(m, recipient, keys.decryption().get(recipient));
        } catch (IOException | PGPException | RuntimeException e) {
          throw SpaException.refused(DECRYPT, "GnuPG decryption failed: " + e.getMessage());
        }
      }
    }
    return null;
  }

  /**
   * The binary message when the wire text with {@code prefix} is one for this stanza: its HMAC verifies (when
   * set), its session-key packet names one of the stanza's keys, and it has the shape of gpg's output; else null.
   */
  private byte[] message(GpgHmac hmac, byte[] prefix, byte[] wire, int off, int body) {
    byte[] text = null;
    if (hmac != null) {
      text = GpgWire.prefixed(prefix, wire, off, body);
      if (!hmac.verify(text, wire, off + body)) {
        return null;
      }
    }
    Long recipient = GpgWire.recipient(prefix, wire, off, body);
    if (recipient == null || !keys.decryption().containsKey(recipient)) {
      return null;
    }
    byte[] m = GpgWire.binary(text != null ? text : GpgWire.prefixed(prefix, wire, off, body));
    return m != null && GpgWire.wellFormed(m) ? m : null;
  }

  private Decryptor.Opened openFor(byte[] m, long recipient, PGPPrivateKey key)
      throws IOException, PGPException, SpaException {
    PGPObjectFactory outer = new PGPObjectFactory(m, Keyring.FINGERPRINTS);
    if (!(outer.nextObject() instanceof PGPEncryptedDataList list)) {
      throw SpaException.refused(DECRYPT, "no encrypted data");
    }
    PGPPublicKeyEncryptedData data = null;
    for (PGPEncryptedData d : list) {
      if (d instanceof PGPPublicKeyEncryptedData pk && pk.getKeyID() == recipient) {
        data = pk;
        break;
      }
    }
    if (data == null) {
      throw SpaException.refused(DECRYPT, "no session key for this stanza's key");
    }
    if (!data.isIntegrityProtected()) {
      throw SpaException.refused(DECRYPT, "the message has no integrity protection");
    }
    byte[] literal = null;
    PGPOnePassSignature onePass = null;
    PGPSignature signature = null;
    try (InputStream clear = data.getDataStream(new BcPublicKeyDataDecryptorFactory(key))) {
      PGPObjectFactory f = new PGPObjectFactory(clear, Keyring.FINGERPRINTS);
      Object o;
      while ((o = f.nextObject()) != null) {
        if (o instanceof PGPCompressedData c) {
          f = new PGPObjectFactory(c.getDataStream(), Keyring.FINGERPRINTS);
        } else if (o instanceof PGPOnePassSignatureList l && onePass == null && literal == null && !l.isEmpty()) {
          onePass = l.get(0);
        } else if (o instanceof PGPSignatureList l && signature == null && !l.isEmpty()) {
          signature = l.get(0); // only the first signature counts, as in fwknopd
        } else if (o instanceof PGPLiteralData d && literal == null) {
          literal = readAll(d.getDataStream());
        }
      }
      if (literal == null) {
        throw SpaException.refused(DECRYPT, "no literal data in the message");
      }
      if (!data.verify()) {
        throw SpaException.refused(DECRYPT, "the message's integrity check failed");
      }
    }
    if (!keys.verify()) {
      return new Decryptor.Opened(literal, null);
    }
    String signer = signer(literal, onePass, signature);
    if (signer == null) {
      throw SpaException.refused(NO_SIG, "the packet is not signed and the stanza checks signatures "
          + "(GPG_DISABLE_SIG is not Y)");
    }
    if (!keys.allowedSigner(signer)) {
      throw SpaException.refused(SIGNER, "signer " + signer + " is not in GPG_REMOTE_ID/GPG_FINGERPRINT_ID");
    }
    return new Decryptor.Opened(literal, signer);
  }

  /** The verified signer's fingerprint; null when unsigned; refused when the signature does not verify. */
  private String signer(byte[] literal, PGPOnePassSignature onePass, PGPSignature sig)
      throws PGPException, SpaException {
    if (sig == null) {
      return null;
    }
    PGPPublicKey k = signingKey(sig.getKeyID());
    if (k == null) {
      String id = issuer(sig);
      if (keys.ignoreVerifyError()) {
        return id;
      }
      throw SpaException.refused(BAD_SIG, "signed by " + id + ", a key not in the stanza's GnuPG home");
    }
    boolean good;
    BcPGPContentVerifierBuilderProvider verifiers = new BcPGPContentVerifierBuilderProvider();
    if (onePass != null && onePass.getKeyID() == sig.getKeyID()) {
      onePass.init(verifiers, k);
      onePass.update(literal);
      good = onePass.verify(sig);
    } else {
      sig.init(verifiers, k);
      sig.update(literal);
      good = sig.verify();
    }
    if (!good && !keys.ignoreVerifyError()) {
      throw SpaException.refused(BAD_SIG, "the signature by " + Keyring.fingerprint(k) + " does not verify");
    }
    return Keyring.fingerprint(k);
  }

  /**
   * The signer of a signature whose key the home lacks: the issuer fingerprint the signature carries (gpg writes
   * one, and fwknopd matches GPG_FINGERPRINT_ID with it), else its 16-digit key id.
   */
  private static String issuer(PGPSignature sig) {
    var hashed = sig.getHashedSubPackets();
    var fpr = hashed == null ? null : hashed.getIssuerFingerprint();
    if (fpr != null && fpr.getKeyVersion() == 4 && fpr.getFingerprint().length == 20) {
      return java.util.HexFormat.of().withUpperCase().formatHex(fpr.getFingerprint());
    }
    return String.format("%016X", sig.getKeyID());
  }

  private PGPPublicKey signingKey(long id) {
    for (PGPPublicKeyRing r : keys.keyring().rings()) {
      PGPPublicKey k = r.getPublicKey(id);
      if (k != null) {
        return k;
      }
    }
    return null;
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    byte[] buf = new byte[512];
    int n;
    while ((n = in.read(buf)) > 0) {
      out.write(buf, 0, n);
      if (out.size() > MAX_PLAINTEXT) {
        throw new IOException("literal data over " + MAX_PLAINTEXT + " octets");
      }
    }
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return "gpg " + keys.decryption().keySet().stream().map(k -> Long.toHexString(k).toUpperCase()).toList()
        + (keys.hmac() == null ? "" : " " + keys.hmac());
  }
}
