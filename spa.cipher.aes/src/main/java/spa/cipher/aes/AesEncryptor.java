package spa.cipher.aes;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.function.Supplier;
import spa.core.ConfigException;
import spa.core.Settings;
import spa.core.SpaException;
import spa.core.spi.Encryptor;

/**
 * The client side of fwknop's Rijndael: {@code KEY} or {@code KEY_BASE64}, optional {@code HMAC_KEY} or
 * {@code HMAC_KEY_BASE64} with {@code HMAC_DIGEST_TYPE} (default sha256) and {@code USE_HMAC},
 * {@code ENCRYPTION_MODE} (default CBC). Each packet gets a fresh random 8-byte salt.
 */
public final class AesEncryptor implements Encryptor {
  private final Supplier<byte[]> salts;

  public AesEncryptor() {
    SecureRandom random = new SecureRandom();
    this.salts = () -> {
      byte[] salt = new byte[RijndaelCodec.SALT_LEN];
      random.nextBytes(salt);
      return salt;
    };
  }

  /** An encryptor whose salts come from {@code salts} (8 bytes each), for known-answer tests. */
  AesEncryptor(Supplier<byte[]> salts) {
    this.salts = salts;
  }

  @Override
  public String name() {
    return "aes";
  }

  /** A key is set and the rc stanza does not ask for GnuPG ({@code USE_GPG}). */
  @Override
  public boolean configuredBy(Settings settings) {
    return AesKeys.present(settings) && !settings.flag("USE_GPG", false);
  }

  @Override
  public Keyed forKeys(Settings settings) throws ConfigException {
    AesKeys keys = AesKeys.from(settings, AesKeys.Side.CLIENT);
    RijndaelCodec codec;
    try {
      codec = new RijndaelCodec(keys);
    } catch (GeneralSecurityException e) {
      throw settings.invalid(AesKeys.HMAC_DIGEST_TYPE, "this JDK cannot do " + keys + ": " + e.getMessage());
    }
    return new Sealer(codec, salts);
  }

  /** Encrypts with one set of keys; thread-safe. */
  private record Sealer(RijndaelCodec codec, Supplier<byte[]> salts) implements Keyed {
    @Override
    public String encrypt(String plaintext) throws SpaException {
      return codec.seal(plaintext, salts.get());
    }

    @Override
    public String toString() {
      return "aes " + codec.keys();
    }
  }
}
