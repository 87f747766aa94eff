package spa.cipher.gpg;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.bcpg.BCPGKey;
import org.bouncycastle.bcpg.ECPublicBCPGKey;
import org.bouncycastle.bcpg.EdDSAPublicBCPGKey;

/**
 * GnuPG keygrips of Ed25519 and Curve25519 keys, which Bouncy Castle 1.87 does not compute: SHA-1 over the curve's
 * parameters p, a, b, g, n and the public point q (without its 0x40 prefix), each as a canonical S-expression
 * {@code (1:<name><length>:<bytes>)}, with the parameters as libgcrypt's curve table has them. Checked against
 * {@code gpg --with-keygrip} by the tests.
 */
final class Curve25519Grips {
  private static final String ED25519_OID = "1.3.6.1.4.1.11591.15.1";
  private static final String CV25519_OID = "1.3.6.1.4.1.3029.1.5.1";
  private static final String P = "7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFED";
  private static final String N = "1000000000000000000000000000000014DEF9DEA2F79CD65812631A5CF5D3ED";
  private static final String ED_B = "2DFC9311D490018C7338BF8688861767FF8FF5B2BEBE27548A14B235ECA6874A";
  private static final String ED_G = "04216936D3CD6E53FEC0A4E231FDD6DC5C692CC7609525A7B2C9562D608F25D51A"
      + "6666666666666666666666666666666666666666666666666666666666666658";
  private static final String CV_G = "04" + "0000000000000000000000000000000000000000000000000000000000000009"
      + "20AE19A1B8A086B4E01EDD2C7748D14C923D4D7E6D7C61B229E9C5A27ECED3D9";

  private Curve25519Grips() {}

  /** The keygrip of an Ed25519 or Curve25519 key; fails for other keys. */
  static byte[] keygrip(BCPGKey key) throws IOException {
    if (!(key instanceof ECPublicBCPGKey ec)) {
      throw new IOException("no keygrip for " + key.getClass().getSimpleName());
    }
    String oid = ec.getCurveOID().getId();
    String a;
    String b;
    String g;
    if (key instanceof EdDSAPublicBCPGKey && oid.equals(ED25519_OID)) {
      a = "01";
      b = ED_B;
      g = ED_G;
    } else if (oid.equals(CV25519_OID)) {
      a = "01DB41";
      b = "01";
      g = CV_G;
    } else {
      throw new IOException("no keygrip for curve " + oid);
    }
    byte[] q = point(ec.getEncodedPoint());
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-1");
      part(d, "p", hex(P));
      part(d, "a", hex(a));
      part(d, "b", hex(b));
      part(d, "g", hex(g));
      part(d, "n", hex(N));
      part(d, "q", q);
      return d.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IOException(e);
    }
  }

  /** The 32 octets of a native-form point: the MPI's value without the 0x40 prefix. */
  private static byte[] point(BigInteger mpi) throws IOException {
    byte[] v = mpi.toByteArray();
    if (v.length == 34 && v[0] == 0) {
      v = Arrays.copyOfRange(v, 1, 34);
    }
    if (v.length != 33 || v[0] != 0x40) {
      throw new IOException("not a native Curve25519 point");
    }
    return Arrays.copyOfRange(v, 1, 33);
  }

  private static void part(MessageDigest d, String name, byte[] value) {
    d.update(("(1:" + name + value.length + ":").getBytes(StandardCharsets.US_ASCII));
    d.update(value);
    d.update((byte) ')');
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }
}
