package spa.cipher.gpg;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.bcpg.ECPublicBCPGKey;
import org.bouncycastle.bcpg.ECSecretBCPGKey;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.S2K;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.gpg.PGPSecretKeyParser;
import org.bouncycastle.gpg.SExpression;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.PBEProtectionRemoverFactory;
import org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor;
import org.bouncycastle.openpgp.operator.PGPSecretKeyDecryptorWithAAD;

/**
 * The secret of a Curve25519 (X25519) encryption key from its {@code private-keys-v1.d} file. Bouncy Castle 1.87
 * reads such a file's public point {@code q} as a Weierstrass point and fails on the native form's 0x40 prefix
 * ("Invalid point encoding type: 0x40"), before it unprotects anything; so the file is parsed here with Bouncy
 * Castle's S-expression reader, the point compared with the key packet's as the octets they are, and the secret
 * unprotected with Bouncy Castle's own OCB decryptor (the tag covers the public part, so a wrong passphrase or an
 * altered file fails there). The scalar {@code d} is the key packet's MPI as gpg stores it.
 */
final class Curve25519Secrets {
  static final String CV25519_OID = "1.3.6.1.4.1.3029.1.5.1";
  private static final int MAX_DEPTH = 10;
  /** What gpg-agent authenticates along with an OCB-protected ECC secret: the key's public part. */
  private static final String[] OCB_AAD = {"ecc", "curve", "flags", "q", "protected-at"};

  private Curve25519Secrets() {}

  /** Whether {@code pub} is a Curve25519 key, whose agent file Bouncy Castle 1.87 cannot read. */
  static boolean handles(PGPPublicKey pub) {
    return pub.getPublicKeyPacket().getKey() instanceof ECPublicBCPGKey ec
        && ec.getCurveOID().getId().equals(CV25519_OID);
  }

  /** The private key of the Curve25519 key {@code pub} from the agent file's text. */
  static PGPPrivateKey read(byte[] file, PGPPublicKey pub, PBEProtectionRemoverFactory remover)
      throws IOException, PGPException {
    SExpression key = PGPSecretKeyParser.parse(new ByteArrayInputStream(file), MAX_DEPTH).getKeyExpression();
    String form = key.getString(0);
    SExpression ecc = key.getExpression(1);
    if (!"ecc".equals(ecc.getString(0))
        || !"Curve25519".equalsIgnoreCase(ecc.getExpressionWithLabelOrFail("curve").getString(1))) {
      throw new PGPException("not a Curve25519 key file");
    }
    byte[] q = octets(ecc.getExpressionWithLabelOrFail("q"), 1);
    byte[] packetQ = ((ECPublicBCPGKey) pub.getPublicKeyPacket().getKey()).getEncodedPoint().toByteArray();
    if (!new BigInteger(1, q).equals(new BigInteger(1, packetQ))) {
      throw new PGPException("the key file's point is not the key's");
    }
    SExpression secret = switch (form) {
      case "private-key" -> ecc;
      case "protected-private-key" -> unprotect(ecc, remover);
      default -> throw new PGPException("unsupported key file form " + form);
    };
    byte[] d = octets(secret.getExpressionWithLabelOrFail("d"), 1);
    try {
      return new PGPPrivateKey(pub.getKeyID(), pub.getPublicKeyPacket(), new ECSecretBCPGKey(new BigInteger(1, d)));
    } finally {
      Arrays.fill(d, (byte) 0);
    }
  }

  /** The {@code ((d ...))} list of an OCB-protected key; any other protection is refused. */
  private static SExpression unprotect(SExpression ecc, PBEProtectionRemoverFactory remover)
      throws IOException, PGPException {
    SExpression prot = ecc.getExpressionWithLabelOrFail("protected");
    String mode = prot.getString(1);
    if (!"openpgp-s2k3-ocb-aes".equals(mode)) {
      throw new PGPException("protection " + mode + " of a Curve25519 key is not supported (re-protect it with "
          + "GnuPG 2.2 or later: gpg --passwd)");
    }
    SExpression params = prot.getExpression(2);
    SExpression s2kParams = params.getExpression(0);
    if (!"sha1".equals(s2kParams.getString(0))) {
      throw new PGPException("S2K hash " + s2kParams.getString(0) + " is not supported");
    }
    S2K s2k = new S2K(HashAlgorithmTags.SHA1, octets(s2kParams, 1), s2kParams.getInt(2));
    byte[] nonce = octets(params, 1);
    byte[] sealed = octets(prot, 3);
    PBESecretKeyDecryptor decryptor = remover.createDecryptor(mode);
    if (!(decryptor instanceof PGPSecretKeyDecryptorWithAAD aead)) {
      throw new PGPException("no OCB decryptor for " + mode);
    }
    byte[] k = decryptor.makeKeyFromPassPhrase(SymmetricKeyAlgorithmTags.AES_128, s2k);
    byte[] aad = ecc.filterIn(OCB_AAD).toCanonicalForm();
    byte[] clear = aead.recoverKeyData(SymmetricKeyAlgorithmTags.AES_128, k, nonce, aad, sealed, 0, sealed.length);
    try {
      return SExpression.parse(clear, MAX_DEPTH).getExpression(0);
    } finally {
      Arrays.fill(clear, (byte) 0);
      Arrays.fill(k, (byte) 0);
    }
  }

  /**
   * The octets of value {@code i}: gpg writes octets that happen to be printable as a quoted string, which Bouncy
   * Castle keeps as text (with gpg's escapes in it).
   */
  private static byte[] octets(SExpression e, int i) {
    Object v = e.getValue(i);
    if (v instanceof byte[] b) {
      return b;
    }
    byte[] text = v.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length);
    SecretKeys.unquote(text, 0, out);
    return out.toByteArray();
  }
}
