package spa.cipher.aes;

import java.security.GeneralSecurityException;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.spi.Decryptor;

/**
 * The server side of fwknop's Rijndael for one access stanza: {@code KEY} or {@code KEY_BASE64}, optional
 * {@code HMAC_KEY} or {@code HMAC_KEY_BASE64} with {@code HMAC_DIGEST_TYPE} (default sha256), and
 * {@code ENCRYPTION_MODE} (default CBC; the packet does not say which). The HMAC, when configured, is
 * verified in constant time before anything is decrypted.
 */
public final class AesDecryptor implements Decryptor {

  @Override
  public String name() {
    return "aes";
  }

  @Override
  public boolean configuredBy(Settings stanza) {
    return AesKeys.present(stanza);
  }

  @Override
  public Keyed forStanza(Settings stanza) throws ConfigException {
    AesKeys keys = AesKeys.from(stanza, AesKeys.Side.SERVER);
    try {
      return new Opener(new RijndaelCodec(keys));
    } catch (GeneralSecurityException e) {
      throw stanza.invalid(AesKeys.HMAC_DIGEST_TYPE, "this JDK cannot do " + keys + ": " + e.getMessage());
    }
  }

  /** Decrypts for one stanza; thread-safe. */
  private record Opener(RijndaelCodec codec) implements Keyed {
    @Override
    public String decrypt(String wire) throws SpaException {
      return codec.open(wire);
    }

    @Override
    public String decrypt(byte[] wire, int off, int len) {
      return codec.openOrNull(wire, off, len);
    }

    @Override
    public String toString() {
      return "aes " + codec.keys();
    }
  }
}
