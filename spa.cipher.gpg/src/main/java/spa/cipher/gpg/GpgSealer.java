package spa.cipher.gpg;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Date;
import org.bouncycastle.bcpg.CompressionAlgorithmTags;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPCompressedDataGenerator;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import spa.core.SpaException;
import spa.core.spi.Encryptor;

/**
 * Seals SPA plaintext as gpgme does for fwknop: AES-256 with integrity protection to the recipient, ZLIB,
 * a one-pass SHA-512 signature when there is a signer, a binary literal with no file name; then the first
 * packet's header in the old two-octet form, so the base64 starts {@code hQ} for every key type, and the
 * fwknop wire form (with the HMAC when configured). Thread-safe.
 */
final class GpgSealer implements Encryptor.Keyed {
  private final PGPPublicKey recipient;
  private final GpgEncryptor.Signer signer;
  private final GpgHmac hmac;
  private final SecureRandom random;

  GpgSealer(PGPPublicKey recipient, GpgEncryptor.Signer signer, GpgHmac hmac, SecureRandom random) {
    this.recipient = recipient;
    this.signer = signer;
    this.hmac = hmac;
    this.random = random;
  }

  @Override
  public String encrypt(String plaintext) throws SpaException {
    if (plaintext == null) {
      throw new SpaException(SpaException.Kind.ENCODE, null, "no plaintext");
    }
    try {
      byte[] m = GpgWire.withFwknopHeader(seal(plaintext.getBytes(StandardCharsets.US_ASCII)));
      String wire = GpgWire.wire(m);
      return hmac == null ? wire : wire + hmac.mac(GpgWire.ascii(GpgWire.PREFIX + wire));
    } catch (IOException | PGPException | IllegalArgumentException e) {
      throw new SpaException(SpaException.Kind.ENCODE, null, "GnuPG encryption failed: " + e.getMessage());
    }
  }

  private byte[] seal(byte[] data) throws IOException, PGPException {
    PGPEncryptedDataGenerator enc = new PGPEncryptedDataGenerator(
        new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(true)
            .setSecureRandom(random));
    enc.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(recipient).setSecureRandom(random));
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (OutputStream encrypted = enc.open(out, new byte[1 << 10])) {
      PGPCompressedDataGenerator zip = new PGPCompressedDataGenerator(CompressionAlgorithmTags.ZLIB);
      try (OutputStream compressed = zip.open(encrypted)) {
        PGPSignatureGenerator sig = null;
        if (signer != null) {
          sig = new PGPSignatureGenerator(new BcPGPContentSignerBuilder(signer.publicKey().getAlgorithm(),
              HashAlgorithmTags.SHA512), signer.publicKey());
          sig.init(PGPSignature.BINARY_DOCUMENT, signer.privateKey());
          // the issuer fingerprint, as gpg writes it: a server without the signer's key still knows who signed
          var hashed = new org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator();
          hashed.setIssuerFingerprint(false, signer.publicKey());
          sig.setHashedSubpackets(hashed.generate());
          sig.generateOnePassVersion(false).encode(compressed);
        }
        PGPLiteralDataGenerator lit = new PGPLiteralDataGenerator();
        try (OutputStream literal = lit.open(compressed, PGPLiteralData.BINARY, "", data.length, new Date())) {
          literal.write(data);
        }
        if (sig != null) {
          sig.update(data);
          sig.generate().encode(compressed);
        }
      }
    }
    return out.toByteArray();
  }
}
